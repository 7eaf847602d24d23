// Bounded fan-out: at most `limit` calls in flight, results in input order (not completion order), so
// output stays stable however the network behaves.

/**
 * Calls `fn` for every item with at most `limit` calls running at once. Resolves with the results in
 * the order of `items`. On the first rejection no further items are started and the promise rejects
 * with that error (calls already running are left to finish; their results are dropped). Callers that
 * must keep going past failures catch inside `fn` and return the failure as data.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  let failed = false;

  async function worker(): Promise<void> {
    while (!failed && nextIndex < items.length) {
      const index = nextIndex++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  }

  const workers = Array.from({ length: Math.min(limit, items.length) }, () => worker());
  await Promise.all(workers);
  return results;
}

/**
 * A shared bound on work in flight across independent fan-outs (e.g. the regions of many accounts):
 * `run` waits for a free slot, so however many callers there are, at most `limit` tasks run at once.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }

  async run<R>(task: () => Promise<R>): Promise<R> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * One Limiter per key, each with the same limit, created on first use: bounds that AWS applies per
 * account and region (or per account, for IAM and STS) without making one key wait for another.
 */
export class KeyedLimiters {
  private readonly limiters = new Map<string, Limiter>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }

  of(key: string): Limiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new Limiter(this.limit);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}
