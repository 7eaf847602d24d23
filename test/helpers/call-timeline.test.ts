import { sequentialRoundTrips } from './call-timeline.js';
import type { CallSpan } from './fake-aws.js';

const span = (startMs: number, endMs: number): CallSpan => ({
  call: { service: 'ec2', operation: 'DescribeVpcs', region: 'us-east-1', input: {} },
  startMs,
  endMs,
});

describe('sequentialRoundTrips', () => {
  it.each([
    ['no calls', [], 0],
    ['calls side by side', [span(0, 10), span(1, 11), span(2, 12)], 1],
    ['a chain of three', [span(0, 10), span(10, 20), span(21, 30)], 3],
    // Two regions: one lists and then looks up log groups (2), the other lists only (1): the longest counts.
    ['two chains of different length', [span(0, 10), span(0, 10), span(11, 20)], 2],
    // A call queued behind a limit starts after another ended: the wait counts.
    ['a call waiting for a slot', [span(0, 10), span(0, 10), span(10, 20), span(20, 30)], 3],
    ['overlapping but not after', [span(0, 10), span(5, 15), span(12, 22)], 2],
  ])('GIVEN %s THEN %#', (_name, spans, expected) => {
    expect(sequentialRoundTrips(spans as CallSpan[])).toBe(expected);
  });
});
