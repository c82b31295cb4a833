import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectArchive } from './inspect.js';
import { buildIndex } from './layout.js';
import { MediaTypes, sha256Digest } from './mediaTypes.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function blob(dir: string, bytes: Buffer): { digest: string; size: number } {
  const digest = sha256Digest(bytes);
  writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

describe('inspectArchive', () => {
  it('counts the distinct blobs behind every tag (shared layers once, indexes recursed) and reads the annotations', async () => {
    const dir = path.join(tmp, 'a');
    mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const shared = blob(dir, Buffer.alloc(1000, 1));
    const own = blob(dir, Buffer.alloc(500, 2));
    const cfg = blob(dir, Buffer.from('{"architecture":"amd64"}'));
    const manifest = (layers: Array<{ digest: string; size: number }>) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaTypes.ociManifest,
          config: { mediaType: MediaTypes.ociConfig, ...cfg },
          layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
        }),
      );
    const m1 = blob(dir, manifest([shared]));
    const m2 = blob(dir, manifest([shared, own]));
    const idx = blob(
      dir,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaTypes.ociIndex,
          manifests: [{ mediaType: MediaTypes.ociManifest, ...m2, platform: { os: 'linux', architecture: 'amd64' } }],
        }),
      ),
    );
    const index = buildIndex(
      [
        { repo: 'app/web', tag: '1', ...m1, mediaType: MediaTypes.ociManifest },
        { repo: 'app/multi', tag: '2', ...idx, mediaType: MediaTypes.ociIndex },
      ],
      { 'io.lifeboat.source.registry': 'old:5000', 'io.lifeboat.export.created': '2026-11-23T00:00:00Z' },
    );
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
    const got = await inspectArchive(dir);
    expect(got.images.map((i) => `${i.repo}:${i.tag}`)).toEqual(['app/multi:2', 'app/web:1']);
    expect(got.blobs).toBe(3);
    expect(got.bytes).toBe(1000 + 500 + cfg.size);
    expect(got).toMatchObject({ sourceRegistry: 'old:5000', createdAt: '2026-11-23T00:00:00Z' });
  });

  it('says an unfinished export has no index.json', async () => {
    const dir = path.join(tmp, 'b');
    mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await expect(inspectArchive(dir)).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringMatching(/index\.json/) });
  });
});
