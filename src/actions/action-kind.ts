// What every action kind declares, in one place: its input schema (the exact API parameters), the
// words the user reads, the IAM permissions the call needs, when live state shows it is already done,
// and how it is sent. The planner, apply, the plan-file reader, error hints and the operator-policy
// test all read these declarations; nothing else knows about a kind.
import type { z } from 'zod';
import type { AwsClients } from '../aws/api.js';
import type { FindingKind } from '../audit/types.js';
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

/** Live state's verdict on an action before it is sent. */
export type LiveVerdict =
  | { status: 'todo' }
  | { status: 'already-done' | 'skipped'; detail: string }
  | { status: 'failed'; code: string; message: string };

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
  service: 'iam' | 'logs' | 'ec2';
  operation: string;
  /** IAM is global; everything else is sent to the action's region. */
  global: boolean;
  /**
   * How the plan's summary line counts this kind: each target is one noun to create, set or delete ("4 flow
   * logs … to create"). 'delete' kinds undo what flowfix created: global ones run after the regions.
   */
  counted: { noun: string; nouns: string; verb: 'create' | 'set' | 'delete' };
  /** The input as a plan file may carry it: strict, so an added parameter is refused. */
  inputSchema: z.ZodType<I>;
  /** The resources the action's outcome lines are about (ids for CreateFlowLogs, else one name). */
  targets(input: I): string[];
  /** What the user reads: rendered from the input alone, never taken from a file. */
  describe(input: I): string;
  /** Every IAM permission the call needs, including the implicit ones (tag-on-create, PassRole). */
  permissions(input: I, scope: CallScope): Permission[];
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
  tookEffect(clients: AwsClients, region: string, input: I, targets: string[]): Promise<string[]>;
  /**
   * For an access-denied failure: what to grant (or fix), when the declared permissions alone do not say
   * it. Given AWS's message and where the call went, since not every denial is the operator's IAM (a KMS
   * key policy, a bucket policy).
   */
  deniedHint?(input: I, error: { code: string; message: string }, scope: CallScope): string;
}

/** Declares a kind with its types checked against the interface. */
export const defineActionKind = <K extends string, I>(kind: ActionKind<K, I>): ActionKind<K, I> => kind;

export const roleArn = (scope: Pick<CallScope, 'partition' | 'accountId'>, roleName: string, path = '/'): string =>
  `arn:${scope.partition}:iam::${scope.accountId}:role${path}${roleName}`;

/** A document AWS returns (parsed) against the JSON text an action sends, whatever the key order. */
export const sameDocument = (live: object, sent: string): boolean => canonicalJson(live) === canonicalJson(JSON.parse(sent));

export const logGroupArn = (scope: CallScope, name: string): string =>
  `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${name}`;
