// A plan is plain, versioned JSON: each action carries the exact API call apply will send.
import type { ActionOf, PlanAction } from '../actions/action-kinds.js';
import type { PlanSettings } from './plan-settings.js';

export type { PlanAction } from '../actions/action-kinds.js';
export type { ActionKindName as ActionKind } from '../actions/action-kinds.js';
export type { PlanSettings } from './plan-settings.js';

export const PLAN_SCHEMA_VERSION = 1;

/** An action's number as the plan shows it ("05"): its id up to the first '-'. */
export const actionNumber = (actionId: string): string => actionId.split('-')[0]!;

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  accountId: string;
  partition: string;
  createdAt: string;
  /** The settings that shaped the plan, so a saved plan explains itself. */
  settings: PlanSettings;
  actions: PlanAction[];
  /** Work the plan cannot do, and why (e.g. an existing role that does not trust VPC Flow Logs). */
  blocked: { reason: string; region: string; resourceIds: string[] }[];
}

export type CreateRoleAction = ActionOf<'create-role'>;
export type PutRolePolicyAction = ActionOf<'put-role-policy'>;
export type CreateLogGroupAction = ActionOf<'create-log-group'>;
export type PutRetentionPolicyAction = ActionOf<'put-retention-policy'>;
export type CreateFlowLogsAction = ActionOf<'create-flow-logs'>;
export type DeleteFlowLogsAction = ActionOf<'delete-flow-logs'>;
