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

describe('Limiter', () => {
  test('GIVEN many callers sharing a limiter of 3 THEN at most 3 tasks run at once, and every task runs', async () => {
    const { Limiter } = await import('../../src/util/concurrency.js');
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
      running--;
      return i;
    };
    // Two independent fan-outs, as two accounts' regions would be.
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => limiter.run(() => task(i))),
      ...Array.from({ length: 10 }, (_, i) => limiter.run(() => task(i + 10))),
    ]);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  test('GIVEN a task that fails THEN its slot is freed for the next', async () => {
    const { Limiter } = await import('../../src/util/concurrency.js');
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });
});
