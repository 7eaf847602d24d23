import { mapWithConcurrency } from '../../src/util/concurrency.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
  it.each([
    [1, 6],
    [2, 6],
    [3, 10],
    [8, 3],
  ])('GIVEN limit %i and %i items WHEN mapping THEN never more than the limit run at once, and the limit is reached', async (limit, count) => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: count }, (_, i) => i);

    await mapWithConcurrency(items, limit, async () => {
      running++;
      peak = Math.max(peak, running);
      await tick(5);
      running--;
    });

    expect(peak).toBe(Math.min(limit, count));
  });

  it('GIVEN items finishing in reverse order WHEN mapping THEN results keep the input order', async () => {
    const results = await mapWithConcurrency([30, 20, 10, 0], 4, async (ms, index) => {
      await tick(ms);
      return `${index}:${ms}`;
    });

    expect(results).toEqual(['0:30', '1:20', '2:10', '3:0']);
  });

  it('GIVEN a failing item WHEN mapping THEN the promise rejects with it and no further items start', async () => {
    const started: number[] = [];

    const outcome = mapWithConcurrency([0, 1, 2, 3, 4], 1, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('boom');
      return item;
    });

    await expect(outcome).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
  });

  it('GIVEN no items THEN the result is empty', async () => {
    await expect(mapWithConcurrency([], 3, async () => 1)).resolves.toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('GIVEN limit %p THEN it is refused', async (limit) => {
    await expect(mapWithConcurrency([1], limit, async () => 1)).rejects.toThrow(RangeError);
  });
});
