// Pure: what the plan does not fail on yet, but a person should know before it does.
import { MANAGED_BY_TAG, type Settings } from '../config/settings.js';
import type { PolicyDocument } from '../facts/policy-document.js';
import { roleOf, type Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/types.js';
import { inlinePoliciesSize, policySize, ROLE_INLINE_POLICIES_MAX_CHARS, ROLE_POLICY_SIZE_WARNING_SHARE } from '../policy/policy-size.js';
import { logGroupsGrantedBy, renderPublishPolicy } from '../policy/publish-policy.js';
import type { PolicyTemplates } from '../policy/templates.js';

export interface ReportWarning {
  kind: 'role-policy-size';
  /** 'global' for the IAM role. */
  region: string;
  resourceId: string;
  message: string;
  /** Characters the role's inline policies take once the plan is applied (whitespace not counted). */
  size: number;
  limit: number;
}

const number = (n: number) => n.toLocaleString('en-US');

/**
 * The delivery role's inline policies, as they will be once the plan's PutRolePolicy (if any) is applied,
 * against IAM's per-role quota. Each log group added to the publish policy takes more: the warning says
 * how much, and about how many more fit.
 */
export function roleWarnings(
  inventory: Inventory,
  plan: Plan,
  settings: Pick<Settings, 'destination' | 'roleName' | 'policyName'>,
  templates: PolicyTemplates,
): ReportWarning[] {
  if (settings.destination.type !== 'cloud-watch-logs') return [];
  const role = roleOf(inventory);
  const put = plan.actions.find((a) => a.kind === 'put-role-policy' && a.input.RoleName === settings.roleName);
  if (!role && !put) return [];
  const policies: Record<string, PolicyDocument | string> = { ...role?.inlinePolicies };
  if (put?.kind === 'put-role-policy') policies[put.input.PolicyName] = put.input.PolicyDocument;
  const size = inlinePoliciesSize(policies);
  if (size < ROLE_INLINE_POLICIES_MAX_CHARS * ROLE_POLICY_SIZE_WARNING_SHARE) return [];

  const vars = { Partition: inventory.partition, AccountId: inventory.accountId };
  const publish = policies[settings.policyName];
  const current = typeof publish === 'string' ? (JSON.parse(publish) as PolicyDocument) : publish;
  const granted = (current && logGroupsGrantedBy(current, templates.publish, vars)) ?? [settings.destination.logGroupName];
  // What one more group of the same name length adds to the publish policy.
  const another = `/${MANAGED_BY_TAG.value}-${'x'.repeat(Math.max(1, settings.destination.logGroupName.length - 9))}`;
  const perGroup =
    policySize(renderPublishPolicy(templates.publish, vars, [...granted, another])) - policySize(renderPublishPolicy(templates.publish, vars, granted));
  const left = ROLE_INLINE_POLICIES_MAX_CHARS - size;
  const outlook =
    left < 0
      ? `over it by ${number(-left)}: PutRolePolicy will fail with LimitExceeded`
      : `each further log group adds about ${number(perGroup)}, so about ${number(Math.floor(left / perGroup))} more fit before PutRolePolicy fails with LimitExceeded`;
  return [
    {
      kind: 'role-policy-size',
      region: 'global',
      resourceId: settings.roleName,
      size,
      limit: ROLE_INLINE_POLICIES_MAX_CHARS,
      message:
        `Inline policies of delivery role ${settings.roleName} will take ${number(size)} of IAM's ${number(ROLE_INLINE_POLICIES_MAX_CHARS)} characters per role ` +
        `(whitespace not counted); ${outlook}. Deliver to fewer log groups (one --log-group for all regions), or remove inline policies the role no longer needs.`,
    },
  ];
}
