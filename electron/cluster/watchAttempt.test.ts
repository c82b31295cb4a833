import { describe, expect, it } from 'vitest';
import { startAttempt, type Attempts } from './watchAttempt.js';

/** A feed whose informer reports an error through the feed's handler (as ListWatch does) when told to. */
function feed(start: (f: Attempts) => Promise<void>): Attempts {
  const f: Attempts = { attempt: 0, failedAttempt: 0, informer: { start: () => start(f) } };
  return f;
}

describe('startAttempt', () => {
  it('is good when no error arrived during the attempt, and numbers each attempt', async () => {
    const f = feed(async () => {});
    expect(await startAttempt(f, () => {})).toBe(true);
    expect(await startAttempt(f, () => {})).toBe(true);
    expect(f.attempt).toBe(2);
  });

  it('is not good when the list failed during it, although start() resolved', async () => {
    const f = feed(async (self) => {
      self.failedAttempt = self.attempt;
    });
    expect(await startAttempt(f, () => {})).toBe(false);
  });

  it('an error of an earlier attempt does not spoil the next one', async () => {
    let fail = true;
    const f = feed(async (self) => {
      if (fail) self.failedAttempt = self.attempt;
    });
    expect(await startAttempt(f, () => {})).toBe(false);
    fail = false;
    expect(await startAttempt(f, () => {})).toBe(true);
  });

  it('a rejected start goes to the failure handler, which marks the attempt failed', async () => {
    const boom = new Error('list refused');
    const seen: unknown[] = [];
    const f = feed(() => Promise.reject(boom));
    const ok = await startAttempt(f, (err) => {
      seen.push(err);
      f.failedAttempt = f.attempt;
    });
    expect(ok).toBe(false);
    expect(seen).toEqual([boom]);
  });
});
