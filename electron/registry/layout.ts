/**
 * The OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/<hex>`) and its tar
 * form. This module builds and reads index.json, and is the door to the rest: layoutFiles.ts (blob
 * paths, atomic writes, hashing), tar.ts (a small ustar writer and a tar reader that indexes entries
 * so blobs are read in place, no extraction), layoutSource.ts (reading a layout, directory or tar),
 * layoutLimits.ts (what is read into memory at most).
 */
import { LifeboatError } from '../api/errors.js';
import { MAX_JSON_BYTES, MiB, checkedSize, damaged } from './layoutLimits.js';
import { MediaTypes, assertDigest, parseRefName, refName, type Descriptor } from './mediaTypes.js';

export { blobPath, hashFile, writeFileAtomic } from './layoutFiles.js';
export { MAX_JSON_BYTES, MAX_TAR_META_BYTES } from './layoutLimits.js';
export { openLayout, type LayoutSource } from './layoutSource.js';
export { indexTar, parseTarNumber, tarHeader, tarNumber, writeTar, type TarInput } from './tar.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const OCI_LAYOUT = { imageLayoutVersion: '1.0.0' };

export interface TaggedImage {
  repo: string;
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
}

export interface LayoutIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** index.json for these tags: one descriptor per repo:tag, sorted, ref names as annotations. */
export function buildIndex(images: TaggedImage[], annotations?: Record<string, string>): LayoutIndex {
  const sorted = images.slice().sort((a, b) => (refName(a.repo, a.tag) < refName(b.repo, b.tag) ? -1 : 1));
  const index: LayoutIndex = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: sorted.map((i) => ({
      mediaType: i.mediaType,
      digest: i.digest,
      size: i.size,
      annotations: { [REF_NAME]: refName(i.repo, i.tag) },
    })),
  };
  if (annotations && Object.keys(annotations).length) index.annotations = annotations;
  return index;
}

/** The tagged images an index.json names; entries without a "repo:tag" ref name are reported. */
export function readIndex(bytes: Buffer | string): { images: TaggedImage[]; unnamed: Descriptor[]; annotations: Record<string, string> } {
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (length > MAX_JSON_BYTES)
    throw damaged(`The archive index.json is ${MiB(length)}, more than the ${MiB(MAX_JSON_BYTES)} an index may have.`, {
      entry: 'index.json',
      size: length,
      limit: MAX_JSON_BYTES,
    });
  let doc: Partial<LayoutIndex>;
  try {
    doc = JSON.parse(bytes.toString());
  } catch {
    throw new LifeboatError('ARCHIVE_INVALID', 'The archive index.json is not valid JSON.', 'The archive is damaged; export it again.');
  }
  if (doc.schemaVersion !== 2 || !Array.isArray(doc.manifests)) {
    throw new LifeboatError('ARCHIVE_INVALID', 'The archive index.json is not an OCI image index.', 'Choose a directory or .tar written by a registry export.');
  }
  const images: TaggedImage[] = [];
  const unnamed: Descriptor[] = [];
  for (const m of doc.manifests) {
    if (!m || typeof m.digest !== 'string' || typeof m.size !== 'number' || typeof m.mediaType !== 'string') {
      throw new LifeboatError('ARCHIVE_INVALID', 'The archive index.json has an invalid entry.', 'The archive is damaged; export it again.');
    }
    checkedSize(m.size, `Entry ${m.digest} of the archive index.json`);
    assertDigest(m.digest);
    const ref = m.annotations?.[REF_NAME];
    const parsed = ref ? parseRefName(ref) : null;
    if (!parsed) unnamed.push(m);
    else images.push({ ...parsed, digest: m.digest, mediaType: m.mediaType, size: m.size });
  }
  return { images, unnamed, annotations: doc.annotations ?? {} };
}
