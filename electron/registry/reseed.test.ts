/**
 * Re-seeding a registry from an export: everything pushed once and every tag checked, what the
 * target already holds left alone, and a damaged archive refused before anything is pushed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRegistry } from './archive.js';
import { blobPath } from './layout.js';
import { sha256Digest } from './mediaTypes.js';
import { memoryRegistry, pushImage } from './memoryRegistry.test-fixtures.js';
import { reseedRegistry } from './reseed.js';

/** An export of two repositories, one image tagged twice. */
async function exported() {
  const source = memoryRegistry('source.test');
  const api = pushImage(source, 'shop/api', '1.0', 'api');
  pushImage(source, 'shop/api', 'latest', 'api');
  const db = pushImage(source, 'shop/db', '15', 'db');
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lb-reseed-')), 'export');
  await exportRegistry({ client: source.client, dest: dir });
  return { dir, api, db };
}

describe('reseedRegistry', () => {
  it('pushes every blob and manifest into an empty registry, and every tag then resolves to the archive digest', async () => {
    const { dir, api, db } = await exported();
    const target = memoryRegistry();
    const r = await reseedRegistry({ client: target.client, source: dir, hashPool: false });
    expect(r.ok).toBe(true);
    expect(r.tags.map((t) => [t.repo, t.tag, t.actual])).toEqual([
      ['shop/api', '1.0', api.digest],
      ['shop/api', 'latest', api.digest],
      ['shop/db', '15', db.digest],
    ]);
    expect(r).toMatchObject({ blobsUploaded: 4, blobsMounted: 0, blobsSkipped: 0 });
    for (const b of api.blobs) expect(target.blobs.get('shop/api')?.get(sha256Digest(b))).toEqual(b);
  });

  it('maps repositories to new names, and uploads a blob two repositories share once, mounting it into the other', async () => {
    const source = memoryRegistry('source.test');
    const img = pushImage(source, 'shop/api', '1.0', 'api');
    pushImage(source, 'shop/api-canary', '1.0', 'api');
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lb-reseed-')), 'export');
    await exportRegistry({ client: source.client, dest: dir });
    const target = memoryRegistry();
    const r = await reseedRegistry({ client: target.client, source: dir, hashPool: false, mapRepository: (repo) => `mirror/${repo}` });
    expect(r.tags.map((t) => `${t.repo}:${t.tag}`)).toEqual(['mirror/shop/api-canary:1.0', 'mirror/shop/api:1.0']);
    expect(r).toMatchObject({ ok: true, blobsUploaded: 2, blobsMounted: 2 });
    const layer = sha256Digest(img.blobs[1]);
    expect(target.calls.filter((c) => c.endsWith(layer)).map((c) => c.split(' ')[0])).toEqual(['upload', 'mount']);
  });

  it('a second re-seed finds every blob there and pushes none again', async () => {
    const { dir } = await exported();
    const target = memoryRegistry();
    await reseedRegistry({ client: target.client, source: dir, hashPool: false });
    target.calls.length = 0;
    const r = await reseedRegistry({ client: target.client, source: dir, hashPool: false });
    expect(r).toMatchObject({ ok: true, blobsUploaded: 0, blobsMounted: 0, blobsSkipped: 4 });
    expect(target.calls.filter((c) => !c.startsWith('manifest '))).toEqual([]);
  });

  it('refuses a damaged archive before pushing anything, naming the blob', async () => {
    const { dir, db } = await exported();
    const layer = sha256Digest(db.blobs[1]);
    const file = blobPath(dir, layer);
    writeFileSync(file, Buffer.alloc(readFileSync(file).length, 0x78));
    const target = memoryRegistry();
    await expect(reseedRegistry({ client: target.client, source: dir, hashPool: false })).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining(`Blob ${layer} in the archive is corrupted`),
    });
    expect(target.calls).toEqual([]);
  });
});
