/**
 * Export a registry into an OCI image layout directory (optionally packed as a .tar): every
 * repository, tag and manifest (indexes recursed, bytes and media types exact) and every blob,
 * content-addressed, deduplicated, digest-verified, fetched in parallel, resumable.
 *
 * Resume: a blob file `blobs/sha256/<hex>` only ever appears by renaming a `.partial` whose
 * sha256 matched, so a file of the right size is trusted (set verifyExisting to re-hash).
 * Partial files left by an interruption are continued with a Range request.
 *
 * A tag that disappears between listing and fetching is skipped with a warning in the result
 * (onMissingTag: 'fail' makes it an error): a live registry changes under an export, and one
 * vanished tag should not throw away the rest. A blob or child manifest missing under a manifest
 * that still exists is an error (the image is broken or being deleted).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { LifeboatError } from '../api/errors.js';
import type { RegistryClient } from './client.js';
import { MAX_JSON_BYTES, OCI_LAYOUT, blobPath, buildIndex, hashFile, writeFileAtomic, writeTar, type TaggedImage, type TarInput } from './layout.js';
import { parseManifest, refName, sha256Digest, type Descriptor } from './mediaTypes.js';
import { runPool } from './pool.js';
import { diskFullError, requireFreeSpace } from './diskSpace.js';
import { assertPrivateDir, preparePrivateDir, regularFileSize } from './safeFs.js';
import { ProgressTracker, type ProgressListener } from './progress.js';

export interface ExportOptions {
  client: RegistryClient;
  /** Layout directory (created if needed; an earlier export there is resumed/updated). */
  dest: string;
  /** Also pack the layout into this .tar file. */
  tarPath?: string;
  /** Only these repositories (default: the whole catalog). */
  repositories?: string[];
  /** Parallel blob downloads (default 6). */
  concurrency?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** What to do when a listed tag is gone by the time its manifest is fetched (default 'skip'). */
  onMissingTag?: 'skip' | 'fail';
  /** Re-hash blobs already in the layout instead of trusting their size (default false). */
  verifyExisting?: boolean;
}

export interface ExportWarning {
  repo: string;
  tag?: string;
  message: string;
}

export interface ExportResult {
  dest: string;
  tarPath?: string;
  images: TaggedImage[];
  repositories: number;
  manifests: number;
  /** Distinct non-manifest blobs referenced. */
  blobs: number;
  /** Their total size. */
  bytes: number;
  blobsFetched: number;
  bytesFetched: number;
  blobsReused: number;
  warnings: ExportWarning[];
  durationMs: number;
}

interface BlobNeed {
  digest: string;
  size: number;
  repo: string;
}

/** Size of the regular file there (lstat: a symlink counts as absent and is replaced, never followed). */
const exists = regularFileSize;

export async function exportRegistry(opts: ExportOptions): Promise<ExportResult> {
  try {
    return await exportInto(opts);
  } catch (e) {
    // A disk that filled up meanwhile (another program, a quota): said as such, not as a bug.
    throw diskFullError(e, opts.dest) ?? e;
  }
}

async function exportInto(opts: ExportOptions): Promise<ExportResult> {
  const t0 = Date.now();
  const { client, dest, signal } = opts;
  const run: ExportRun = { opts, client, dest, signal, concurrency: opts.concurrency ?? 6, progress: new ProgressTracker(opts.onProgress), warnings: [] };
  // 0700, real directories of ours, nobody else may write: nothing can be planted or swapped in.
  await preparePrivateDir(dest, ['blobs', 'sha256']);
  if (opts.tarPath) await assertPrivateDir(path.dirname(opts.tarPath), 'The directory of the archive', { stickyAnyOwner: true });
  await writeFileAtomic(path.join(dest, 'oci-layout'), JSON.stringify(OCI_LAYOUT));

  // 1. Listing.
  const tagLists = await listTags(run);
  const refs = tagLists.flatMap(({ repo, tags }) => tags.sort().map((tag) => ({ repo, tag })));
  // 2. Manifests (byte-exact, saved as blobs), recursing into indexes.
  const { images, blobs, manifestDigests } = await fetchManifests(run, refs);
  // 3. Blobs: what is missing, biggest first so the long transfers start early.
  const all = [...blobs.values()].filter((b) => !manifestDigests.has(b.digest));
  const { todo, reused } = await planBlobs(run, all);
  // Before the first byte: room for what is still missing, and for the tar beside it.
  await requireFreeSpace([
    { dir: dest, bytes: todo.reduce((n, b) => n + b.size - b.have, 0) },
    ...(opts.tarPath ? [{ dir: path.dirname(opts.tarPath), bytes: all.reduce((n, b) => n + b.size, 0) }] : []),
  ]);
  const { fetched, bytesFetched } = await downloadBlobs(run, todo, all.length, reused);
  // 4. index.json, then tidy partials of blobs no longer referenced.
  await writeIndex(run, images);
  // 5. Optional tar of exactly what the index references.
  if (opts.tarPath) await packTar(run, opts.tarPath, [...manifestDigests, ...all.map((b) => b.digest)]);

  run.progress.setPhase('done');
  return {
    dest,
    tarPath: opts.tarPath,
    images: images.sort((a, b) => (refName(a.repo, a.tag) < refName(b.repo, b.tag) ? -1 : 1)),
    repositories: tagLists.filter((t) => t.tags.length).length,
    manifests: manifestDigests.size,
    blobs: all.length,
    bytes: all.reduce((s, b) => s + b.size, 0),
    blobsFetched: fetched,
    bytesFetched,
    blobsReused: reused,
    warnings: run.warnings,
    durationMs: Date.now() - t0,
  };
}

/** What every phase of one export shares. */
interface ExportRun {
  opts: ExportOptions;
  client: RegistryClient;
  dest: string;
  signal?: AbortSignal;
  concurrency: number;
  progress: ProgressTracker;
  warnings: ExportWarning[];
}

/** The tags of every repository, repositories in name order (tags still as listed). */
async function listTags(run: ExportRun): Promise<Array<{ repo: string; tags: string[] }>> {
  const { opts, client, signal, progress, warnings } = run;
  progress.setPhase('listing');
  const repos = opts.repositories ?? (await client.catalog({ signal }));
  const tagLists: Array<{ repo: string; tags: string[] }> = [];
  await runPool(
    repos,
    run.concurrency,
    async (repo, sig) => {
      try {
        tagLists.push({ repo, tags: await client.tags(repo, { signal: sig }) });
      } catch (e) {
        if (e instanceof LifeboatError && e.code === 'REGISTRY_NOT_FOUND' && !opts.repositories) {
          warnings.push({ repo, message: `Repository ${repo} has no tags any more (or was deleted while it was listed); skipped.` });
          return;
        }
        throw e;
      }
    },
    signal,
  );
  tagLists.sort((a, b) => (a.repo < b.repo ? -1 : 1));
  return tagLists;
}

/** The manifests walked so far and the blobs they reference. */
interface ManifestWalk {
  run: ExportRun;
  blobs: Map<string, BlobNeed>;
  manifestDigests: Set<string>;
  /** digest → parsed children, so a manifest shared by tags/repos is parsed once. */
  walked: Map<string, ReturnType<typeof parseManifest>>;
}

async function fetchManifests(
  run: ExportRun,
  refs: Array<{ repo: string; tag: string }>,
): Promise<{ images: TaggedImage[]; blobs: Map<string, BlobNeed>; manifestDigests: Set<string> }> {
  const { opts, client, progress, warnings } = run;
  progress.setPhase('manifests', { blobsTotal: refs.length });
  const images: TaggedImage[] = [];
  const w: ManifestWalk = { run, blobs: new Map(), manifestDigests: new Set(), walked: new Map() };
  await runPool(
    refs,
    run.concurrency,
    async ({ repo, tag }, sig) => {
      let m;
      try {
        m = await client.getManifest(repo, tag, sig);
      } catch (e) {
        if (e instanceof LifeboatError && e.code === 'REGISTRY_NOT_FOUND' && opts.onMissingTag !== 'fail') {
          warnings.push({ repo, tag, message: `Tag ${refName(repo, tag)} was deleted while the export ran; skipped.` });
          progress.blobDone(true, refName(repo, tag));
          return;
        }
        if (e instanceof LifeboatError && e.code === 'REGISTRY_NOT_FOUND') {
          throw new LifeboatError(
            'REGISTRY_NOT_FOUND',
            `Tag ${refName(repo, tag)} was listed but is gone: it was deleted while the export ran.`,
            'Run the export again; it resumes and picks up the current tags.',
            e.details,
          );
        }
        throw e;
      }
      await walk(w, repo, m.digest, m.bytes, m.mediaType, sig, 0);
      images.push({ repo, tag, digest: m.digest, mediaType: m.mediaType, size: m.size });
      progress.blobDone(false, refName(repo, tag));
    },
    run.signal,
  );
  return { images, blobs: w.blobs, manifestDigests: w.manifestDigests };
}

async function saveManifest(w: ManifestWalk, digest: string, bytes: Buffer): Promise<void> {
  const file = blobPath(w.run.dest, digest);
  if ((await exists(file)) !== bytes.length) await writeFileAtomic(file, bytes);
  w.manifestDigests.add(digest);
}

/** Load a child manifest from disk if an earlier export saved it, else from the registry. */
async function loadChild(run: ExportRun, repo: string, d: Descriptor, sig: AbortSignal): Promise<{ bytes: Buffer; mediaType: string }> {
  const file = blobPath(run.dest, d.digest);
  // Only a file of the size the index names (and no bigger than a manifest may be) is read back.
  const size = await exists(file);
  const onDisk = size === d.size && size <= MAX_JSON_BYTES ? await fsp.readFile(file).catch(() => null) : null;
  if (onDisk && sha256Digest(onDisk) === d.digest) return { bytes: onDisk, mediaType: d.mediaType };
  const m = await run.client.getManifest(repo, d.digest, sig);
  return { bytes: m.bytes, mediaType: m.mediaType };
}

async function walk(w: ManifestWalk, repo: string, digest: string, bytes: Buffer, mediaType: string, sig: AbortSignal, depth: number): Promise<void> {
  if (depth > 4) throw new LifeboatError('ARCHIVE_INVALID', `Manifest ${digest} in ${repo} nests indexes too deeply.`);
  await saveManifest(w, digest, bytes);
  let parsed = w.walked.get(digest);
  if (!parsed) {
    parsed = parseManifest(bytes, mediaType);
    w.walked.set(digest, parsed);
  }
  for (const f of parsed.foreign) {
    w.run.warnings.push({ repo, message: `Layer ${f.digest} is a foreign (non-distributable) layer and was not copied.` });
  }
  for (const b of parsed.blobs) {
    const prev = w.blobs.get(b.digest);
    if (prev && prev.size !== b.size) {
      throw new LifeboatError(
        'ARCHIVE_INVALID',
        `Blob ${b.digest} is listed with two sizes (${prev.size} and ${b.size}).`,
        'A manifest in the registry is malformed.',
      );
    }
    if (!prev) w.blobs.set(b.digest, { digest: b.digest, size: b.size, repo });
  }
  for (const child of parsed.manifests) {
    const c = await loadChild(w.run, repo, child, sig);
    if (c.bytes.length !== child.size) {
      throw new LifeboatError('DIGEST_MISMATCH', `Manifest ${child.digest} in ${repo} is ${c.bytes.length} bytes, its index says ${child.size}.`);
    }
    await walk(w, repo, child.digest, c.bytes, child.mediaType || c.mediaType, sig, depth + 1);
  }
}

/** Which blobs are already in the layout (reused) and which to fetch, with how much of each a partial holds. */
async function planBlobs(run: ExportRun, all: BlobNeed[]): Promise<{ todo: Array<BlobNeed & { have: number }>; reused: number }> {
  const todo: Array<BlobNeed & { have: number }> = [];
  let reused = 0;
  await runPool(
    all,
    run.concurrency,
    async (b) => {
      const file = blobPath(run.dest, b.digest);
      const size = await exists(file);
      if (size === b.size) {
        if (!run.opts.verifyExisting || (await hashFile(file)).digest === b.digest) {
          reused++;
          return;
        }
      }
      if (size !== null) await fsp.rm(file, { force: true });
      const partial = (await exists(`${file}.partial`)) ?? 0;
      todo.push({ ...b, have: partial < b.size ? partial : 0 });
    },
    run.signal,
  );
  return { todo, reused };
}

async function downloadBlobs(
  run: ExportRun,
  todo: Array<BlobNeed & { have: number }>,
  blobsTotal: number,
  reused: number,
): Promise<{ fetched: number; bytesFetched: number }> {
  const { progress } = run;
  todo.sort((a, b) => b.size - a.size);
  progress.setPhase('blobs', { bytesTotal: todo.reduce((s, b) => s + b.size - b.have, 0), blobsTotal });
  for (let i = 0; i < reused; i++) progress.blobDone(true);
  const counts = { fetched: 0, bytesFetched: 0 };
  await runPool(
    todo,
    run.concurrency,
    async (b, sig) => {
      await downloadBlob(run, b, sig, counts);
      counts.fetched++;
      progress.blobDone(false, b.digest);
    },
    run.signal,
  );
  return counts;
}

async function downloadBlob(run: ExportRun, b: BlobNeed, sig: AbortSignal, counts: { bytesFetched: number }): Promise<void> {
  const file = blobPath(run.dest, b.digest);
  for (let attempt = 0; ; attempt++) {
    let got = 0;
    try {
      const n = await run.client.downloadBlob(b.repo, b.digest, b.size, file, {
        signal: sig,
        onBytes: (k) => {
          got += k;
          run.progress.addBytes(k);
        },
      });
      counts.bytesFetched += n;
      break;
    } catch (e) {
      counts.bytesFetched += got;
      // One more try for a corrupted transfer (the partial is gone, so it starts over).
      if (attempt === 0 && e instanceof LifeboatError && e.code === 'DIGEST_MISMATCH' && !sig.aborted) {
        run.progress.removeBytes(got);
        continue;
      }
      throw e;
    }
  }
}

async function writeIndex(run: ExportRun, images: TaggedImage[]): Promise<void> {
  const annotations = { 'io.lifeboat.source.registry': run.client.host, 'io.lifeboat.export.created': new Date().toISOString() };
  await writeFileAtomic(path.join(run.dest, 'index.json'), JSON.stringify(buildIndex(images, annotations), null, 2) + '\n');
  const dir = path.join(run.dest, 'blobs', 'sha256');
  for (const f of await fsp.readdir(dir)) {
    if (f.endsWith('.partial') || f.endsWith('.tmp')) await fsp.rm(path.join(dir, f), { force: true });
  }
}

/** The tar holds the layout files and the blobs `refd` names, in digest order. */
async function packTar(run: ExportRun, tarPath: string, refd: string[]): Promise<void> {
  const { dest } = run;
  const entries: TarInput[] = [
    { name: 'oci-layout', data: await fsp.readFile(path.join(dest, 'oci-layout')), size: 0 },
    { name: 'index.json', data: await fsp.readFile(path.join(dest, 'index.json')), size: 0 },
    { name: 'blobs', dir: true, size: 0 },
    { name: 'blobs/sha256', dir: true, size: 0 },
  ];
  for (const e of entries) if (e.data) e.size = e.data.length;
  let total = 0;
  for (const d of refd.sort()) {
    const file = blobPath(dest, d);
    const size = (await exists(file)) ?? 0;
    total += size;
    entries.push({ name: `blobs/sha256/${path.basename(file)}`, file, size });
  }
  run.progress.setPhase('packing', { bytesTotal: total, blobsTotal: refd.length });
  await writeTar(tarPath, entries, { onBytes: (n) => run.progress.addBytes(n), signal: run.signal });
}
