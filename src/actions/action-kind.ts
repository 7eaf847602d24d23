// What every action kind declares, in one place: its input schema (the exact API parameters), the
// words the user reads, the IAM permissions the call needs, when live state shows it is already done,
// and how it is sent. The planner, apply, the plan-file reader, error hints and the operator-policy
// test all read these declarations; nothing else knows about a kind.
import type { z } from 'zod';

import type { FindingKind } from '../audit/types.js';
import type { AwsClients } from '../aws/api.js';
import type { Settings } from '../config/settings.js';
import type { Inventory } from '../inventory/types.js';
import { canonicalJson } from '../util/canonical-json.js';

/** Why an action is in the plan: the finding kinds and resources that need it. */
/** 'rollback': flowfix created it and `flowfix rollback` removes it. */
export type BecauseKind = FindingKind | 'prerequisite' | 'unfinished' | 'in-use' | 'rollback';
export interface Because {
  kind: BecauseKind;
  resourceIds: string[];
}

/**
 * True when an action is there only for the flow logs its plan creates. 'in-use' adds no reason of its
 * own: it names the flow logs already delivering through what the action changes.
 */
export const isPrerequisiteOnly = (because: Because[]): boolean => because.every((b) => b.kind === 'prerequisite' || b.kind === 'in-use');

/** Where a call is sent: ARNs in permissions are built from it. */
export interface CallScope {
  partition: string;
  accountId: string;
  /** 'global' for IAM. */
  region: string;
}

/** One IAM action on one resource (ARN or '*'). */
export interface Permission {
  action: string;
  resource: string;
}

/**
 * What one action's failure stops, as keys shared between kinds: a failed action sets the keys its kind
 * `blocks`, and a later action whose kind is `blockedBy` a key that is set is skipped, saying why.
 */
export const BLOCKER = {
  /** The delivery role cannot be used: it was not created, or not given its policy. */
  roleNotReady: 'role',
  /** Something may still use the delivery role: a flow log or the role's policy that could not be deleted. */
  roleInUse: 'role-in-use',
  /** flowfix's log group in the region could not be created. */
  logGroupMissing: (region: string) => `log-group:${region}`,
  /** A flow log flowfix meant to delete in the region is still there and may deliver to its group. */
  flowLogsLeft: (region: string) => `flow-logs:${region}`,
  /** The replacement of a flow log (missing-fields) could not be shown in place: the old one must stay. */
  replacementUnchecked: (region: string, flowLogId: string) => `replacement:${region}:${flowLogId}`,
};

/** What the saved-plan matcher asks a kind about: the names a plan's settings manage. */
export type ManagedSettings = Pick<Settings, 'roleName' | 'policyName' | 'destination' | 'retentionInDays'>;

/** A condition key and the values a call carries for it, as SimulatePrincipalPolicy's ContextEntries take them. */
export interface ContextEntry {
  key: string;
  values: string[];
}

/** What the preflight knows besides the input: the delivery role's permissions boundary, as it will be. */
export interface ContextFacts {
  roleBoundary?: string | undefined;
}

/** aws:RequestTag/KEY for each tag and aws:TagKeys: what a tag-on-create call carries. */
export function requestTagContext(tags: Record<string, string>): ContextEntry[] {
  const keys = Object.keys(tags);
  if (keys.length === 0) return [];
  return [...keys.map((key) => ({ key: `aws:RequestTag/${key}`, values: [tags[key]!] })), { key: 'aws:TagKeys', values: keys }];
}

/** Live state's verdict on an action before it is sent. */
export type LiveVerdict = { status: 'todo' } | { status: 'already-done' | 'skipped'; detail: string } | { status: 'failed'; code: string; message: string };

/** How a plan's summary counts an action: 'check' reads live state and changes nothing. */
export type CountedVerb = 'create' | 'set' | 'check' | 'delete';

export interface ActionCore<K extends string, I> {
  /** Stable within a plan: "01-create-role", "05-create-flow-logs-us-east-1". */
  id: string;
  kind: K;
  region: string;
  because: Because[];
  input: I;
}

export interface ActionKind<K extends string, I> {
  kind: K;
  service: 'iam' | 'logs' | 'ec2' | 's3';
  operation: string;
  /** IAM is global; everything else is sent to the action's region. */
  global: boolean;
  /**
   * How carrying it out changes the delivery role, which IAM then takes a while to propagate: CreateFlowLogs
   * retries 'Unable to assume given IAM role' only after such a change in the same run.
   */
  changesRole?: 'created' | 'policy-put';
  /**
   * How the plan's summary line counts this kind: each target is one noun to create, set or delete ("4 flow
   * logs … to create"). 'delete' kinds undo what flowfix created: global ones run after the regions.
   */
  counted: { noun: string; nouns: string; verb: CountedVerb };
  /** Only rollback plans hold it: a plan file (`flowfix apply FILE`) never may. */
  rollbackOnly?: true;
  /** The input as a plan file may carry it: strict, so an added parameter is refused. */
  inputSchema: z.ZodType<I>;
  /** The resources the action's outcome lines are about (ids for CreateFlowLogs, else one name). */
  targets(input: I): string[];
  /** What the user reads: rendered from the input alone, never taken from a file. */
  describe(input: I): string;
  /** Every IAM permission the call needs, including the implicit ones (tag-on-create, PassRole). */
  permissions(input: I, scope: CallScope): Permission[];
  /**
   * The condition keys the real call carries for one of its permissions (request tags,
   * iam:PermissionsBoundary, iam:PassedToService…), besides aws:RequestedRegion, which the preflight adds
   * itself: without them IAM's simulation would call a conditional Allow a denial.
   */
  requestContext?(input: I, permission: Permission, facts: ContextFacts): ContextEntry[];
  /**
   * Whether live state (read just before applying) shows the work as done or impossible: one verdict
   * per target, in the order of targets().
   */
  reconcile(action: ActionCore<K, I>, live: Inventory): LiveVerdict[];
  /** Sends the call as is. */
  send(clients: AwsClients, region: string, input: I): Promise<unknown>;
  /**
   * After a failure that leaves it unknown whether the call was carried out (see writeOutcomeUnknown):
   * the targets whose change live state, read again now, shows in place. Throws when it cannot read.
   */
  tookEffect(clients: AwsClients, region: string, input: I, targets: string[], because: Because[]): Promise<string[]>;
  /**
   * For a call that answers per target (a check): after `send` succeeded, the targets its answer shows not
   * done, each with a code and message. Absent: a successful send settles every target.
   */
  failedTargets?(input: I, answer: unknown, targets: string[]): { target: string; code: string; message: string }[];
  /**
   * For an access-denied failure: what to grant (or fix), when the declared permissions alone do not say
   * it. Given AWS's message and where the call went, since not every denial is the operator's IAM (a KMS
   * key policy, a bucket policy).
   */
  deniedHint?(input: I, error: { code: string; message: string }, scope: CallScope): string;
  /** When a target of this action failed: the BLOCKER keys that stops, and why, in words. */
  blocks?(failed: { region: string; resourceId: string }): { key: string; why: string }[];
  /** The BLOCKER keys that stop this action, first match reported. */
  blockedBy?(input: I, region: string): string[];
  /** The BLOCKER keys that stop one target of this action (the others go ahead), first match reported. */
  blockedByTarget?(input: I, region: string, target: string): string[];
  /**
   * Where this action's work needs the prerequisites (the delivery role and policy, flowfix's log group):
   * its region, and 'global' for the role. Prerequisites are skipped, and a saved plan may leave them
   * out, where no such work is left.
   */
  needsPrerequisitesIn?(input: I, region: string): string[];
  /**
   * Whether the input names only what these settings manage (their role and policy, their group and
   * retention): a saved plan's action of this kind may then count as done, or as no longer needed.
   * Absent: never (flow logs, and the deletes only rollback sends).
   */
  managedBy?(input: I, settings: ManagedSettings): boolean;
  /** The input for some of its targets only (the ids still to do). Absent: the input is the whole of one target. */
  forTargets?(input: I, targets: string[]): I;
}

/** Declares a kind with its types checked against the interface. */
export const defineActionKind = <K extends string, I>(kind: ActionKind<K, I>): ActionKind<K, I> => kind;

export { roleArn } from '../facts/arns.js';

/** A document AWS returns (parsed) against the JSON text an action sends, whatever the key order. */
export const sameDocument = (live: object, sent: string): boolean => canonicalJson(live) === canonicalJson(JSON.parse(sent));

export const logGroupArn = (scope: CallScope, name: string): string => `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${name}`;
