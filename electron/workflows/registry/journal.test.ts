import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../api/contract.js';
import { journalEntry } from './journal.js';

const job = (patch: Partial<RegistryJob>): RegistryJob => ({
  id: 'rx-1',
  kind: 'export',
  state: 'running',
  startedAt: '2026-11-23T10:00:00.000Z',
  registry: 'reg:5000',
  path: '/exp',
  origin: 'registry',
  ...patch,
});

describe('journalEntry', () => {
  it('records a running job, then its end under the same id, like a tool run', () => {
    const a = journalEntry(job({}));
    expect(a).toMatchObject({ tool: 'lifeboat-registry', args: ['export', 'reg:5000', '→', '/exp'], outcome: 'running', summary: 'Exporting the registry' });
    const summary = {
      repositories: 2,
      tags: 3,
      manifests: 3,
      blobs: 5,
      bytes: 10 * 1024 * 1024,
      blobsFetched: 5,
      bytesFetched: 10 * 1024 * 1024,
      blobsReused: 0,
      warnings: [],
      durationMs: 1000,
    };
    const b = journalEntry(job({ state: 'succeeded', finishedAt: '2026-11-23T10:00:02.000Z', exportSummary: summary, origin: 'backup' }));
    expect(b.id).toBe(a.id);
    expect(b).toMatchObject({
      outcome: 'succeeded',
      durationMs: 2000,
      summary: expect.stringMatching(/^Exported 3 tags in 2 repositories.*with a full backup/),
    });
  });
  it('says why a re-seed failed or was cancelled; a resumed run is a new entry', () => {
    const r = journalEntry(
      job({
        kind: 'reseed',
        state: 'failed',
        path: '/a.tar',
        error: { code: 'DIGEST_MISMATCH', message: 'Blob sha256:1 is corrupted.', hint: 'Export again.' },
      }),
    );
    expect(r).toMatchObject({ args: ['re-seed', '/a.tar', '→', 'reg:5000'], outcome: 'failed', summary: 'Failed: Blob sha256:1 is corrupted. Export again.' });
    expect(journalEntry(job({ state: 'cancelled', error: { code: 'CANCELLED', message: 'c' } })).outcome).toBe('cancelled');
    expect(journalEntry(job({ startedAt: '2026-11-23T11:00:00.000Z' })).id).not.toBe(r.id);
  });
});
