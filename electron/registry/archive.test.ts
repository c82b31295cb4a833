/**
 * The registry export (exportDest.test.ts covers where it may write): the OCI layout it writes from
 * what the registry lists, resuming over an earlier export, and tags deleted while it runs.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRegistry } from './archive.js';
import { blobPath, readIndex } from './layout.js';
import { sha256Digest } from './mediaTypes.js';
import { memoryRegistry, pushImage } from './memoryRegistry.test-fixtures.js';

const dest = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'lb-archive-')), 'export');

describe('exportRegistry', () => {
  it('writes every tag of every repository as an OCI layout: index.json names them, every blob is there under its digest', async () => {
    const reg = memoryRegistry();
    const app = pushImage(reg, 'shop/api', '1.0', 'api');
    const db = pushImage(reg, 'shop/db', '15', 'db');
    const dir = dest();
    const r = await exportRegistry({ client: reg.client, dest: dir });
    const index = readIndex(readFileSync(path.join(dir, 'index.json')));
    expect(index.images.map((i) => [i.repo, i.tag, i.digest])).toEqual([
      ['shop/api', '1.0', app.digest],
      ['shop/db', '15', db.digest],
    ]);
    expect(index.annotations['io.lifeboat.source.registry']).toBe('registry.test:5000');
    for (const b of [...app.blobs, ...db.blobs]) expect(sha256Digest(readFileSync(blobPath(dir, sha256Digest(b))))).toBe(sha256Digest(b));
    expect(existsSync(blobPath(dir, app.digest))).toBe(true);
    expect(r).toMatchObject({ repositories: 2, blobs: 4, blobsFetched: 4, blobsReused: 0, warnings: [] });
  });

  it('an export into the same directory again reuses the blobs already there; a damaged one is fetched anew when asked to verify', async () => {
    const reg = memoryRegistry();
    const img = pushImage(reg, 'shop/api', '1.0', 'api');
    const dir = dest();
    await exportRegistry({ client: reg.client, dest: dir });
    reg.calls.length = 0;
    expect(await exportRegistry({ client: reg.client, dest: dir })).toMatchObject({ blobsFetched: 0, blobsReused: 2 });
    expect(reg.calls).toEqual([]);

    const layer = sha256Digest(img.blobs[1]);
    const bytes = readFileSync(blobPath(dir, layer));
    writeFileSync(blobPath(dir, layer), Buffer.alloc(bytes.length, 0x78));
    expect(await exportRegistry({ client: reg.client, dest: dir, verifyExisting: true })).toMatchObject({ blobsFetched: 1, blobsReused: 1 });
    expect(reg.calls).toEqual([`download shop/api@${layer}`]);
    expect(readFileSync(blobPath(dir, layer))).toEqual(img.blobs[1]);
  });

  it('a tag deleted while the export runs is skipped with a warning, or fails the export when asked to', async () => {
    const reg = memoryRegistry();
    pushImage(reg, 'shop/api', '1.0', 'api');
    pushImage(reg, 'shop/api', 'gone', 'old');
    // Listed, but its manifest is gone by the time it is fetched.
    const getManifest = reg.client.getManifest.bind(reg.client);
    reg.client.getManifest = (repo, ref, signal) => (ref === 'gone' ? getManifest(repo, 'missing', signal) : getManifest(repo, ref, signal));
    const r = await exportRegistry({ client: reg.client, dest: dest() });
    expect(r.images.map((i) => i.tag)).toEqual(['1.0']);
    expect(r.warnings).toEqual([{ repo: 'shop/api', tag: 'gone', message: 'Tag shop/api:gone was deleted while the export ran; skipped.' }]);
    await expect(exportRegistry({ client: reg.client, dest: dest(), onMissingTag: 'fail' })).rejects.toMatchObject({
      code: 'REGISTRY_NOT_FOUND',
      message: expect.stringMatching(/listed but is gone/),
    });
  });
});
