import { describe, expect, it } from 'vitest';
import { filterLines, lineLevel } from './LogViewer.js';

describe('LogViewer filtering', () => {
  const lines = ['level=info msg="a backup"', 'level=warning msg="b"', 'level=error msg="Backup failed"', 'plain'];
  const levels = lines.map(lineLevel);
  it('filters by level and case-insensitive text', () => {
    expect(levels).toEqual(['info', 'warning', 'error', '']);
    expect(filterLines(lines, levels, 'error', '')).toEqual([2]);
    expect(filterLines(lines, levels, 'all', 'BACKUP')).toEqual([0, 2]);
    expect(filterLines(lines, levels, 'info', 'backup')).toEqual([0]);
  });

  it('searches 200,000 lines quickly', () => {
    const big = Array.from({ length: 200_000 }, (_, i) => `time="2026" level=${i % 50 ? 'info' : 'warning'} msg="item ${i}" backup=velero/x`);
    const lv = big.map(lineLevel);
    const t0 = performance.now();
    const hits = filterLines(big, lv, 'all', 'item 199999');
    expect(hits).toEqual([199_999]);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
