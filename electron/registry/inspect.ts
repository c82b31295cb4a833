/**
 * What an export holds, read cheaply (index.json and the manifests, no blob hashing): its tagged
 * images, the distinct blobs they reference and their total size, and where it was exported from.
 * Used to show "what is missing" before a re-seed; the re-seed itself verifies every byte.
 */
import { LifeboatError } from '../api/errors.js';
import { openLayout, readIndex, type LayoutSource, type TaggedImage } from './layout.js';
import { parseManifest } from './mediaTypes.js';

export interface ArchiveContents {
  images: TaggedImage[];
  blobs: number;
  bytes: number;
  /** index.json annotations written by the export. */
  sourceRegistry?: string;
  createdAt?: string;
}

export async function inspectArchive(location: string, src?: LayoutSource): Promise<ArchiveContents> {
  const layout = src ?? (await openLayout(location));
  let indexBytes: Buffer;
  try {
    indexBytes = await layout.readFile('index.json');
  } catch (e) {
    if (e instanceof LifeboatError) throw e;
    throw new LifeboatError(
      'ARCHIVE_INVALID',
      `${location} has no index.json: the export did not finish.`,
      'Run the export to that place again to finish it, or choose another archive.',
    );
  }
  const { images, annotations } = readIndex(indexBytes);
  if (!images.length) throw new LifeboatError('ARCHIVE_INVALID', `${location} holds no tagged images.`, 'Choose an archive written by a registry export.');
  const blobs = new Map<string, number>();
  const seen = new Set<string>();
  const visit = async (digest: string, mediaType: string, depth: number): Promise<void> => {
    if (seen.has(digest) || depth > 4) return;
    seen.add(digest);
    let bytes: Buffer;
    try {
      bytes = await layout.readFile(`blobs/sha256/${digest.slice(7)}`);
    } catch (e) {
      if (e instanceof LifeboatError) throw e;
      throw new LifeboatError('ARCHIVE_INVALID', `The archive is missing manifest ${digest}.`, 'The archive is incomplete; export it again.', { digest });
    }
    const m = parseManifest(bytes, mediaType);
    for (const c of m.manifests) await visit(c.digest, c.mediaType, depth + 1);
    for (const b of m.blobs) blobs.set(b.digest, b.size);
  };
  for (const img of images) await visit(img.digest, img.mediaType, 0);
  for (const d of seen) blobs.delete(d);
  return {
    images,
    blobs: blobs.size,
    bytes: [...blobs.values()].reduce((s, n) => s + n, 0),
    sourceRegistry: annotations['io.lifeboat.source.registry'],
    createdAt: annotations['io.lifeboat.export.created'],
  };
}
