import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS, withDefaults } from './timeouts.js';

describe('restore timeouts', () => {
  it('overrides only what is given', () => {
    expect(withDefaults()).toEqual(DEFAULT_TIMEOUTS);
    expect(withDefaults({ pollMs: 10 })).toEqual({ ...DEFAULT_TIMEOUTS, pollMs: 10 });
    expect(DEFAULT_TIMEOUTS).toMatchObject({ appearMs: 300_000, restoreMs: 14_400_000, cliMs: 14_400_000, readyMs: 600_000, pollMs: 2000 });
  });
});
