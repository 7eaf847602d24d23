// IAM behind the narrow IamApi: the delivery role read as plain facts, and the two writes apply needs.

import type * as IamSdk from '@aws-sdk/client-iam';

import { FlowfixError } from '../errors.js';
import type { PolicyDocument } from '../facts/policy-document.js';
import type { RoleFacts } from '../facts/resources.js';
import { tagsToRecord } from '../facts/tags.js';
import { decodePolicyText } from '../policy/decode.js';
import { appendAll } from '../util/collections.js';
import type { CallOptions, IamApi, SimulationResult } from './api.js';
import { sendOptions } from './call-options.js';
import { callingAction, classifyAwsError } from './errors.js';
import type * as Sdk from './sdk.js';

const ROLE_POLICIES_MAX_PAGE_SIZE = 1000;

export function createIamApi(sdk: typeof Sdk, client: IamSdk.IAMClient): IamApi {
  async function readInlinePolicies(roleName: string, options?: CallOptions): Promise<RolePolicyData[]> {
    const policyNames: string[] = [];
    const pages = sdk.paginateListRolePolicies({ client, pageSize: ROLE_POLICIES_MAX_PAGE_SIZE }, { RoleName: roleName }, sendOptions(options));
    await callingAction('iam:ListRolePolicies', async () => {
      for await (const page of pages) appendAll(policyNames, page.PolicyNames ?? []);
    });

    return Promise.all(
      policyNames.map(async (policyName) => {
        const output = await callingAction('iam:GetRolePolicy', () =>
          client.send(new sdk.GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }), sendOptions(options)),
        );
        return { PolicyName: output.PolicyName ?? policyName, PolicyDocument: output.PolicyDocument };
      }),
    );
  }

  return {
    async getRole(name, options) {
      // Listed alongside GetRole to save a round trip; when the role is missing this fails too and
      // its error is ignored, hence the no-op catch against an unhandled rejection.
      const inlinePolicies = readInlinePolicies(name, options);
      inlinePolicies.catch(() => {});
      let role: IamSdk.Role | undefined;
      try {
        role = (await callingAction('iam:GetRole', () => client.send(new sdk.GetRoleCommand({ RoleName: name }), sendOptions(options)))).Role;
      } catch (err) {
        // A missing role is a normal state (flowfix has not created it yet), not a failure.
        if (classifyAwsError(err).kind === 'not-found') return null;
        throw err;
      }
      if (!role) return null;
      return toRoleFacts({ ...role, RoleName: role.RoleName ?? name }, await inlinePolicies);
    },

    createRole: (input) =>
      callingAction('iam:CreateRole', async () => {
        const output = await client.send(new sdk.CreateRoleCommand(input));
        return { arn: output.Role?.Arn ?? '' };
      }),

    putRolePolicy: (input) =>
      callingAction('iam:PutRolePolicy', async () => {
        await client.send(new sdk.PutRolePolicyCommand(input));
      }),

    simulatePrincipalPolicy: (input, options) =>
      callingAction('iam:SimulatePrincipalPolicy', async () => {
        const results: SimulationResult[] = [];
        let marker: string | undefined;
        do {
          const output = await client.send(
            new sdk.SimulatePrincipalPolicyCommand({
              PolicySourceArn: input.policySourceArn,
              ActionNames: input.actionNames,
              ResourceArns: input.resourceArns,
              ...(input.contextEntries?.length
                ? {
                    ContextEntries: input.contextEntries.map((e) => ({ ContextKeyName: e.key, ContextKeyType: 'string' as const, ContextKeyValues: e.values })),
                  }
                : {}),
              ...(marker ? { Marker: marker } : {}),
            }),
            sendOptions(options),
          );
          for (const r of output.EvaluationResults ?? []) results.push(...toSimulationResults(r));
          marker = output.IsTruncated ? output.Marker : undefined;
        } while (marker);
        return results;
      }),

    roleArn: async (name, options) => {
      try {
        const output = await callingAction('iam:GetRole', () => client.send(new sdk.GetRoleCommand({ RoleName: name }), sendOptions(options)));
        return output.Role?.Arn ?? null;
      } catch (err) {
        if (classifyAwsError(err).kind === 'not-found') return null;
        throw err;
      }
    },

    deleteRolePolicy: (input) =>
      callingAction('iam:DeleteRolePolicy', async () => {
        await client.send(new sdk.DeleteRolePolicyCommand(input));
      }),

    deleteRole: (input) =>
      callingAction('iam:DeleteRole', async () => {
        await client.send(new sdk.DeleteRoleCommand(input));
      }),

    async listRoleAttachments(roleName, options) {
      const managedPolicies: { name: string; arn: string }[] = [];
      const instanceProfiles: string[] = [];
      await callingAction('iam:ListAttachedRolePolicies', async () => {
        for await (const page of sdk.paginateListAttachedRolePolicies(
          { client, pageSize: ROLE_POLICIES_MAX_PAGE_SIZE },
          { RoleName: roleName },
          sendOptions(options),
        )) {
          for (const p of page.AttachedPolicies ?? []) managedPolicies.push({ name: p.PolicyName ?? p.PolicyArn ?? '', arn: p.PolicyArn ?? '' });
        }
      });
      await callingAction('iam:ListInstanceProfilesForRole', async () => {
        for await (const page of sdk.paginateListInstanceProfilesForRole(
          { client, pageSize: ROLE_POLICIES_MAX_PAGE_SIZE },
          { RoleName: roleName },
          sendOptions(options),
        )) {
          for (const p of page.InstanceProfiles ?? []) instanceProfiles.push(p.InstanceProfileName ?? p.Arn ?? '');
        }
      });
      return { managedPolicies, instanceProfiles };
    },

    async getPolicyDocument(policyArn, options) {
      let versionId: string | undefined;
      try {
        const policy = await callingAction('iam:GetPolicy', () => client.send(new sdk.GetPolicyCommand({ PolicyArn: policyArn }), sendOptions(options)));
        versionId = policy?.Policy?.DefaultVersionId;
      } catch (err) {
        if (classifyAwsError(err).kind === 'not-found') return null;
        throw err;
      }
      if (!versionId) return null;
      const version = await callingAction('iam:GetPolicyVersion', () =>
        client.send(new sdk.GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }), sendOptions(options)),
      );
      return parsePolicyDocument(version?.PolicyVersion?.Document ?? '');
    },
  };
}

/**
 * One EvaluationResult as plain results: per resource when IAM answers with ResourceSpecificResults (one
 * result per action, the top level then aggregates every resource), else the top level as is. Which layer
 * denied comes from the Organizations (SCP) and permissions-boundary details.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
 */
function toSimulationResults(r: IamSdk.EvaluationResult): SimulationResult[] {
  const layers = {
    ...(r.OrganizationsDecisionDetail?.AllowedByOrganizations !== undefined
      ? { allowedByOrganizations: r.OrganizationsDecisionDetail.AllowedByOrganizations }
      : {}),
    ...(r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary !== undefined
      ? { allowedByPermissionsBoundary: r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary }
      : {}),
  };
  const missing = (values: string[] | undefined) => (values?.length ? { missingContextValues: values } : {});
  const action = r.EvalActionName ?? '';
  if (r.ResourceSpecificResults?.length) {
    return r.ResourceSpecificResults.map((rs) => ({
      action,
      resource: rs.EvalResourceName ?? '*',
      decision: rs.EvalResourceDecision ?? 'implicitDeny',
      ...layers,
      ...(rs.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary !== undefined
        ? { allowedByPermissionsBoundary: rs.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary }
        : {}),
      ...missing(rs.MissingContextValues?.length ? rs.MissingContextValues : r.MissingContextValues),
    }));
  }
  return [{ action, resource: r.EvalResourceName ?? '*', decision: r.EvalDecision ?? 'implicitDeny', ...layers, ...missing(r.MissingContextValues) }];
}

// Shared with the offline snapshot (src/snapshot/): GetRole's Role and GetRolePolicy's output, with
// policy documents as the API returns them (URL-encoded strings).
export type RoleData = Pick<IamSdk.Role, 'RoleName' | 'Arn' | 'AssumeRolePolicyDocument' | 'Tags' | 'PermissionsBoundary'> & {
  /** A Date from the SDK, an ISO string from a snapshot file. */
  CreateDate?: Date | string | undefined;
};
export type RolePolicyData = Pick<IamSdk.GetRolePolicyResponse, 'PolicyName' | 'PolicyDocument'>;

export function toRoleFacts(role: RoleData, policies: readonly RolePolicyData[]): RoleFacts {
  const inlinePolicies: Record<string, PolicyDocument> = {};
  for (const policy of policies) inlinePolicies[policy.PolicyName ?? ''] = parsePolicyDocument(policy.PolicyDocument ?? '');
  return {
    roleName: role.RoleName ?? '',
    arn: role.Arn ?? '',
    trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument ?? ''),
    inlinePolicies,
    tags: tagsToRecord(role.Tags),
    ...(role.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundary: role.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    ...createdAtOf(role.CreateDate),
  };
}

function createdAtOf(date: Date | string | undefined): { createdAt?: string } {
  const time = date === undefined ? NaN : new Date(date).getTime();
  return Number.isNaN(time) ? {} : { createdAt: new Date(time).toISOString() };
}

/** A policy document as IAM returns it (URL-encoded, or plain JSON from some emulators). */
export function parsePolicyDocument(text: string): PolicyDocument {
  if (text.trim() === '') return { Statement: [] };
  try {
    return decodePolicyText(text) as PolicyDocument;
  } catch (err) {
    throw new FlowfixError('UnreadablePolicyDocument', `IAM returned a policy document flowfix cannot parse: ${String(err)}`, {
      cause: err,
    });
  }
}
