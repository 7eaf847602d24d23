import type { Clock } from '../../src/util/clock.js';

/**
 * now() moves only when something sleeps, by what it asked for; every wait is kept, and `onSleep` runs
 * what the world does meanwhile. Retries and waits are then tested without waiting, and their verdicts
 * do not depend on how fast the machine is. It starts at the wall-clock time, so what a fake stamps
 * with Date.now() (an S3 object's LastModified) is "now" for it too.
 */
export class FakeClock implements Clock {
  t = Date.now();
  readonly sleeps: number[] = [];
  constructor(public onSleep?: (n: number) => void) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep?.(this.sleeps.length);
  }
}
