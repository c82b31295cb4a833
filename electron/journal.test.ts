import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, JOURNAL_FILE } from './journal';
import { EventBus } from './events';

const entry = (id: string, startedAt: string, outcome: 'running' | 'succeeded' = 'succeeded') => ({
  id,
  startedAt,
  tool: 'velero',
  args: ['backup', 'get'],
  outcome,
});

describe('Journal', () => {
  it('appends, lists newest first, and announces entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-journal-'));
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.on((e, p) => seen.push([e, p]));
    const j = new Journal(dir, bus);
    j.record(entry('a', '2024-01-01T00:00:00Z'));
    j.record(entry('b', '2024-01-02T00:00:00Z'));
    expect(j.list(10).map((e) => e.id)).toEqual(['b', 'a']);
    expect(j.list(1).map((e) => e.id)).toEqual(['b']);
    expect(seen).toHaveLength(2);
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('survives a restart: folds updates, skips torn lines, closes runs cut off by the restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-journal-'));
    const j = new Journal(dir);
    j.record(entry('a', '2024-01-01T00:00:00Z', 'running'));
    j.record({ ...entry('a', '2024-01-01T00:00:00Z'), exitCode: 0, durationMs: 5 });
    j.record(entry('b', '2024-01-02T00:00:00Z', 'running'));
    appendFileSync(join(dir, JOURNAL_FILE), '{"id":"torn","star');
    const again = new Journal(dir);
    expect(again.get('a')?.outcome).toBe('succeeded');
    expect(again.get('b')?.outcome).toBe('failed');
    expect(again.get('b')?.summary).toMatch(/stopped before/);
    expect(again.list()).toHaveLength(2);
    // the correction was appended, so a third start agrees
    expect(new Journal(dir).get('b')?.outcome).toBe('failed');
  });
});
