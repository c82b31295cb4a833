import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../api/contract.js';
import type { ExportResult } from '../../registry/archive.js';
import type { RegistryClient } from '../../registry/client.js';
import { exportBody, exportInputs, exportJob, exportSummary } from './exportJob.js';

const result = {
  repositories: 2,
  images: [{}, {}, {}],
  manifests: 4,
  blobs: 9,
  bytes: 1000,
  blobsFetched: 5,
  bytesFetched: 600,
  blobsReused: 4,
  warnings: [{ message: 'tag a:b vanished' }],
  durationMs: 42,
} as unknown as ExportResult;

describe('export job', () => {
  it('a new job runs with a fresh rx- id and queued progress; a resumed one keeps its id and origin', () => {
    const j = exportJob({ host: 'reg:443', dest: '/out', tarPath: '/out.tar' });
    expect(j).toMatchObject({
      kind: 'export',
      state: 'running',
      registry: 'reg:443',
      path: '/out',
      tarPath: '/out.tar',
      origin: 'registry',
      progress: { jobId: j.id, phase: 'queued', etaSeconds: null },
    });
    expect(j.id).toMatch(/^rx-/);
    const prev = { ...j, id: 'rx-old', origin: 'backup', state: 'interrupted' } as RegistryJob;
    expect(exportJob({ host: 'reg:443', dest: '/out', resumeOf: prev })).toMatchObject({ id: 'rx-old', origin: 'backup', state: 'running' });
    expect(exportJob({ host: 'reg:443', dest: '/out', origin: 'restore', resumeOf: prev }).origin).toBe('restore');
  });

  it('keeps only what resuming needs', () => {
    expect(
      exportInputs({ dest: '/out', tarPath: '/t.tar', caPath: '/ca', concurrency: 3, origin: 'backup', confirmHost: 'h', confirmPlainHttp: true }),
    ).toEqual({ caPath: '/ca', concurrency: 3, confirmHost: 'h', confirmPlainHttp: true });
  });

  it("summarises the export's result", () => {
    expect(exportSummary(result)).toEqual({
      repositories: 2,
      tags: 3,
      manifests: 4,
      blobs: 9,
      bytes: 1000,
      blobsFetched: 5,
      bytesFetched: 600,
      blobsReused: 4,
      warnings: ['tag a:b vanished'],
      durationMs: 42,
    });
  });

  it('the body exports with the client (6 at a time by default) and closes it, also when the export fails', async () => {
    let closed = 0;
    const client = { close: () => closed++ } as unknown as RegistryClient;
    const calls: unknown[] = [];
    const body = exportBody(client, { dest: '/out', tarPath: '/out.tar' }, async (o) => (calls.push(o), result));
    const signal = new AbortController().signal;
    expect(await body(signal, () => {})).toEqual({ exportSummary: exportSummary(result) });
    expect(calls[0]).toMatchObject({ client, dest: '/out', tarPath: '/out.tar', concurrency: 6, signal });
    expect(closed).toBe(1);
    const failing = exportBody(client, { dest: '/out', concurrency: 2 }, async () => {
      throw new Error('disk full');
    });
    await expect(failing(signal, () => {})).rejects.toThrow('disk full');
    expect(closed).toBe(2);
  });
});
