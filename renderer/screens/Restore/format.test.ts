import { describe, expect, it } from 'vitest';
import { restorePercent, restorePhaseColor, veleroMessages, volumesText } from './format.js';

describe('restore wizard formatting', () => {
  it('lists errors before warnings, each with its level, at most 100', () => {
    const e = (n: number) => ({ restore: 'r', scope: 'app', message: `m${n}` });
    const out = veleroMessages({ errors: [e(1)], warnings: [e(2), e(3)] });
    expect(out.map((m) => `${m.level} ${m.message}`)).toEqual(['Error m1', 'Warning m2', 'Warning m3']);
    const many = veleroMessages({ errors: Array.from({ length: 70 }, (_, i) => e(i)), warnings: Array.from({ length: 70 }, (_, i) => e(i)) });
    expect(many).toHaveLength(100);
    expect(many[69].level).toBe('Error');
    expect(many[70].level).toBe('Warning');
  });

  it('counts items restored in whole percent, 100 for a completed restore with no count', () => {
    expect(restorePercent({ itemsRestored: 1, totalItems: 3, phase: 'InProgress' })).toBe(33);
    expect(restorePercent({ totalItems: 4, phase: 'InProgress' })).toBe(0);
    expect(restorePercent({ phase: 'Completed' })).toBe(100);
    expect(restorePercent({ phase: 'InProgress' })).toBe(0);
  });

  it('colours a phase: done teal, partly yellow, failed red, anything else blue', () => {
    expect(restorePhaseColor('Completed')).toBe('teal');
    expect(restorePhaseColor('PartiallyFailed')).toBe('yellow');
    expect(restorePhaseColor('Failed')).toBe('red');
    expect(restorePhaseColor('FailedValidation')).toBe('red');
    expect(restorePhaseColor('InProgress')).toBe('blue');
    expect(restorePhaseColor(undefined)).toBe('blue');
  });

  it('says how many pod volumes are restored, and how many failed', () => {
    const pv = { total: 4, completed: 3, failed: 0, bytesDone: 0, totalBytes: 0 };
    expect(volumesText(pv)).toBe('3/4');
    expect(volumesText({ ...pv, failed: 1 })).toBe('3/4, 1 failed');
    expect(volumesText({ ...pv, total: 0 })).toBe('none');
  });
});
