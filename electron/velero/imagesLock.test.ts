import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePlaceholders, imagesLockFor, isPinned, lockEntry, parseUpstream, pinFor, type ImageLockEntry, type ImagesLock } from './imagesLock.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const pinned: ImageLockEntry = { upstream: 'docker.io/velero/velero:v1.18.3', digest: d('a'), platforms: { 'linux/amd64': d('b'), 'linux/arm64': d('c') } };
const lock: ImagesLock = {
  images: {
    velero: pinned,
    aws: {
      upstream: 'docker.io/velero/velero-plugin-for-aws:v1.14.0',
      placeholder: true,
      digest: null,
      platforms: { 'linux/amd64': null, 'linux/arm64': null },
    },
    'half-pinned': { upstream: 'registry.k8s.io/x/agent:v2', digest: d('d'), platforms: { 'linux/amd64': d('e') } },
  },
};

describe('images lock', () => {
  it('reads upstream references as docker does: Docker Hub unless the first segment is a host', () => {
    expect(parseUpstream('docker.io/velero/velero:v1.18.3')).toEqual({ registry: 'docker.io', repository: 'velero/velero', tag: 'v1.18.3' });
    expect(parseUpstream('velero/velero:v1')).toEqual({ registry: 'docker.io', repository: 'velero/velero', tag: 'v1' });
    expect(parseUpstream('busybox:1.36')).toEqual({ registry: 'docker.io', repository: 'library/busybox', tag: '1.36' });
    expect(parseUpstream('127.0.0.1:5000/lb/velero:v1')).toEqual({ registry: '127.0.0.1:5000', repository: 'lb/velero', tag: 'v1' });
    expect(parseUpstream('localhost/velero:v1')).toEqual({ registry: 'localhost', repository: 'velero', tag: 'v1' });
    expect(() => parseUpstream('registry:5000/velero')).toThrow(/no tag/);
  });

  it('is pinned only with a real index digest and a digest for every lock platform', () => {
    expect(isPinned(pinned)).toBe(true);
    expect(isPinned(lock.images.aws)).toBe(false);
    expect(isPinned(lock.images['half-pinned'])).toBe(false);
    expect(isPinned({ ...pinned, digest: 'sha256:short' })).toBe(false);
    expect(isPinned({ ...pinned, placeholder: true })).toBe(false);
    expect(isPinned(undefined)).toBe(false);
  });

  it('finds the entry of an image by its upstream repository and tag (or the same last path segment, as a mirror names it)', () => {
    expect(lockEntry(lock, { repository: 'velero/velero', tag: 'v1.18.3' })?.name).toBe('velero');
    expect(lockEntry(lock, { repository: 'mirror/velero', tag: 'v1.18.3' })?.name).toBe('velero');
    expect(lockEntry(lock, { repository: 'velero/velero', tag: 'v1.18.2' })).toBeUndefined();
  });

  it('pins what the lock pins, and says why it cannot otherwise', () => {
    expect(pinFor(lock, { repository: 'velero/velero', tag: 'v1.18.3' })).toEqual({ pinned: true, digest: pinned.digest, platforms: pinned.platforms });
    expect(pinFor(lock, { repository: 'velero/velero-plugin-for-aws', tag: 'v1.14.0' })).toMatchObject({
      pinned: false,
      reason: expect.stringMatching(/placeholder/),
    });
    expect(pinFor(lock, { repository: 'other/image', tag: 'v1' })).toMatchObject({
      pinned: false,
      reason: expect.stringMatching(/not in Lifeboat's images lock/),
    });
    expect(imagePlaceholders(lock)).toEqual([
      'image aws (docker.io/velero/velero-plugin-for-aws:v1.14.0) has no pinned digest',
      'image half-pinned (registry.k8s.io/x/agent:v2) has no pinned digest',
    ]);
  });

  it('LIFEBOAT_IMAGES_LOCK names the lock to enforce, even when LIFEBOAT_IMAGES_DIR is set too', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lb-images-lock-')), 'images.lock.json');
    writeFileSync(file, JSON.stringify(lock));
    const resolved = imagesLockFor({ LIFEBOAT_IMAGES_LOCK: file, LIFEBOAT_IMAGES_DIR: '/x' });
    expect(resolved.unenforced).toBeUndefined();
    expect(pinFor(resolved, { repository: 'velero/velero', tag: 'v1.18.3' }).pinned).toBe(true);
  });
});
