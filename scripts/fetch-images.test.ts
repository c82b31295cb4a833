/**
 * fetch-images against a local docker-registry standing in for upstream (a random free port, killed
 * after): a synthetic multi-platform image pushed with the project's registry client, pinned with
 * --update, fetched again against the pin, a mismatch refused; then the archive it wrote goes through
 * Lifeboat's side: verified against the lock, pushed into a "private" registry, present = digest.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../electron/registry/client.js';
import { checkImages, pushImage, verifyArchive } from '../electron/workflows/setup/images.js';
import { installArgs } from '../electron/velero/install.js';
import type { ImagesLock } from '../electron/velero/imagesLock.js';
import { pushImage as pushTestImage, pushIndex, startRegistry, type TestRegistry } from '../test/support/registry-server.js';
import { fetchImages } from './fetch-images.js';
import { checkDist } from './check-dist.js';

let upstream: TestRegistry;
let work: string;
let indexDigest: string;
let amd64: string;
let arm64: string;

const clientOf = (r: TestRegistry) => new RegistryClient({ registry: r.host, username: r.username, password: r.password, caPem: r.caPem, retries: 1 });

beforeAll(async () => {
  upstream = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'lb-fetch-images-'));
  const c = clientOf(upstream);
  const a = await pushTestImage(c, 'velero/velero', null, [Buffer.from('amd64 layer')], { arch: 'amd64' });
  const b = await pushTestImage(c, 'velero/velero', null, [Buffer.from('arm64 layer')], { arch: 'arm64' });
  const p = await pushTestImage(c, 'velero/velero', null, [Buffer.from('ppc64le layer')], { arch: 'ppc64le' });
  const idx = await pushIndex(c, 'velero/velero', 'v1.18.3', [
    { ...a, arch: 'amd64' },
    { ...b, arch: 'arm64' },
    { ...p, arch: 'ppc64le' },
  ]);
  c.close();
  indexDigest = idx.digest;
  amd64 = a.digest;
  arm64 = b.digest;
}, 60_000);

afterAll(async () => {
  await upstream?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

function writeLock(entry: Record<string, unknown>): string {
  const file = join(work, `lock-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ images: { velero: { upstream: `${upstream.host}/velero/velero:v1.18.3`, ...entry } } }, null, 2));
  return file;
}

const opts = (lockFile: string, outDir: string, update = false) => ({ lockFile, outDir, update, clientFor: () => clientOf(upstream) });

describe('scripts/fetch-images.ts against a local registry standing in for upstream', () => {
  it('refuses placeholders, pins with --update, then verifies against the pin and refuses a mismatch', async () => {
    const lockFile = writeLock({ placeholder: true, digest: null, platforms: { 'linux/amd64': null, 'linux/arm64': null } });
    const out = join(work, 'out');
    await expect(fetchImages(opts(lockFile, out))).rejects.toThrow(/placeholder.*fetch-images\.ts --update/);
    expect(existsSync(join(out, 'velero-v1.18.3.oci.tar'))).toBe(false);

    const r = await fetchImages(opts(lockFile, out, true));
    expect(r.lockUpdated).toBe(true);
    const pinned = JSON.parse(readFileSync(lockFile, 'utf8')) as ImagesLock;
    expect(pinned.images.velero).toEqual({
      upstream: `${upstream.host}/velero/velero:v1.18.3`,
      digest: indexDigest,
      platforms: { 'linux/amd64': amd64, 'linux/arm64': arm64 },
    });
    const archive = join(out, 'velero-v1.18.3.oci.tar');
    expect(r.images[0]!.archive).toBe(archive);

    // Without --update: matches the pin.
    rmSync(archive);
    const again = await fetchImages(opts(lockFile, out));
    expect(again.lockUpdated).toBe(false);
    expect(existsSync(archive)).toBe(true);

    // A lock that pins another digest: refused, nothing written.
    const other = writeLock({ digest: `sha256:${'1'.repeat(64)}`, platforms: { 'linux/amd64': amd64, 'linux/arm64': arm64 } });
    const out2 = join(work, 'out2');
    await expect(fetchImages(opts(other, out2))).rejects.toThrow(/does not match.*index sha256:[0-9a-f]{64}, the lock pins sha256:1111/);
    expect(existsSync(join(out2, 'velero-v1.18.3.oci.tar'))).toBe(false);
    const wrongArm = writeLock({ digest: indexDigest, platforms: { 'linux/amd64': amd64, 'linux/arm64': amd64 } });
    await expect(fetchImages(opts(wrongArm, out2))).rejects.toThrow(/linux\/arm64 sha256:[0-9a-f]{64}, the lock pins/);
  }, 60_000);

  it("Lifeboat's side: the archive verifies against the lock, is pushed, present means the digest, installed by digest", async () => {
    const archive = join(work, 'out', 'velero-v1.18.3.oci.tar');
    const pin = { upstream: 'velero/velero:v1.18.3', pinned: indexDigest, pinnedPlatforms: { 'linux/amd64': amd64, 'linux/arm64': arm64 } };
    await verifyArchive(archive, pin);
    await expect(verifyArchive(archive, { ...pin, pinned: `sha256:${'2'.repeat(64)}` })).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringMatching(/not the pinned sha256:2222/),
    });
    await expect(verifyArchive(archive, { ...pin, pinnedPlatforms: { 'linux/arm64': amd64 } })).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringMatching(/linux\/arm64/),
    });

    const priv = await startRegistry();
    try {
      const access = { host: priv.host, namespace: 'lifeboat', username: priv.username, password: priv.password, caPem: Buffer.from(priv.caPem) };
      const img = { ...pin, target: `${priv.host}/lifeboat/velero:v1.18.3`, role: 'server', archive, state: 'unknown' as const };
      // A wrong archive is refused before anything is pushed.
      await expect(pushImage(access, { ...img, pinned: `sha256:${'3'.repeat(64)}` }, () => {})).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
      expect((await checkImages(access, [img]))[0]!.state).toBe('missing');
      const c = clientOf(priv);
      expect(await c.headManifest('lifeboat/velero', 'v1.18.3')).toBeNull();

      // A tag that names another image is not "present".
      const impostor = await pushTestImage(c, 'lifeboat/velero', 'v1.18.3', [Buffer.from('not velero')]);
      const checked = (await checkImages(access, [img]))[0]!;
      expect(checked.state).toBe('missing');
      expect(checked.message).toContain(`is not the pinned image (it is ${impostor.digest}`);
      // …while by tag only (a placeholder lock) it would have been.
      expect((await checkImages(access, [{ ...img, pinned: undefined, pinnedPlatforms: undefined, unverified: 'placeholder' }]))[0]).toMatchObject({
        state: 'present',
        message: 'Present by tag only: placeholder',
      });

      const pushed = await pushImage(access, img, () => {});
      expect(pushed).toMatchObject({ state: 'pushed', digest: indexDigest });
      expect((await checkImages(access, [img]))[0]).toMatchObject({ state: 'present', digest: indexDigest });
      c.close();

      const lock: ImagesLock = { images: { velero: { upstream: 'docker.io/velero/velero:v1.18.3', digest: indexDigest, platforms: pin.pinnedPlatforms } } };
      const args = installArgs({ veleroVersion: 'v1.18.3', provider: 'aws', registry: { host: priv.host, namespace: 'lifeboat' }, lock });
      expect(args[args.indexOf('--image') + 1]).toBe(`${priv.host}/lifeboat/velero@${indexDigest}`);
      // The plugin is not pinned in this lock: by tag.
      expect(args[args.indexOf('--plugins') + 1]).toBe(`${priv.host}/lifeboat/velero-plugin-for-aws:v1.14.3`);

      // check-dist accepts this archive for this lock, and refuses a synthetic stand-in.
      const distOk = await checkDist({ toolsLock: { tools: {} } as never, imagesLock: lock, imagesDir: join(work, 'out') });
      expect(distOk).toMatchObject({ ok: true, problems: [] });
    } finally {
      await priv.destroy();
    }
  }, 90_000);
});
