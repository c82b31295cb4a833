import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../api/contract.js';
import { JobStore } from './jobs.js';

const job = (id: string, state: RegistryJob['state'], startedAt: string): RegistryJob => ({
  id,
  kind: 'export',
  state,
  startedAt,
  registry: 'r:5000',
  path: '/tmp/x',
  origin: 'registry',
  progress: { jobId: id, phase: 'blobs', bytesDone: 1, bytesTotal: 2, blobsDone: 1, blobsTotal: 2, blobsSkipped: 0, bytesPerSecond: 5, etaSeconds: 3 },
});

describe('JobStore', () => {
  it('persists jobs and their inputs, newest first; a running job reloads as interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-jobs-'));
    const a = new JobStore(dir);
    await a.put(job('old', 'succeeded', '2026-01-01T00:00:00Z'));
    await a.put(job('new', 'running', '2026-01-02T00:00:00Z'), { caPath: '/ca.pem', target: { registry: 'r', username: 'u' } });
    expect(a.list().map((s) => s.job.id)).toEqual(['new', 'old']);
    expect(JSON.parse(readFileSync(a.file, 'utf8')).version).toBe(1);
    const b = new JobStore(dir);
    expect(b.get('new')!.job).toMatchObject({ state: 'interrupted', progress: { bytesPerSecond: 0, etaSeconds: null } });
    expect(b.get('new')!.inputs).toEqual({ caPath: '/ca.pem', target: { registry: 'r', username: 'u' } });
    expect(b.get('old')!.job.state).toBe('succeeded');
  });

  it('keeps the last 20 finished jobs and every interrupted one; ignores a damaged file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-jobs-'));
    const s = new JobStore(dir);
    await s.put(job('keep', 'interrupted', '2025-01-01T00:00:00Z'));
    for (let i = 0; i < 25; i++) await s.put(job(`j${i}`, 'failed', `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`));
    expect(s.list().length).toBe(21);
    expect(s.get('keep')).toBeDefined();
    expect(s.get('j0')).toBeUndefined();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(s.file, '{broken');
    expect(new JobStore(dir).list()).toEqual([]);
  });
});
