/**
 * Manifest media types and the pure rules around them: which manifests are indexes, which
 * descriptors a manifest points at, and how digests are written. No I/O here.
 */
import { createHash } from 'node:crypto';
import { LifeboatError } from '../api/errors.js';

export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
} as const;

/** What we ask a registry for: every schema-2 manifest kind, indexes first. */
export const MANIFEST_ACCEPT = [MediaTypes.ociIndex, MediaTypes.ociManifest, MediaTypes.dockerManifestList, MediaTypes.dockerManifest];

const INDEX_TYPES = new Set<string>([MediaTypes.ociIndex, MediaTypes.dockerManifestList]);
const IMAGE_TYPES = new Set<string>([MediaTypes.ociManifest, MediaTypes.dockerManifest]);

export function isIndexMediaType(mt: string): boolean {
  return INDEX_TYPES.has(mt);
}
export function isImageManifestMediaType(mt: string): boolean {
  return IMAGE_TYPES.has(mt);
}
export function isManifestMediaType(mt: string): boolean {
  return INDEX_TYPES.has(mt) || IMAGE_TYPES.has(mt);
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ParsedManifest {
  mediaType: string;
  kind: 'index' | 'image';
  /** Child manifests (index) — pushed before the index itself. */
  manifests: Descriptor[];
  /** Config + layers (image), in manifest order. */
  blobs: Descriptor[];
  /** Layers that must not be copied (foreign / non-distributable with external URLs). */
  foreign: Descriptor[];
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(ref: string): boolean {
  return DIGEST_RE.test(ref);
}

export function assertDigest(d: string): string {
  if (!DIGEST_RE.test(d)) {
    throw new LifeboatError('ARCHIVE_INVALID', `"${d}" is not a sha256 digest Lifeboat can verify.`, 'Only sha256 content digests are supported.');
  }
  return d;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function digestHex(digest: string): string {
  return assertDigest(digest).slice('sha256:'.length);
}

/** Strip parameters ("; charset=utf-8") and whitespace from a Content-Type. */
export function normaliseMediaType(ct: string | undefined | null): string {
  return (ct ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The media type of manifest bytes: the `mediaType` field wins when present (it is part of the
 * signed bytes); otherwise the Content-Type the registry sent; otherwise a guess from the shape.
 */
export function detectManifestMediaType(bytes: Uint8Array, contentType?: string): string {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new LifeboatError('ARCHIVE_INVALID', 'A manifest is not valid JSON.', 'The registry or archive holds a corrupted manifest.');
  }
  if (typeof doc.mediaType === 'string' && doc.mediaType) return doc.mediaType;
  const ct = normaliseMediaType(contentType);
  if (isManifestMediaType(ct)) return ct;
  if (doc.schemaVersion === 1) return MediaTypes.dockerSchema1Signed;
  if (Array.isArray(doc.manifests)) return MediaTypes.ociIndex;
  if (doc.config && Array.isArray(doc.layers)) return MediaTypes.ociManifest;
  return ct || 'application/octet-stream';
}

function asDescriptor(v: unknown, where: string): Descriptor {
  const d = v as Partial<Descriptor> | null;
  if (!d || typeof d.digest !== 'string' || typeof d.size !== 'number' || typeof d.mediaType !== 'string') {
    throw new LifeboatError('ARCHIVE_INVALID', `A manifest has an invalid descriptor in ${where}.`, 'The manifest is malformed.');
  }
  if (!Number.isSafeInteger(d.size) || d.size < 0) {
    throw new LifeboatError('ARCHIVE_INVALID', `A manifest has an invalid size (${d.size}) for ${d.digest} in ${where}.`, 'The manifest is malformed.');
  }
  assertDigest(d.digest);
  return d as Descriptor;
}

function isForeign(d: Descriptor): boolean {
  return (d.mediaType === MediaTypes.dockerForeignLayer || d.mediaType.includes('nondistributable')) && Array.isArray(d.urls) && d.urls.length > 0;
}

/** Parse manifest bytes into the descriptors it references. */
export function parseManifest(bytes: Uint8Array, mediaType?: string): ParsedManifest {
  const mt = mediaType && isManifestMediaType(mediaType) ? mediaType : detectManifestMediaType(bytes, mediaType);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new LifeboatError('ARCHIVE_INVALID', 'A manifest is not valid JSON.', 'The registry or archive holds a corrupted manifest.');
  }
  if (isIndexMediaType(mt)) {
    if (!Array.isArray(doc.manifests)) {
      throw new LifeboatError('ARCHIVE_INVALID', 'An image index has no "manifests" list.', 'The manifest is malformed.');
    }
    return {
      mediaType: mt,
      kind: 'index',
      manifests: doc.manifests.map((m, i) => asDescriptor(m, `manifests[${i}]`)),
      blobs: [],
      foreign: [],
    };
  }
  if (isImageManifestMediaType(mt)) {
    if (!doc.config || !Array.isArray(doc.layers)) {
      throw new LifeboatError('ARCHIVE_INVALID', 'An image manifest has no config or layers.', 'The manifest is malformed.');
    }
    const all = [asDescriptor(doc.config, 'config'), ...doc.layers.map((l, i) => asDescriptor(l, `layers[${i}]`))];
    return {
      mediaType: mt,
      kind: 'image',
      manifests: [],
      blobs: all.filter((d) => !isForeign(d)),
      foreign: all.filter(isForeign),
    };
  }
  throw new LifeboatError(
    'ARCHIVE_INVALID',
    `Unsupported manifest media type "${mt}".`,
    mt.includes('v1')
      ? 'Docker schema 1 images are deprecated; re-push the image with a current client (schema 2 or OCI).'
      : 'Lifeboat copies OCI and Docker schema 2 images and indexes.',
  );
}

/** "repo:tag" as used in `org.opencontainers.image.ref.name`. Repositories never contain ':'. */
export function refName(repo: string, tag: string): string {
  return `${repo}:${tag}`;
}

export function parseRefName(ref: string): { repo: string; tag: string } | null {
  const i = ref.lastIndexOf(':');
  if (i <= 0 || i === ref.length - 1) return null;
  const repo = ref.slice(0, i);
  const tag = ref.slice(i + 1);
  if (repo.includes(':') || !/^[\w][\w.-]{0,127}$/.test(tag)) return null;
  return { repo, tag };
}
