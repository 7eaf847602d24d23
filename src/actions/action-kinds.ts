// The table of action kinds. Adding a kind means one module beside these and one line here.
import type { ActionCore, ActionKind, CallScope, Permission } from './action-kind.js';
import { checkFlowLogs } from './check-flow-logs.js';
import { createFlowLogs } from './create-flow-logs.js';
import { createLogGroup } from './create-log-group.js';
import { createRole } from './create-role.js';
import { deleteFlowLogs } from './delete-flow-logs.js';
import { deleteLogGroup } from './delete-log-group.js';
import { deleteRolePolicy } from './delete-role-policy.js';
import { deleteRole } from './delete-role.js';
import { putBucketPolicy } from './put-bucket-policy.js';
import { putRetentionPolicy } from './put-retention-policy.js';
import { putRolePolicy } from './put-role-policy.js';
import { removeBucketPolicyStatements } from './remove-bucket-policy-statements.js';

/**
 * In plan order: the central bucket's policy first (members' CreateFlowLogs to it fail without it), the role
 * before its policy, a log group before its retention, flow logs last; a
 * replacement's check after its create, the old flow log's delete after the check. The other delete
 * kinds (rollbackOnly) come only from rollback plans (src/plan/build-rollback.ts), in the reverse
 * order: flow logs first, then log groups, then the role's policy and the role.
 */
export const ACTION_KINDS = {
  'put-bucket-policy': putBucketPolicy,
  'create-role': createRole,
  'put-role-policy': putRolePolicy,
  'create-log-group': createLogGroup,
  'put-retention-policy': putRetentionPolicy,
  'create-flow-logs': createFlowLogs,
  'check-flow-logs': checkFlowLogs,
  'delete-flow-logs': deleteFlowLogs,
  'delete-log-group': deleteLogGroup,
  'delete-role-policy': deleteRolePolicy,
  'delete-role': deleteRole,
  'remove-bucket-policy-statements': removeBucketPolicyStatements,
} as const;

type Kinds = typeof ACTION_KINDS;
export type ActionKindName = keyof Kinds;
type InputOf<K extends ActionKindName> = Kinds[K] extends ActionKind<K, infer I> ? I : never;

/** What a plan shows beside each action, derived from the table (kept in plan JSON for readers). */
export interface ActionDisplay {
  service: string;
  operation: string;
  description: string;
  /** IAM actions the operator needs to send this call. */
  permissions: string[];
}

export type ActionOf<K extends ActionKindName> = ActionCore<K, InputOf<K>> & ActionDisplay;
export type PlanAction = { [K in ActionKindName]: ActionOf<K> }[ActionKindName];
export type ActionDraft = { [K in ActionKindName]: Omit<ActionCore<K, InputOf<K>>, 'id'> }[ActionKindName];

/** The declarations of an action's kind, typed loosely for code that handles every kind alike. */
export const kindOf = (action: { kind: ActionKindName }): ActionKind<string, any> => ACTION_KINDS[action.kind] as ActionKind<string, any>;

/** Kinds that remove what flowfix created: rollback plans hold only these; the normal planner only DeleteFlowLogs, for a replaced flow log. */
export const isDeleteKind = (kind: ActionKindName): boolean => ACTION_KINDS[kind].counted.verb === 'delete';

export const isActionKind = (kind: string): kind is ActionKindName => Object.hasOwn(ACTION_KINDS, kind);

export function permissionsOf(action: Pick<PlanAction, 'kind' | 'region' | 'input'>, scope: Omit<CallScope, 'region'>): Permission[] {
  return kindOf(action).permissions(action.input, { ...scope, region: action.region });
}

/** An action with its display fields filled in from the table. */
export function withDisplay<A extends ActionCore<ActionKindName, unknown>>(action: A, scope: Omit<CallScope, 'region'>): A & ActionDisplay {
  const kind = kindOf(action);
  const permissions = [...new Set(permissionsOf(action as unknown as PlanAction, scope).map((p) => p.action))];
  return { ...action, service: kind.service, operation: kind.operation, description: kind.describe(action.input), permissions };
}

/** The resources an action's outcome lines are about. */
export const targetsOf = (action: Pick<PlanAction, 'kind' | 'input'>): string[] => kindOf(action).targets(action.input);
