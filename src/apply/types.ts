// What happened to each action and each resource when a plan was carried out.
import type { ActionKind } from '../plan/types.js';

export type OutcomeStatus = 'applied' | 'already-done' | 'skipped' | 'failed' | 'dry-run' | 'not-started';

export interface Outcome {
  actionId: string;
  kind: ActionKind;
  region: string;
  /** The resource (VPC/subnet id, log group, role) this line is about. */
  resourceId: string;
  status: OutcomeStatus;
  /** Why skipped / already done, or the exact call a dry run would send. */
  detail?: string;
  /** AWS's code and message when failed. */
  code?: string;
  message?: string;
}

export interface DryRunProbe {
  region: string;
  allowed: boolean;
  code: string;
  message?: string;
}

export interface ApplyReport {
  outcomes: Outcome[];
  /** Per region: could CreateFlowLogs be sent (dry run probe with DryRun: true). */
  dryRunProbes: DryRunProbe[];
  interrupted: boolean;
}
