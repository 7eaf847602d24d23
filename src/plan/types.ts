// A plan is plain, versioned JSON: each action carries the exact API call apply will send.
import type { FindingKind } from '../audit/types.js';
import type { PolicyDocument } from '../facts/policy-document.js';

export const PLAN_SCHEMA_VERSION = 1;

interface ActionBase {
  /** Stable within a plan: "01-create-role", "05-create-flow-logs-us-east-1-vpc-1". */
  id: string;
  /** 'global' for IAM. */
  region: string;
  /** What it does, in words. */
  description: string;
  /** Why: the finding kinds and resources that need it. */
  /** 'unfinished': completing what an interrupted apply left half done. */
  because: { kind: FindingKind | 'prerequisite' | 'unfinished'; resourceIds: string[] }[];
  /** IAM actions the operator needs to send this call. */
  permissions: string[];
}

export interface CreateRoleAction extends ActionBase {
  kind: 'create-role';
  service: 'iam';
  operation: 'CreateRole';
  input: {
    RoleName: string;
    AssumeRolePolicyDocument: string;
    Description: string;
    Tags: { Key: string; Value: string }[];
  };
}

export interface PutRolePolicyAction extends ActionBase {
  kind: 'put-role-policy';
  service: 'iam';
  operation: 'PutRolePolicy';
  input: { RoleName: string; PolicyName: string; PolicyDocument: string };
}

export interface CreateLogGroupAction extends ActionBase {
  kind: 'create-log-group';
  service: 'logs';
  operation: 'CreateLogGroup';
  input: { logGroupName: string; kmsKeyId?: string; tags: Record<string, string> };
}

export interface PutRetentionPolicyAction extends ActionBase {
  kind: 'put-retention-policy';
  service: 'logs';
  operation: 'PutRetentionPolicy';
  input: { logGroupName: string; retentionInDays: number };
}

export interface CreateFlowLogsAction extends ActionBase {
  kind: 'create-flow-logs';
  service: 'ec2';
  operation: 'CreateFlowLogs';
  input: {
    ResourceType: 'VPC' | 'Subnet';
    ResourceIds: string[];
    TrafficType: 'REJECT' | 'ALL';
    LogDestinationType: 'cloud-watch-logs' | 's3';
    LogGroupName?: string;
    LogDestination?: string;
    DeliverLogsPermissionArn?: string;
    TagSpecifications: { ResourceType: 'vpc-flow-log'; Tags: { Key: string; Value: string }[] }[];
    /** Derived from the plan so a retried call cannot create a second flow log. */
    ClientToken: string;
  };
}

export type PlanAction =
  | CreateRoleAction
  | PutRolePolicyAction
  | CreateLogGroupAction
  | PutRetentionPolicyAction
  | CreateFlowLogsAction;

export type ActionKind = PlanAction['kind'];

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  accountId: string;
  partition: string;
  createdAt: string;
  /** The settings that shaped the plan, so a saved plan explains itself. */
  settings: {
    scope: 'vpc' | 'subnet';
    trafficType: 'REJECT' | 'ALL';
    destination: string;
    roleName: string;
    retentionInDays: number;
    kmsKeyId?: string;
    regions: string[];
  };
  actions: PlanAction[];
  /** Work the plan cannot do, and why (e.g. an existing role that does not trust VPC Flow Logs). */
  blocked: { reason: string; region: string; resourceIds: string[] }[];
}
