/**
 * Registry export and re-seed against real registries (Debian docker-registry, TLS + htpasswd),
 * started by this file — nothing here uses the lab cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, promises as fsp, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LifeboatError } from '../../electron/api/errors.js';
import { RegistryClient, type DownloadBlobOptions } from '../../electron/registry/client.js';
import { exportRegistry, type ExportResult } from '../../electron/registry/archive.js';
import { reseedRegistry } from '../../electron/registry/reseed.js';
import { REF_NAME, indexTar } from '../../electron/registry/layout.js';
import { MediaTypes } from '../../electron/registry/mediaTypes.js';
import type { RegistryProgress } from '../../electron/registry/progress.js';
import { makeBlobFile, prngBytes, pushImage, pushIndex, startRegistry, type TestRegistry } from '../support/registry-server.js';

const BIG = Number(process.env.LIFEBOAT_REGISTRY_BIG_MB ?? 200) * 1024 * 1024;

let src: TestRegistry;
let dst: TestRegistry;
let work: string;
const expected = new Map<string, { digest: string; mediaType: string }>();

function clientFor(r: TestRegistry, extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient {
  return new RegistryClient({ registry: r.host, username: r.username, password: r.password, caPem: r.caPem, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<LifeboatError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LifeboatError);
    return e as LifeboatError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-registry-test-'));
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  const c = clientFor(src);
  const base = prngBytes(11, 3 << 20); // shared by several images and repositories
  const img = async (repo: string, tag: string, p: Promise<{ digest: string; mediaType: string }>) => expected.set(`${repo}:${tag}`, await p);
  await img('app/web', '1.0', pushImage(c, 'app/web', '1.0', [base, prngBytes(12, 200_000)]));
  await img('app/web', '1.1', pushImage(c, 'app/web', '1.1', [base, prngBytes(12, 200_000), prngBytes(13, 50_000)]));
  await img('app/api', '2.0', pushImage(c, 'app/api', '2.0', [base, prngBytes(14, 400_000)]));
  await img('app/db', 'v2', pushImage(c, 'app/db', 'v2', [base, prngBytes(15, 300_000)], { docker: true }));
  const amd = await pushImage(c, 'multi', null, [base, prngBytes(16, 100_000)], { arch: 'amd64' });
  const arm = await pushImage(c, 'multi', null, [base, prngBytes(17, 100_000)], { arch: 'arm64' });
  await img(
    'multi',
    'latest',
    pushIndex(c, 'multi', 'latest', [
      { ...amd, arch: 'amd64' },
      { ...arm, arch: 'arm64' },
    ]),
  );
  expected.set('multi:also', expected.get('multi:latest')!);
  await pushIndex(c, 'multi', 'also', [
    { ...amd, arch: 'amd64' },
    { ...arm, arch: 'arm64' },
  ]);
  const big = await makeBlobFile(path.join(work, 'big.bin'), 42, BIG);
  await img('big/data', '1', pushImage(c, 'big/data', '1', [big, prngBytes(18, 10_000)]));
  await fsp.rm(big.file);
  c.close();
}, 600_000);

afterAll(async () => {
  await Promise.all([src?.destroy(), dst?.destroy()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('registry export and re-seed', () => {
  let exported: ExportResult;
  const layout = () => path.join(work, 'layout');
  const tar = () => path.join(work, 'registry.tar');

  it('exports every repository, tag, manifest and blob into an OCI layout and a tar', async () => {
    const phases = new Set<string>();
    let last: RegistryProgress | undefined;
    const client = clientFor(src);
    exported = await exportRegistry({ client, dest: layout(), tarPath: tar(), concurrency: 6, onProgress: (p) => (phases.add(p.phase), (last = p)) });
    expect(exported.warnings).toEqual([]);
    expect(exported.images.map((i) => `${i.repo}:${i.tag}`).sort()).toEqual([...expected.keys()].sort());
    for (const i of exported.images) expect(i.digest).toBe(expected.get(`${i.repo}:${i.tag}`)!.digest);
    expect(exported.images.find((i) => i.repo === 'app/db')!.mediaType).toBe(MediaTypes.dockerManifest);
    expect(exported.images.find((i) => i.repo === 'multi')!.mediaType).toBe(MediaTypes.ociIndex);
    // Deduplicated: the shared base layer and the shared config-less layer are fetched once.
    expect(client.stats.blobGets).toBe(exported.blobs);
    expect(exported.blobsFetched).toBe(exported.blobs);
    expect(exported.bytesFetched).toBe(exported.bytes);
    expect(exported.manifests).toBe(8); // 5 images + index + its 2 children
    expect(phases).toEqual(new Set(['listing', 'manifests', 'blobs', 'packing', 'done']));
    expect(last!.phase).toBe('done');

    // Layout on disk.
    expect(JSON.parse(readFileSync(path.join(layout(), 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(readFileSync(path.join(layout(), 'index.json'), 'utf8'));
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations[REF_NAME]).sort()).toEqual([...expected.keys()].sort());
    const files = readdirSync(path.join(layout(), 'blobs', 'sha256'));
    expect(files.length).toBe(exported.blobs + exported.manifests);
    for (const f of files) {
      const bytes = readFileSync(path.join(layout(), 'blobs', 'sha256', f));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f);
    }
    // Docker manifest bytes are kept exactly (3-space pretty print).
    const dbDigest = expected.get('app/db:v2')!.digest.slice(7);
    expect(readFileSync(path.join(layout(), 'blobs', 'sha256', dbDigest), 'utf8')).toContain('\n   "schemaVersion": 2');

    // The tar holds the same tree.
    const entries = await indexTar(tar());
    expect(entries.has('oci-layout')).toBe(true);
    expect(entries.has('index.json')).toBe(true);
    expect([...entries.keys()].filter((k) => k.startsWith('blobs/sha256/') && k.length > 14).length).toBe(files.length);
  });

  it('re-seeds a fresh registry from the tar with identical digests for every tag', async () => {
    const client = clientFor(dst);
    const progress: RegistryProgress[] = [];
    const result = await reseedRegistry({ client, source: tar(), concurrency: 6, chunkSize: 64 << 20, onProgress: (p) => progress.push(p) });
    expect(result.ok).toBe(true);
    expect(result.tags.length).toBe(expected.size);
    for (const t of result.tags) {
      expect(t.actual).toBe(expected.get(`${t.repo}:${t.tag}`)!.digest);
    }
    // The shared base layer is uploaded once and mounted into the other repositories.
    expect(result.blobsUploaded).toBe(exported.blobs);
    expect(result.blobsMounted).toBe(3); // base layer: app/web → app/api, app/db, multi
    expect(result.bytesUploaded).toBe(exported.bytes);
    // Media types survive: ask the new registry directly.
    const check = clientFor(dst);
    for (const [ref, want] of expected) {
      const [repo, tag] = ref.split(':') as [string, string];
      const m = await check.getManifest(repo, tag);
      expect(m.digest).toBe(want.digest);
      expect(m.mediaType).toBe(want.mediaType);
    }
    expect(progress.some((p) => p.phase === 'verifying')).toBe(true);

    // A second re-seed finds everything in place and uploads nothing.
    const again = await reseedRegistry({ client: clientFor(dst), source: layout() });
    expect(again.ok).toBe(true);
    expect(again.blobsUploaded + again.blobsMounted).toBe(0);
    expect(again.bytesUploaded).toBe(0);
  });

  it('refuses to re-seed an archive with a corrupted blob, naming the digest, and pushes nothing', async () => {
    const bad = path.join(work, 'corrupt');
    const blobs = path.join(bad, 'blobs', 'sha256');
    await fsp.mkdir(blobs, { recursive: true });
    await fsp.copyFile(path.join(layout(), 'oci-layout'), path.join(bad, 'oci-layout'));
    await fsp.copyFile(path.join(layout(), 'index.json'), path.join(bad, 'index.json'));
    // The app/api private layer (400 000 bytes) gets one flipped byte; everything else is linked.
    const victim = createHash('sha256').update(prngBytes(14, 400_000)).digest('hex');
    for (const f of readdirSync(path.join(layout(), 'blobs', 'sha256'))) {
      if (f === victim) {
        const b = readFileSync(path.join(layout(), 'blobs', 'sha256', f));
        b[1000] ^= 0xff;
        await fsp.writeFile(path.join(blobs, f), b);
      } else await fsp.symlink(path.join(layout(), 'blobs', 'sha256', f), path.join(blobs, f));
    }
    const fresh = await startRegistry();
    try {
      const client = clientFor(fresh);
      const err = await rejection(reseedRegistry({ client, source: bad }));
      expect(err.code).toBe('DIGEST_MISMATCH');
      expect(err.message).toContain(`sha256:${victim}`);
      expect(err.hint).toMatch(/Nothing was pushed/);
      expect(client.stats.blobUploads).toBe(0);
      expect(await clientFor(fresh).catalog()).toEqual([]);

      // A missing blob is refused too.
      await fsp.rm(path.join(blobs, victim));
      const missing = await rejection(reseedRegistry({ client, source: bad }));
      expect(missing.code).toBe('ARCHIVE_INVALID');
      expect(missing.message).toContain(`sha256:${victim}`);
    } finally {
      await fresh.destroy();
    }
  });

  it('resumes an interrupted export, fetching only what was missing', async () => {
    const dest = path.join(work, 'resumable');
    const ac = new AbortController();
    let completed = 0;
    class AbortingClient extends RegistryClient {
      override async downloadBlob(repo: string, digest: string, size: number | null, file: string, opts: DownloadBlobOptions = {}) {
        const n = await super.downloadBlob(repo, digest, size, file, opts);
        if (++completed === 4) ac.abort();
        return n;
      }
    }
    const first = new AbortingClient({ registry: src.host, username: src.username, password: src.password, caPem: src.caPem });
    const err = await rejection(exportRegistry({ client: first, dest, concurrency: 2, signal: ac.signal }));
    expect(err.code).toBe('CANCELLED');
    expect(existsSync(path.join(dest, 'index.json'))).toBe(false);
    const dir = path.join(dest, 'blobs', 'sha256');
    const names = readdirSync(dir);
    const done = names.filter((n) => /^[a-f0-9]{64}$/.test(n));
    const partials = names.filter((n) => n.endsWith('.partial'));
    const isManifest = (n: string) => {
      try {
        return JSON.parse(readFileSync(path.join(dir, n), 'utf8')).schemaVersion === 2;
      } catch {
        return false;
      }
    };
    const doneLayers = done.filter((n) => !isManifest(n));
    expect(done.length - doneLayers.length).toBe(exported.manifests);
    const doneBlobs = doneLayers.length;
    const doneBlobBytes = doneLayers.reduce((s, n) => s + statSync(path.join(dir, n)).size, 0);
    const partialBytes = partials.reduce((s, n) => s + statSync(path.join(dir, n)).size, 0);
    expect(completed).toBeGreaterThanOrEqual(4);

    const second = clientFor(src);
    const resumed = await exportRegistry({ client: second, dest, concurrency: 2 });
    expect(resumed.blobsReused).toBe(doneBlobs);
    expect(resumed.blobsFetched).toBe(exported.blobs - doneBlobs);
    expect(second.stats.blobGets).toBe(exported.blobs - doneBlobs);
    // Bytes: everything not finished before, minus what the partial files already held (Range).
    expect(second.stats.blobBytesIn).toBe(exported.bytes - doneBlobBytes - partialBytes);
    expect(resumed.images.map((i) => i.digest)).toEqual(exported.images.map((i) => i.digest));
    expect(readdirSync(dir).some((n) => n.endsWith('.partial'))).toBe(false);
    // Identical layout to the uninterrupted export.
    expect(readdirSync(dir).sort()).toEqual(readdirSync(path.join(layout(), 'blobs', 'sha256')).sort());

    // An export over a complete layout fetches no blob.
    const third = clientFor(src);
    const noop = await exportRegistry({ client: third, dest });
    expect(noop.blobsFetched).toBe(0);
    expect(third.stats.blobGets).toBe(0);
  });
});

describe('registry errors', () => {
  it('wrong credentials → REGISTRY_AUTH_FAILED with a hint', async () => {
    const err = await rejection(exportRegistry({ client: clientFor(src, { password: 'wrong' }), dest: path.join(work, 'nope') }));
    expect(err.code).toBe('REGISTRY_AUTH_FAILED');
    expect(err.message).toContain(src.host);
    expect(err.message).toContain(`"${src.username}"`);
    expect(err.hint).toMatch(/user name and password/);
    const none = await rejection(new RegistryClient({ registry: src.host, caPem: src.caPem }).catalog());
    expect(none.code).toBe('REGISTRY_AUTH_FAILED');
  });

  it('registry down → REGISTRY_UNREACHABLE naming the host and the cause', async () => {
    const r = await startRegistry();
    await r.destroy();
    const err = await rejection(exportRegistry({ client: clientFor(r), dest: path.join(work, 'down') }));
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toContain(r.host);
    expect(err.message).toMatch(/connection refused/);
    expect(err.hint).toBeTruthy();
  });

  it('unknown CA → REGISTRY_UNREACHABLE saying so', async () => {
    const err = await rejection(new RegistryClient({ registry: src.host, username: src.username, password: src.password }).ping());
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toMatch(/unknown authority/);
    expect(err.hint).toMatch(/CA certificate/);
  });

  it('registry stopping mid-export → REGISTRY_UNREACHABLE, and the export resumes once it is back', async () => {
    const r = await startRegistry();
    try {
      const c = clientFor(r);
      for (let i = 0; i < 6; i++) await pushImage(c, `mid/r${i}`, 't', [prngBytes(100 + i, 2 << 20)]);
      let stopped: Promise<void> | null = null;
      class StoppingClient extends RegistryClient {
        override async downloadBlob(repo: string, digest: string, size: number | null, file: string, opts: DownloadBlobOptions = {}) {
          if (!stopped) stopped = r.stop();
          await stopped;
          return super.downloadBlob(repo, digest, size, file, opts);
        }
      }
      const dest = path.join(work, 'mid');
      const err = await rejection(
        exportRegistry({ client: new StoppingClient({ registry: r.host, username: r.username, password: r.password, caPem: r.caPem, retries: 1 }), dest }),
      );
      expect(err.code).toBe('REGISTRY_UNREACHABLE');
      expect(err.message).toContain(r.host);
      await r.start();
      const ok = await exportRegistry({ client: clientFor(r), dest });
      expect(ok.images.length).toBe(6);
    } finally {
      await r.destroy();
    }
  });

  it('a tag deleted during the export is skipped with a warning (or fails with onMissingTag: fail)', async () => {
    const r = await startRegistry();
    try {
      const c = clientFor(r);
      await pushImage(c, 'stay', '1', [prngBytes(1, 1000)]);
      const gone = await pushImage(c, 'vanish', 'soon', [prngBytes(2, 1000)]);
      class DeletingClient extends RegistryClient {
        override async tags(repo: string, o?: { pageSize?: number; signal?: AbortSignal }) {
          const t = await super.tags(repo, o);
          if (repo === 'vanish') await this.deleteManifest('vanish', gone.digest);
          return t;
        }
      }
      const mk = () => new DeletingClient({ registry: r.host, username: r.username, password: r.password, caPem: r.caPem });
      const res = await exportRegistry({ client: mk(), dest: path.join(work, 'vanish1') });
      expect(res.images.map((i) => `${i.repo}:${i.tag}`)).toEqual(['stay:1']);
      expect(res.warnings).toEqual([{ repo: 'vanish', tag: 'soon', message: expect.stringMatching(/vanish:soon was deleted while the export ran/) }]);

      await c.putManifest('vanish', 'soon', gone.bytes, gone.mediaType);
      const err = await rejection(exportRegistry({ client: mk(), dest: path.join(work, 'vanish2'), onMissingTag: 'fail' }));
      expect(err.code).toBe('REGISTRY_NOT_FOUND');
      expect(err.message).toMatch(/vanish:soon was listed but is gone/);
    } finally {
      await r.destroy();
    }
  });
});
