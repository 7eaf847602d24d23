// Progress for a person watching: an ora spinner on a terminal, nothing otherwise.
import type { Io } from './io.js';

export interface Progress {
  phase(text: string): void;
  stop(): void;
}

const silentProgress: Progress = { phase() {}, stop() {} };

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
    stop: () => {
      spinner.stop();
    },
  };
}
