// What a FakeAws call timeline says about round trips: the longest chain of calls each of which started
// only after the one before it had been answered. With every call taking the same latency this is how
// many latencies a run waited for one after another, whatever CPU time it spent in between, and it
// counts the waits a bound adds (a call queued behind a full limiter starts after another one ended).

import type { CallSpan } from './fake-aws.js';

/** The longest chain of strictly sequential calls (0 for no calls). Spans still in flight count as never ending. */
export function sequentialRoundTrips(spans: readonly CallSpan[]): number {
  const byStart = [...spans].sort((a, b) => a.startMs - b.startMs);
  const depth = new Map<CallSpan, number>();
  const byEnd = byStart.filter((s) => s.endMs !== undefined).sort((a, b) => a.endMs! - b.endMs!);
  let ended = 0;
  let deepestEnded = 0;
  let deepest = 0;
  for (const span of byStart) {
    // Every call answered before this one started could have been what it waited for.
    while (ended < byEnd.length && byEnd[ended]!.endMs! <= span.startMs) {
      deepestEnded = Math.max(deepestEnded, depth.get(byEnd[ended]!) ?? 0);
      ended++;
    }
    const own = deepestEnded + 1;
    depth.set(span, own);
    deepest = Math.max(deepest, own);
  }
  return deepest;
}
