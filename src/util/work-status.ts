// What long work is at, told by the workflow to whoever shows it to a person (src/io/progress.ts draws
// it as one live line at a terminal, rate-limited plain lines elsewhere). Plain data: no I/O here.

export interface WorkStatus {
  /** What is being done: 'Reading regions', 'Applying', 'Waiting for first delivery', … */
  phase: string;
  /** How far, in the phase's own unit (regions, accounts, actions, flow logs). */
  done?: number;
  total?: number;
  /** Where: the account and region worked on (or last finished). */
  account?: string;
  region?: string;
}

/** Told of each step; `undefined` when the work is over and the line should go (before a report is printed). */
export type WorkStatusSink = (status: WorkStatus | undefined) => void;
