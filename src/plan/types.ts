// A plan is plain, versioned JSON: each action carries the exact API call apply will send.
import type { ActionOf, PlanAction } from '../actions/action-kinds.js';
import type { Exclusion } from '../config/settings.js';

export type { PlanAction } from '../actions/action-kinds.js';
export type { ActionKindName as ActionKind } from '../actions/action-kinds.js';

export const PLAN_SCHEMA_VERSION = 1;

/** An action's number as the plan shows it ("05"): its id up to the first '-'. */
export const actionNumber = (actionId: string): string => actionId.split('-')[0]!;

/** The settings that shaped a plan: what `flowfix apply FILE` rebuilds it from. */
export interface PlanSettings {
  scope: 'vpc' | 'subnet';
  trafficType: 'REJECT' | 'ALL';
  /** cloud-watch-logs:NAME or s3://bucket/prefix/ */
  destination: string;
  roleName: string;
  policyName: string;
  retentionInDays: number;
  minRetentionDays: number;
  kmsKeyId?: string;
  /** Carried into the create-role action, so a saved plan's role is created exactly as planned. */
  permissionsBoundary?: string;
  rolePath?: string;
  regions: string[];
  /** Resources the plan leaves alone on purpose (absent: none). */
  exclude?: Exclusion[];
  /** Default VPCs left alone (absent: false). */
  skipDefaultVpcs?: true;
  /** The organization's tags on everything the plan creates, beside ManagedBy=flowfix (absent: none). */
  tags?: Record<string, string>;
  /** Flow-log options given (each absent: AWS's default). */
  logFormat?: string;
  maxAggregationInterval?: 60 | 600;
  fileFormat?: 'plain-text' | 'parquet';
  hiveCompatiblePartitions?: boolean;
  perHourPartition?: boolean;
}

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
