import { describe, expect, it } from 'vitest';
import { ProgressTracker, RateWindow, estimateEta, type RegistryProgress } from './progress.js';

describe('progress math', () => {
  it('ETA is bytes left over rate; unknown without a rate; zero when done', () => {
    expect(estimateEta(25, 100, 5)).toBe(15);
    expect(estimateEta(10, 100, 0)).toBeNull();
    expect(estimateEta(100, 100, 0)).toBe(0);
    expect(estimateEta(120, 100, 7)).toBe(0);
  });

  it('rate is measured over a sliding window', () => {
    const w = new RateWindow(2000);
    w.add(0, 0);
    w.add(1000, 100);
    expect(w.rate()).toBe(100);
    w.add(2000, 200);
    w.add(3000, 1200); // burst: the window now spans 1000..3000
    expect(w.rate()).toBe(550);
    w.add(3010, 1300); // merged into the last sample (< 50 ms)
    expect(w.rate()).toBeCloseTo(1200 / 2.01, 3);
  });

  it('the tracker throttles, resets totals per phase and counts skipped blobs', () => {
    let now = 0;
    const seen: RegistryProgress[] = [];
    const t = new ProgressTracker((p) => seen.push(p), { now: () => now, intervalMs: 100 });
    t.setPhase('blobs', { bytesTotal: 1000, blobsTotal: 4 });
    expect(seen).toHaveLength(1);
    now = 50;
    t.addBytes(100); // throttled
    expect(seen).toHaveLength(1);
    now = 1000;
    t.addBytes(400);
    t.blobDone(true);
    const last = seen[seen.length - 1]!;
    expect(last.bytesDone).toBe(500);
    expect(last.bytesPerSecond).toBe(500);
    expect(last.etaSeconds).toBe(1);
    expect(t.snapshot()).toMatchObject({ blobsDone: 1, blobsSkipped: 1, blobsTotal: 4 });
    t.removeBytes(600);
    expect(t.snapshot().bytesDone).toBe(0);
    t.setPhase('done');
    expect(seen[seen.length - 1]!.phase).toBe('done');
  });
});
