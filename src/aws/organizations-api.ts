// AWS Organizations behind a narrow interface: the accounts of the organization, or of one OU and its
// children. Readable from the management account or a delegated administrator.
import type * as OrgSdk from '@aws-sdk/client-organizations';

import type { OrganizationAccount, OrganizationApi } from './api.js';
import { callingAction } from './errors.js';

/** The most results ListAccounts and ListAccountsForParent return per page. */
const ORG_MAX_PAGE_SIZE = 20;

export function createOrganizationApi(sdk: typeof OrgSdk, client: OrgSdk.OrganizationsClient): OrganizationApi {
  const paging = { client, pageSize: ORG_MAX_PAGE_SIZE };

  async function accountsDirectlyUnder(parentId: string): Promise<OrganizationAccount[]> {
    const accounts: OrganizationAccount[] = [];
    for await (const page of sdk.paginateListAccountsForParent(paging, { ParentId: parentId })) {
      for (const account of page.Accounts ?? []) accounts.push(toAccount(account));
    }
    return accounts;
  }

  async function childOus(parentId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of sdk.paginateListOrganizationalUnitsForParent(paging, { ParentId: parentId })) {
      for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) ids.push(ou.Id);
    }
    return ids;
  }

  return {
    listAccounts: () =>
      callingAction('organizations:ListAccounts', async () => {
        const accounts: OrganizationAccount[] = [];
        for await (const page of sdk.paginateListAccounts(paging, {})) {
          for (const account of page.Accounts ?? []) accounts.push(toAccount(account));
        }
        return accounts;
      }),

    // Breadth first over the OU tree, iteratively: an organization can nest OUs five levels deep.
    listAccountsUnder: (ouId) =>
      callingAction('organizations:ListAccountsForParent', async () => {
        const accounts: OrganizationAccount[] = [];
        const queue = [ouId];
        for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
          for (const account of await accountsDirectlyUnder(parent)) accounts.push(account);
          for (const child of await callingAction('organizations:ListOrganizationalUnitsForParent', () => childOus(parent!))) queue.push(child);
        }
        return accounts;
      }),
  };
}

/** Status is being replaced by State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED): read either. */
function toAccount(account: OrgSdk.Account): OrganizationAccount {
  const state = (account as { State?: string }).State ?? account.Status ?? 'UNKNOWN';
  return {
    accountId: account.Id ?? '',
    ...(account.Name ? { name: account.Name } : {}),
    state,
    ...(account.JoinedMethod ? { joinedMethod: account.JoinedMethod } : {}),
  };
}
