import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../api/contract.js';
import type { RegistryClient } from '../../registry/client.js';
import { compareTags, finishedExports } from './archives.js';

describe('compareTags', () => {
  it("each tag with the registry's digest (HEAD, else GET when HEAD gives none; null when absent), sorted", async () => {
    const heads: Record<string, { digest: string } | null> = { 'b:1': { digest: 'sha256:b' }, 'a:2': { digest: '' }, 'a:1': null };
    const client = {
      headManifest: async (repo: string, tag: string) => heads[`${repo}:${tag}`] ?? null,
      getManifest: async () => ({ digest: 'sha256:changed' }),
    } as unknown as RegistryClient;
    const tags = await compareTags(client, [
      { repo: 'b', tag: '1', digest: 'sha256:b' },
      { repo: 'a', tag: '2', digest: 'sha256:a2' },
      { repo: 'a', tag: '1', digest: 'sha256:a1' },
    ]);
    expect(tags).toEqual([
      { repo: 'a', tag: '1', digest: 'sha256:a1', actual: null, present: false },
      { repo: 'a', tag: '2', digest: 'sha256:a2', actual: 'sha256:changed', present: false },
      { repo: 'b', tag: '1', digest: 'sha256:b', actual: 'sha256:b', present: true },
    ]);
  });
});

describe('finishedExports', () => {
  it('succeeded exports whose .tar or directory is still there, each path once, in job order', async () => {
    const d = mkdtempSync(join(tmpdir(), 'lb-reg-archives-'));
    mkdirSync(join(d, 'dir'));
    writeFileSync(join(d, 'dir', 'index.json'), '{}');
    writeFileSync(join(d, 'out.tar'), '');
    mkdirSync(join(d, 'unfinished'));
    const job = (over: Partial<RegistryJob>): RegistryJob => ({
      id: 'x',
      kind: 'export',
      state: 'succeeded',
      startedAt: '',
      registry: 'reg',
      path: join(d, 'dir'),
      origin: 'registry',
      ...over,
    });
    const out = await finishedExports([
      job({ tarPath: join(d, 'out.tar'), finishedAt: 't2', exportSummary: { tags: 3, bytes: 9 } as RegistryJob['exportSummary'] }),
      job({ origin: 'backup' }),
      job({ path: join(d, 'unfinished') }),
      job({ path: join(d, 'gone') }),
      job({ state: 'failed', path: join(d, 'dir2') }),
      job({ kind: 'reseed', path: join(d, 'out.tar') }),
    ]);
    expect(out).toEqual([
      { path: join(d, 'out.tar'), registry: 'reg', finishedAt: 't2', origin: 'registry', tags: 3, bytes: 9 },
      { path: join(d, 'dir'), registry: 'reg', finishedAt: 't2', origin: 'registry', tags: 3, bytes: 9 },
    ]);
  });
});
