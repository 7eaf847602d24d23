// What happened to each action and each resource when a plan was carried out.
import type { ActionKind } from '../plan/types.js';

/** 'deleted': a delete (rollback) that took effect; 'applied': any other write that did. */
export type OutcomeStatus = 'applied' | 'deleted' | 'already-done' | 'skipped' | 'failed' | 'dry-run' | 'not-started';

export interface Outcome {
  actionId: string;
  kind: ActionKind;
  region: string;
  /** The resource (VPC/subnet id, log group, role) this line is about. */
  resourceId: string;
  status: OutcomeStatus;
  /** Why skipped or already done; for a dry run, the call (in `dryRunCalls`) that would carry it. */
  detail?: string;
  /** AWS's code and message when failed. */
  code?: string;
  message?: string;
  /** When failed: what would fix it, in flowfix's words (for access denied, fitting the policy layer that refused). */
  hint?: string;
}

export interface DryRunProbe {
  region: string;
  allowed: boolean;
  code: string;
  message?: string;
}

/** A call a dry run would send, once per action, with exactly the parameters apply would send. */
export interface DryRunCall {
  actionId: string;
  region: string;
  /** `service:Operation`, as in the plan. */
  call: string;
  /** The API parameters; for CreateFlowLogs, ResourceIds holds the ids still to do. */
  input: Record<string, unknown>;
}

export interface ApplyReport {
  outcomes: Outcome[];
  /** With --dry-run: each action's call, once (its resources are outcomes that point at it). */
  dryRunCalls: DryRunCall[];
  /** Per region: could CreateFlowLogs be sent (dry run probe with DryRun: true). */
  dryRunProbes: DryRunProbe[];
  interrupted: boolean;
}
