import { describe, expect, it } from 'vitest';
import { MediaTypes, detectManifestMediaType, isDigest, normaliseMediaType, parseManifest, parseRefName, refName, sha256Digest } from './mediaTypes.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const json = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('media types', () => {
  it('parses an OCI index into its child manifests', () => {
    const idx = json({
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        { mediaType: MediaTypes.ociManifest, digest: d('a'), size: 10, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: MediaTypes.ociManifest, digest: d('b'), size: 11, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    const p = parseManifest(idx);
    expect(p.kind).toBe('index');
    expect(p.manifests.map((m) => m.digest)).toEqual([d('a'), d('b')]);
    expect(p.blobs).toEqual([]);
  });

  it('parses a Docker manifest list by its Content-Type when the body has no mediaType', () => {
    const list = json({ schemaVersion: 2, manifests: [{ mediaType: MediaTypes.dockerManifest, digest: d('c'), size: 5 }] });
    expect(detectManifestMediaType(list, MediaTypes.dockerManifestList)).toBe(MediaTypes.dockerManifestList);
    expect(parseManifest(list, MediaTypes.dockerManifestList).kind).toBe('index');
  });

  it('lists config + layers of an image manifest and sets foreign layers aside', () => {
    const m = json({
      schemaVersion: 2,
      mediaType: MediaTypes.dockerManifest,
      config: { mediaType: MediaTypes.dockerConfig, digest: d('1'), size: 100 },
      layers: [
        { mediaType: MediaTypes.dockerLayerGzip, digest: d('2'), size: 200 },
        { mediaType: MediaTypes.dockerForeignLayer, digest: d('3'), size: 300, urls: ['https://mcr.microsoft.com/x'] },
      ],
    });
    const p = parseManifest(m);
    expect(p.mediaType).toBe(MediaTypes.dockerManifest);
    expect(p.blobs.map((b) => b.digest)).toEqual([d('1'), d('2')]);
    expect(p.foreign.map((b) => b.digest)).toEqual([d('3')]);
  });

  it('the body mediaType wins over a generic Content-Type; shape is the last resort', () => {
    expect(detectManifestMediaType(json({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: {}, layers: [] }), 'application/json')).toBe(
      MediaTypes.ociManifest,
    );
    expect(detectManifestMediaType(json({ schemaVersion: 2, config: {}, layers: [] }), 'application/json')).toBe(MediaTypes.ociManifest);
    expect(detectManifestMediaType(json({ schemaVersion: 2, manifests: [] }))).toBe(MediaTypes.ociIndex);
  });

  it('refuses schema 1 with a hint and malformed descriptors', () => {
    expect(() => parseManifest(json({ schemaVersion: 1, fsLayers: [] }))).toThrow(/Unsupported manifest media type/);
    expect(() => parseManifest(json({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ digest: 'md5:x', size: 1, mediaType: 'x' }] }))).toThrow(
      /invalid descriptor|sha256/,
    );
  });

  it('digests, content types and ref names', () => {
    expect(sha256Digest(Buffer.from(''))).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(isDigest(d('f'))).toBe(true);
    expect(isDigest('latest')).toBe(false);
    expect(normaliseMediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(refName('kotsadm/minio', '2024')).toBe('kotsadm/minio:2024');
    expect(parseRefName('kotsadm/minio:2024')).toEqual({ repo: 'kotsadm/minio', tag: '2024' });
    expect(parseRefName('latest')).toBeNull();
    expect(parseRefName('a:b:c')).toBeNull();
  });
});
