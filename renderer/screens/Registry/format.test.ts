import { describe, expect, it } from 'vitest';
import { percent, rate, timeLeft } from './format.js';

describe('registry formatting', () => {
  it('rates (sizes by the shared bytes()), time left', () => {
    expect(rate(0)).toBe('—');
    expect(rate(2 * 1024 * 1024)).toBe('2.0 MiB/s');
    expect(rate(512.4)).toBe('512 B/s');
    expect(timeLeft(null)).toBe('estimating…');
    expect(timeLeft(65)).toBe('1 min 05 s');
    expect(timeLeft(3720)).toBe('1 h 02 min');
  });
  it('percent by bytes, else items, 100 when done', () => {
    const p = {
      jobId: 'j',
      phase: 'blobs' as const,
      bytesDone: 5,
      bytesTotal: 10,
      blobsDone: 0,
      blobsTotal: 4,
      blobsSkipped: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
    };
    expect(percent(p)).toBe(50);
    expect(percent({ ...p, bytesTotal: 0, blobsDone: 1 })).toBe(25);
    expect(percent({ ...p, phase: 'done' })).toBe(100);
    expect(percent(undefined)).toBe(0);
  });
});
