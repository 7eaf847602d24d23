// Pure: whether the delivery role's permissions boundary lets VPC Flow Logs deliver to flowfix's log
// group. A boundary caps every policy on the role, so one that leaves out logs:PutLogEvents turns every
// flow log into "Access error" an hour after a clean apply; it is judged here, with flowfix's own
// evaluator, against exactly what the publish policy grants (policies/delivery-role-publish.json).
import { DEFAULT_BOUNDARY_POLICY_NAME, type Settings } from '../config/settings.js';
import type { Inventory } from '../inventory/types.js';
import { firstMissingGrant, renderPublishPolicy } from '../policy/publish-policy.js';
import { loadPolicyTemplates } from '../policy/templates.js';

/** README's one-time step: the default boundary as a managed policy of the account. */
export const CREATE_BOUNDARY_COMMAND = `aws iam create-policy --policy-name ${DEFAULT_BOUNDARY_POLICY_NAME} --policy-document file://policies/delivery-role-boundary.json`;

/**
 * Why delivery cannot work under the boundary, in words a person can act on; undefined when it can, or
 * when nothing is known (no boundary, unread, or an S3 destination, which needs no role).
 */
export function boundaryProblem(
  inventory: Pick<Inventory, 'boundary' | 'role' | 'partition' | 'accountId'>,
  settings: Pick<Settings, 'destination' | 'roleName'>,
): string | undefined {
  const boundary = inventory.boundary;
  if (settings.destination.type !== 'cloud-watch-logs' || !boundary || boundary.status === 'unreadable') return undefined;
  const whose =
    inventory.role.status === 'found'
      ? `Delivery role ${settings.roleName} has permissions boundary ${boundary.arn}`
      : `flowfix would create delivery role ${settings.roleName} with permissions boundary ${boundary.arn}`;
  if (boundary.status === 'missing') {
    const fix = boundary.arn.endsWith(`:policy/${DEFAULT_BOUNDARY_POLICY_NAME}`)
      ? `create it once, as an administrator: ${CREATE_BOUNDARY_COMMAND} (or name another with --permissions-boundary)`
      : 'create it, or name another with --permissions-boundary';
    return `${whose}, which does not exist: ${fix}`;
  }
  const needed = renderPublishPolicy(loadPolicyTemplates().publish, { Partition: inventory.partition, AccountId: inventory.accountId }, [
    settings.destination.logGroupName,
  ]);
  const missing = firstMissingGrant(boundary.document, needed);
  if (!missing) return undefined;
  return `${whose}, which does not allow ${missing.action} on ${missing.resource}: delivery to ${settings.destination.logGroupName} would fail with "Access error". Widen the boundary (policies/delivery-role-boundary.json allows what delivery needs) or name another with --permissions-boundary`;
}
