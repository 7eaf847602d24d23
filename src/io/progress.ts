// Progress per phase: an ora spinner on a terminal, nothing otherwise.
import type { Io } from './io.js';

export interface Progress {
  phase(text: string): void;
  done(text: string): void;
  fail(text: string): void;
  stop(): void;
}

export const silentProgress: Progress = { phase() {}, done() {}, fail() {}, stop() {} };

export async function createProgress(io: Io, enabled: boolean): Promise<Progress> {
  if (!enabled) return silentProgress;
  const { default: ora } = await import('ora');
  // discardStdin off: ora would otherwise hold stdin open and keep the process alive after the work is done.
  const spinner = ora({ stream: io.stderr as NodeJS.WritableStream, isEnabled: true, discardStdin: false });
  return {
    phase: (text) => {
      spinner.text = text;
      if (!spinner.isSpinning) spinner.start();
    },
    done: (text) => {
      spinner.succeed(text);
    },
    fail: (text) => {
      spinner.fail(text);
    },
    stop: () => {
      spinner.stop();
    },
  };
}
