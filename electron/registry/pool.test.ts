import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors.js';
import { runPool } from './pool.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runPool', () => {
  it('runs every item, never more at once than the concurrency', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      done.push(n);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('the first failure stops new work, aborts the work in flight and is what the pool rejects with', async () => {
    const started: number[] = [];
    const abortedInFlight: boolean[] = [];
    const first = new Error('blob 2 failed');
    const run = runPool([1, 2, 3, 4, 5, 6], 2, async (n, signal) => {
      started.push(n);
      if (n === 2) throw first;
      await tick();
      abortedInFlight.push(signal.aborted);
      if (signal.aborted) throw new Error('aborted');
    });
    await expect(run).rejects.toBe(first);
    expect(started).toEqual([1, 2]);
    expect(abortedInFlight).toEqual([true]);
  });

  it('a task that rejects with null still fails the pool', async () => {
    await expect(runPool([1, 2, 3], 1, (n) => (n === 1 ? Promise.reject(null) : Promise.resolve()))).rejects.toBeNull();
  });

  it('cancelled from outside: CANCELLED, before it starts or while it runs', async () => {
    const before = new AbortController();
    before.abort();
    let ran = false;
    await expect(
      runPool(
        [1],
        1,
        async () => {
          ran = true;
        },
        before.signal,
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ran).toBe(false);

    const during = new AbortController();
    const run = runPool(
      [1, 2, 3],
      1,
      async (n, signal) => {
        if (n === 1) during.abort();
        expect(signal.aborted).toBe(true);
      },
      during.signal,
    );
    await expect(run).rejects.toBeInstanceOf(LifeboatError);
  });
});
