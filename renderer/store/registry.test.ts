import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../electron/api/contract.js';
import { applyProgress, upsertJob } from './registry.js';

const job = (id: string, state: RegistryJob['state'], startedAt: string): RegistryJob => ({
  id,
  kind: 'export',
  state,
  startedAt,
  registry: 'r',
  path: '/x',
  origin: 'registry',
});
const prog = (jobId: string, bytesDone: number) => ({
  jobId,
  phase: 'blobs' as const,
  bytesDone,
  bytesTotal: 10,
  blobsDone: 0,
  blobsTotal: 1,
  blobsSkipped: 0,
  bytesPerSecond: 1,
  etaSeconds: 1,
});

describe('registry slice helpers', () => {
  it('upserts jobs newest first', () => {
    let jobs = upsertJob([], job('a', 'running', '2026-01-01T00:00:00Z'));
    jobs = upsertJob(jobs, job('b', 'running', '2026-01-02T00:00:00Z'));
    jobs = upsertJob(jobs, job('a', 'succeeded', '2026-01-01T00:00:00Z'));
    expect(jobs.map((j) => [j.id, j.state])).toEqual([
      ['b', 'running'],
      ['a', 'succeeded'],
    ]);
  });
  it('applies progress to running jobs only (a late event never reopens a finished job)', () => {
    const jobs = [job('a', 'running', '2026'), job('b', 'succeeded', '2025')];
    expect(applyProgress(jobs, prog('a', 5))[0]!.progress?.bytesDone).toBe(5);
    expect(applyProgress(jobs, prog('b', 5))).toBe(jobs);
    expect(applyProgress(jobs, prog('zzz', 5))).toBe(jobs);
  });

  it('a late reply never rolls a finished or progressing job back; a resumed run replaces it', () => {
    const done = { ...job('a', 'succeeded', '2026-01-01T00:00:00Z') };
    expect(upsertJob([done], job('a', 'running', '2026-01-01T00:00:00Z'))[0]!.state).toBe('succeeded');
    const moving = { ...job('a', 'running', '2026-01-01T00:00:00Z'), progress: prog('a', 5) };
    const reply = { ...job('a', 'running', '2026-01-01T00:00:00Z'), progress: { ...prog('a', 0), phase: 'queued' as const } };
    expect(upsertJob([moving], reply)[0]!.progress?.bytesDone).toBe(5);
    expect(upsertJob([done], job('a', 'running', '2026-01-02T00:00:00Z'))[0]!.state).toBe('running');
  });
});
