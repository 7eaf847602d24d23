// What the workflow needs from the outside world, passed in so every step runs in a test without a
// terminal, a network or real time.
import type { AwsClients } from '../aws/api.js';
import type { PolicyTemplates } from '../policy/templates.js';
import type { Clock } from '../util/clock.js';
import type { WorkStatusSink } from '../util/work-status.js';

export interface WorkflowDeps {
  clients: AwsClients;
  clock: Clock;
  /** Aborted on Ctrl-C: nothing more starts (the live clients also abandon reads in flight, see aws/call-guard.ts). */
  signal?: AbortSignal;
  /** What the work is at (regions or accounts read, actions carried out, waits), for a person watching. */
  status?: WorkStatusSink;
  /** One line of news for a person watching (stderr), kept in the output, e.g. when a wait begins. */
  notify?: (line: string) => void;
  templates?: PolicyTemplates;
  /** Many-account reads: how long one account may take in all (default accountDeadlineMs(settings)); tests shorten it. */
  accountDeadlineMs?: number;
}
