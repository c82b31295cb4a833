import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors.js';
import { MAX_JSON_BYTES, MAX_TAR_META_BYTES, MiB, checkedSize, damaged } from './layoutLimits.js';

describe('archive limits', () => {
  it('bounds what is read into memory', () => {
    expect(MAX_TAR_META_BYTES).toBe(1024 * 1024);
    expect(MAX_JSON_BYTES).toBe(4 * 1024 * 1024);
    expect(MiB(1.5 * 1048576)).toBe('1.5 MiB');
  });

  it('accepts non-negative safe sizes and calls anything else a damaged archive', () => {
    expect(checkedSize(0, 'x')).toBe(0);
    expect(checkedSize(2 ** 40, 'x')).toBe(2 ** 40);
    for (const bad of [NaN, -1, 1.5, 2 ** 60]) {
      expect(() => checkedSize(bad, 'Entry y')).toThrow(LifeboatError);
      expect(() => checkedSize(bad, 'Entry y')).toThrow(/Entry y has an invalid size/);
    }
    const e = damaged('broken', { entry: 'a' });
    expect(e).toMatchObject({ code: 'ARCHIVE_INVALID', message: 'broken', details: { entry: 'a' } });
    expect(e.hint).toMatch(/export it again/);
  });
});
