import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archiveName, imagesDir, planImages } from './images.js';
import { imagesLockFor, type ImagesLock } from '../../velero/imagesLock.js';

describe('setup images plan', () => {
  it('names the archives and rewrites to the private registry', () => {
    expect(archiveName({ repository: 'velero/velero-plugin-for-aws', tag: 'v1.14.3', role: '' })).toBe('velero-plugin-for-aws-v1.14.3.oci.tar');
    // The synthetic test archives live under test/ (never in resources/, never packaged).
    expect(existsSync(resolve('resources', 'images'))).toBe(false);
    const dir = imagesDir({ LIFEBOAT_IMAGES_DIR: 'test/fixtures/images' });
    expect(dir).toBe(resolve('test', 'fixtures', 'images'));
    const plan = planImages('v1.18.3', 's3-compatible', { host: 'reg:5000', namespace: 'lifeboat' }, dir);
    expect(plan.map((p) => [p.upstream, p.target, p.archive?.split('/').pop(), p.state])).toEqual([
      ['velero/velero:v1.18.3', 'reg:5000/lifeboat/velero:v1.18.3', 'velero-v1.18.3.oci.tar', 'unknown'],
      ['velero/velero-plugin-for-aws:v1.14.3', 'reg:5000/lifeboat/velero-plugin-for-aws:v1.14.3', 'velero-plugin-for-aws-v1.14.3.oci.tar', 'unknown'],
    ]);
    expect(planImages('v1.18.3', 'gcp', { host: 'reg' }, dir)[1]!.archive).toBeUndefined();
    expect(imagesDir({ LIFEBOAT_IMAGES_DIR: '/x' })).toBe(join('/x'));
  });

  it('archives resolve like the bundled tools: packaged → process.resourcesPath/images, as electron-builder ships them', () => {
    const rp = mkdtempSync(join(tmpdir(), 'lb-resources-'));
    expect(imagesDir({}, { packaged: true, resourcesPath: rp })).toBeUndefined();
    mkdirSync(join(rp, 'images'));
    expect(imagesDir({}, { packaged: true, resourcesPath: rp })).toBe(join(rp, 'images'));
    // Packaged never falls back to a directory outside the app.
    expect(imagesDir({}, { packaged: true, resourcesPath: join(rp, 'nope') })).toBeUndefined();
    const repo = mkdtempSync(join(tmpdir(), 'lb-repo-'));
    mkdirSync(join(repo, 'resources', 'images'), { recursive: true });
    expect(imagesDir({}, { packaged: false, repoRoot: repo })).toBe(join(repo, 'resources', 'images'));
    expect(imagesDir({ LIFEBOAT_IMAGES_DIR: '/x' }, { packaged: true, resourcesPath: rp })).toBe(join('/x'));
    // electron-builder copies resources/images → <resources>/images (the archives only).
    const builder = parse(readFileSync('electron-builder.yml', 'utf8')) as { extraResources: Array<{ from: string; to: string; filter?: string[] }> };
    expect(builder.extraResources).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 'resources/images', to: 'images', filter: ['*.oci.tar'] })]),
    );
    const bin = builder.extraResources.find((r) => r.to === 'bin');
    expect(bin?.from).toBe('resources/bin/${os}-${arch}');
  });

  it('carries the lock: pinned digests to check and install by, or why an image is trusted by tag only', () => {
    const d = (c: string) => `sha256:${c.repeat(64)}`;
    const lock: ImagesLock = {
      images: { velero: { upstream: 'docker.io/velero/velero:v1.18.3', digest: d('a'), platforms: { 'linux/amd64': d('b'), 'linux/arm64': d('c') } } },
    };
    const [velero, plugin] = planImages('v1.18.3', 'aws', { host: 'reg' }, undefined, lock);
    expect(velero).toMatchObject({ pinned: d('a'), pinnedPlatforms: { 'linux/amd64': d('b'), 'linux/arm64': d('c') } });
    expect(velero!.unverified).toBeUndefined();
    expect(plugin!.pinned).toBeUndefined();
    expect(plugin!.unverified).toMatch(/not in Lifeboat's images lock/);
    // The lock as shipped here: placeholders, so by tag and marked.
    const shipped = planImages('v1.18.3', 'aws', { host: 'reg' }, undefined, imagesLockFor({}));
    expect(shipped.map((i) => [i.pinned, i.unverified])).toEqual([
      [undefined, expect.stringMatching(/placeholder/)],
      [undefined, expect.stringMatching(/placeholder/)],
    ]);
  });
});
