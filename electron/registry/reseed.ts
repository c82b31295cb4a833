/**
 * Re-seed a registry from an export (layout directory or .tar):
 *   1. read index.json and every manifest (digest and size checked, indexes recursed);
 *   2. verify every blob's sha256 on worker threads — one corrupted or missing blob refuses the
 *      whole re-seed before anything is pushed (DIGEST_MISMATCH / ARCHIVE_INVALID naming the
 *      digest) — while 3. asks the target what it already has (HEAD, only in repositories its
 *      catalog lists);
 *   4. push each missing blob once and mount it into the other repositories that need it;
 *   4. push manifests children-first (index children by digest, then the tags);
 *   5. resolve every tag on the target and compare its digest with the archive's.
 */
import { LifeboatError } from '../api/errors.js';
import type { RegistryClient } from './client.js';
import { openLayout, readIndex, type LayoutSource, type TaggedImage } from './layout.js';
import { parseManifest, refName, sha256Digest } from './mediaTypes.js';
import { runPool } from './pool.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { HashPool } from './hashpool.js';

export interface ReseedOptions {
  client: RegistryClient;
  /** A layout directory or a .tar of one. */
  source: string;
  /** Parallel uploads (default 6). */
  concurrency?: number;
  /** Blobs larger than this are uploaded in PATCH chunks of this size (default 256 MiB). */
  chunkSize?: number;
  /** Verify blobs on these worker threads (default: a pool of its own; false: on the main thread). */
  hashPool?: HashPool | false;
  /** Map archive repository names to target names (e.g. a new prefix). Default: unchanged. */
  mapRepository?: (repo: string) => string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface TagReport {
  repo: string;
  tag: string;
  expected: string;
  actual: string | null;
  ok: boolean;
}

export interface ReseedResult {
  tags: TagReport[];
  ok: boolean;
  blobsUploaded: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesUploaded: number;
  manifestsPushed: number;
  warnings: string[];
  durationMs: number;
}

interface ManifestNode {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  children: string[];
  blobs: Array<{ digest: string; size: number }>;
}

interface RepoPlan {
  repo: string;
  tags: TaggedImage[];
  /** Manifest digests, children before parents. */
  manifests: string[];
  blobs: Set<string>;
}

export async function reseedRegistry(opts: ReseedOptions): Promise<ReseedResult> {
  const t0 = Date.now();
  const { client, signal } = opts;
  const concurrency = opts.concurrency ?? 6;
  const mapRepo = opts.mapRepository ?? ((r: string) => r);
  const progress = new ProgressTracker(opts.onProgress);
  const warnings: string[] = [];
  const src: LayoutSource = await openLayout(opts.source);
  const run: ReseedRun = { opts, client, signal, concurrency, progress, warnings, src };

  // 1. Read the index and every manifest.
  progress.setPhase('reading');
  const images = await readImages(run);
  const archive = await readArchive(run, images, mapRepo);
  const { plans, blobSizes } = archive;

  // 2 + 3, side by side: verify every blob (on worker threads: a damaged or missing blob refuses
  // the whole re-seed before anything is pushed) while asking the target what it already has
  // (read-only). Repositories the target's catalog does not list hold nothing: no HEAD for those.
  const pairs: Array<{ repo: string; digest: string }> = [];
  for (const p of plans.values()) for (const d of p.blobs) pairs.push({ repo: p.repo, digest: d });
  const present = await verifyAndCheckTarget(run, blobSizes, pairs);

  // 4. Push blobs: upload each missing digest once, mount it into the other repositories.
  const { uploaded, mounted, bytesUploaded } = await pushBlobs(run, blobSizes, pairs, present);

  // 5. Manifests, children first, per repository (repositories in parallel).
  const manifestsPushed = await pushManifests(run, archive);

  // 6. Every tag must resolve to the archive's digest.
  const reports = await checkTags(run, plans);
  progress.setPhase('done');
  return {
    tags: reports,
    ok: reports.every((r) => r.ok),
    blobsUploaded: uploaded,
    blobsMounted: mounted,
    blobsSkipped: pairs.length - uploaded - mounted,
    bytesUploaded,
    manifestsPushed,
    warnings,
    durationMs: Date.now() - t0,
  };
}

/** What every phase of one re-seed shares. */
interface ReseedRun {
  opts: ReseedOptions;
  client: RegistryClient;
  signal?: AbortSignal;
  concurrency: number;
  progress: ProgressTracker;
  warnings: string[];
  src: LayoutSource;
}

/** The archive's manifests (digest and size checked), its blobs' sizes and each target repository's plan. */
interface ArchiveRead {
  manifests: Map<string, ManifestNode>;
  /** Non-manifest blobs only, once readArchive returns. */
  blobSizes: Map<string, number>;
  plans: Map<string, RepoPlan>;
}

/** The tagged images of index.json (unnamed entries are warned about and skipped). */
async function readImages({ opts, src, warnings }: ReseedRun): Promise<TaggedImage[]> {
  let indexBytes: Buffer;
  try {
    indexBytes = await src.readFile('index.json');
  } catch (e) {
    if (e instanceof LifeboatError) throw e;
    throw new LifeboatError('ARCHIVE_INVALID', `${opts.source} has no index.json.`, 'The export did not finish; run it again to complete the archive.');
  }
  const { images, unnamed } = readIndex(indexBytes);
  for (const u of unnamed) warnings.push(`Index entry ${u.digest} has no "repo:tag" name; skipped.`);
  if (!images.length) throw new LifeboatError('ARCHIVE_INVALID', `${opts.source} holds no tagged images.`, 'Choose an archive written by a registry export.');
  return images;
}

async function readArchive(run: ReseedRun, images: TaggedImage[], mapRepo: (repo: string) => string): Promise<ArchiveRead> {
  const a: ArchiveRead = { manifests: new Map(), blobSizes: new Map(), plans: new Map() };
  for (const img of images) {
    await readManifest(run, a, img.digest, img.size, img.mediaType, 0);
    const repo = mapRepo(img.repo);
    let plan = a.plans.get(repo);
    if (!plan) a.plans.set(repo, (plan = { repo, tags: [], manifests: [], blobs: new Set() }));
    plan.tags.push(img);
    const visit = (d: string) => {
      if (plan.manifests.includes(d)) return;
      const n = a.manifests.get(d)!;
      for (const c of n.children) visit(c);
      for (const b of n.blobs) plan.blobs.add(b.digest);
      plan.manifests.push(d);
    };
    visit(img.digest);
  }
  for (const d of a.manifests.keys()) a.blobSizes.delete(d);
  return a;
}

async function readManifest(run: ReseedRun, a: ArchiveRead, digest: string, size: number, mediaType: string, depth: number): Promise<ManifestNode> {
  const { src } = run;
  const known = a.manifests.get(digest);
  if (known) return known;
  if (depth > 4) throw new LifeboatError('ARCHIVE_INVALID', `Manifest ${digest} nests indexes too deeply.`);
  const have = await src.blobSize(digest);
  if (have === null)
    throw new LifeboatError('ARCHIVE_INVALID', `The archive is missing manifest ${digest}.`, 'The archive is incomplete; export it again.', { digest });
  const bytes = await src.readFile(`blobs/sha256/${digest.slice(7)}`);
  const got = sha256Digest(bytes);
  if (got !== digest || bytes.length !== size) {
    throw new LifeboatError(
      'DIGEST_MISMATCH',
      `Manifest ${digest} in the archive is corrupted (its bytes hash to ${got}, ${bytes.length} bytes).`,
      'Nothing was pushed. Export the registry again or restore the archive from a good copy.',
      {
        digest,
        actual: got,
      },
    );
  }
  const parsed = parseManifest(bytes, mediaType);
  const node: ManifestNode = { digest, mediaType: parsed.mediaType, bytes, children: [], blobs: [] };
  for (const c of parsed.manifests) {
    await readManifest(run, a, c.digest, c.size, c.mediaType, depth + 1);
    node.children.push(c.digest);
  }
  for (const b of parsed.blobs) {
    const prev = a.blobSizes.get(b.digest);
    if (prev !== undefined && prev !== b.size) throw new LifeboatError('ARCHIVE_INVALID', `Blob ${b.digest} is listed with two sizes.`);
    a.blobSizes.set(b.digest, b.size);
    node.blobs.push({ digest: b.digest, size: b.size });
  }
  for (const f of parsed.foreign) run.warnings.push(`Foreign layer ${f.digest} is not in the archive and was not pushed.`);
  a.manifests.set(digest, node);
  return node;
}

/** Verifies every blob while finding which the target holds; the first failure stops both. Returns digest → repos of the target holding it. */
async function verifyAndCheckTarget(
  run: ReseedRun,
  blobSizes: Map<string, number>,
  pairs: Array<{ repo: string; digest: string }>,
): Promise<Map<string, Set<string>>> {
  const { opts, signal, progress } = run;
  const digests = [...blobSizes.keys()].sort((a, b) => blobSizes.get(b)! - blobSizes.get(a)!);
  progress.setPhase('verifying', { bytesTotal: [...blobSizes.values()].reduce((s, n) => s + n, 0), blobsTotal: digests.length });
  const pool = opts.hashPool === false ? null : (opts.hashPool ?? new HashPool());
  const ownPool = pool && !opts.hashPool;
  const present = new Map<string, Set<string>>(); // digest → repos of the target holding it
  const both = new AbortController();
  const onOuter = () => both.abort();
  signal?.addEventListener('abort', onOuter, { once: true });
  try {
    await Promise.all([
      runPool(digests, pool ? pool.size : Math.min(run.concurrency, 4), (d) => verifyBlob(run, pool, blobSizes.get(d)!, d), both.signal).catch((e) => {
        both.abort();
        throw e;
      }),
      checkTarget(run, pairs, present, both.signal).catch((e) => {
        both.abort();
        throw e;
      }),
    ]);
  } catch (e) {
    if (signal?.aborted) throw new LifeboatError('CANCELLED', 'The registry operation was cancelled.', 'Start it again to continue where it stopped.');
    throw e;
  } finally {
    signal?.removeEventListener('abort', onOuter);
    if (ownPool) await pool.close();
  }
  return present;
}

async function verifyBlob({ src, progress }: ReseedRun, pool: HashPool | null, size: number, d: string): Promise<void> {
  const where = await src.blobLocation(d);
  if (where === null)
    throw new LifeboatError('ARCHIVE_INVALID', `The archive is missing blob ${d}.`, 'Nothing was pushed. The archive is incomplete; export it again.', {
      digest: d,
    });
  const got = pool ? await pool.hash(where.file, where.start, where.size, (n) => progress.addBytes(n)) : await src.hashBlob(d, (n) => progress.addBytes(n));
  if (got.digest !== d || got.size !== size) {
    throw new LifeboatError(
      'DIGEST_MISMATCH',
      `Blob ${d} in the archive is corrupted: its ${got.size} bytes hash to ${got.digest}.`,
      'Nothing was pushed. Export the registry again or restore the archive from a good copy.',
      { digest: d, actual: got.digest, size: got.size, expectedSize: size },
    );
  }
  progress.blobDone(false, d);
}

/** Records in `present` which (repo, blob) pairs the target already holds. */
async function checkTarget(
  { client, concurrency }: ReseedRun,
  pairs: Array<{ repo: string; digest: string }>,
  present: Map<string, Set<string>>,
  sig?: AbortSignal,
): Promise<void> {
  const listed = await client.catalog({ signal: sig, pageSize: 1000 }).then(
    (r) => new Set(r),
    () => null,
  );
  await runPool(
    listed ? pairs.filter((p) => listed.has(p.repo)) : pairs,
    concurrency * 2,
    async ({ repo, digest }, s) => {
      if (await client.headBlob(repo, digest, s)) {
        let set = present.get(digest);
        if (!set) present.set(digest, (set = new Set()));
        set.add(repo);
      }
    },
    sig,
  );
}

async function pushBlobs(
  run: ReseedRun,
  blobSizes: Map<string, number>,
  pairs: Array<{ repo: string; digest: string }>,
  present: Map<string, Set<string>>,
): Promise<{ uploaded: number; mounted: number; bytesUploaded: number }> {
  const { progress } = run;
  const byDigest = new Map<string, string[]>();
  for (const { repo, digest } of pairs) {
    if (present.get(digest)?.has(repo)) continue;
    const list = byDigest.get(digest) ?? [];
    list.push(repo);
    byDigest.set(digest, list);
  }
  const uploadBytes = [...byDigest.keys()].filter((d) => !present.has(d)).reduce((s, d) => s + blobSizes.get(d)!, 0);
  const work = [...byDigest.entries()].sort((a, b) => blobSizes.get(b[0])! - blobSizes.get(a[0])!);
  progress.setPhase('pushing-blobs', { bytesTotal: uploadBytes, blobsTotal: pairs.length });
  for (let i = 0; i < pairs.length - [...byDigest.values()].reduce((s, l) => s + l.length, 0); i++) progress.blobDone(true);
  const counts = { uploaded: 0, mounted: 0, bytesUploaded: 0 };
  await runPool(
    work,
    run.concurrency,
    async ([digest, repos], sig) => {
      let holder = present.get(digest)?.values().next().value;
      for (const repo of repos) {
        await pushBlobTo(run, repo, digest, blobSizes.get(digest)!, holder, sig, counts);
        holder ??= repo;
      }
    },
    run.signal,
  );
  return counts;
}

/** Pushes one blob into one repository, mounted from `holder` when the target has it there. */
async function pushBlobTo(
  { client, opts, progress, src }: ReseedRun,
  repo: string,
  digest: string,
  size: number,
  holder: string | undefined,
  sig: AbortSignal,
  counts: { uploaded: number; mounted: number; bytesUploaded: number },
): Promise<void> {
  let sent = 0;
  const how = await client.pushBlob(repo, digest, size, (a, b) => src.blobStream(digest, a, b), {
    mountFrom: holder,
    chunkSize: opts.chunkSize,
    signal: sig,
    onBytes: (n) => {
      sent += n;
      progress.addBytes(n);
    },
  });
  if (how === 'mounted') counts.mounted++;
  else {
    counts.uploaded++;
    counts.bytesUploaded += sent;
  }
  progress.blobDone(how === 'mounted', `${repo}@${digest}`);
}

async function pushManifests({ client, concurrency, progress, signal }: ReseedRun, { plans, manifests }: ArchiveRead): Promise<number> {
  const totalManifests = [...plans.values()].reduce((s, p) => s + p.manifests.length + p.tags.length, 0);
  progress.setPhase('pushing-manifests', { blobsTotal: totalManifests });
  let manifestsPushed = 0;
  await runPool(
    [...plans.values()],
    concurrency,
    async (plan, sig) => {
      const tagged = new Set(plan.tags.map((t) => t.digest));
      for (const d of plan.manifests) {
        // Tagged manifests are pushed by tag below; children (and untagged parents) by digest.
        if (!tagged.has(d)) {
          const n = manifests.get(d)!;
          await client.putManifest(plan.repo, d, n.bytes, n.mediaType, sig);
          manifestsPushed++;
        }
        progress.blobDone(false, `${plan.repo}@${d}`);
      }
      for (const t of plan.tags) {
        const n = manifests.get(t.digest)!;
        await client.putManifest(plan.repo, t.tag, n.bytes, n.mediaType, sig);
        manifestsPushed++;
        progress.blobDone(false, refName(plan.repo, t.tag));
      }
    },
    signal,
  );
  return manifestsPushed;
}

/** Each tag as the target resolves it, against the archive's digest; sorted by name. */
async function checkTags({ client, concurrency, progress, signal }: ReseedRun, plans: Map<string, RepoPlan>): Promise<TagReport[]> {
  const allTags = [...plans.values()].flatMap((p) => p.tags.map((t) => ({ repo: p.repo, tag: t.tag, expected: t.digest })));
  progress.setPhase('checking', { blobsTotal: allTags.length });
  const reports: TagReport[] = [];
  await runPool(
    allTags,
    concurrency,
    async (t, sig) => {
      let actual: string | null = null;
      const head = await client.headManifest(t.repo, t.tag, sig);
      if (head) actual = head.digest || (await client.getManifest(t.repo, t.tag, sig)).digest;
      reports.push({ ...t, actual, ok: actual === t.expected });
      progress.blobDone(false, refName(t.repo, t.tag));
    },
    signal,
  );
  reports.sort((a, b) => (refName(a.repo, a.tag) < refName(b.repo, b.tag) ? -1 : 1));
  return reports;
}
