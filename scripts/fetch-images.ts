/**
 * Build machine: the OCI archives of the images the setup wizard pushes, pulled from upstream and
 * verified against resources/images.lock.json (the images counterpart of fetch-tools.mjs).
 *
 *   npx tsx scripts/fetch-images.ts            pull every image of the lock into resources/images/
 *                                              <name>-<tag>.oci.tar; refuses placeholders and any
 *                                              digest that differs from the lock (nothing written)
 *   npx tsx scripts/fetch-images.ts --update   the same, writing the digests upstream serves into
 *                                              the lock (review and commit the diff)
 *   options: --lock FILE  --out DIR  --only NAME (repeatable)
 *   env: LIFEBOAT_UPSTREAM_USERNAME / LIFEBOAT_UPSTREAM_PASSWORD (a Docker Hub account, for rate
 *        limits), LIFEBOAT_UPSTREAM_CA (a CA file, for a mirror standing in for upstream)
 *
 * Each archive holds the upstream image index byte for byte (so its digest is upstream's), every
 * manifest it lists and every blob those reference — all platforms, because a registry refuses an
 * index whose manifests it does not have. The lock pins the index digest and the linux/amd64 and
 * linux/arm64 manifests; every manifest and blob is checked against its digest as it arrives
 * (electron/registry/client.ts). The archive's index.json names the image "<repository>:<tag>"
 * (e.g. velero/velero:v1.18.3), which is how Lifeboat finds it (electron/workflows/setup/images.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RegistryClient } from '../electron/registry/client.js';
import { buildIndex, OCI_LAYOUT, writeTar, type TarInput } from '../electron/registry/layout.js';
import { parseManifest } from '../electron/registry/mediaTypes.js';
import { isPinned, LOCK_PLATFORMS, parseUpstream, type ImageLockEntry, type ImagesLock } from '../electron/velero/imagesLock.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface FetchImagesOptions {
  lockFile: string;
  outDir: string;
  update?: boolean;
  /** Lock entry names to fetch (default: all). */
  only?: string[];
  /** The client for an upstream registry host (default: anonymous or LIFEBOAT_UPSTREAM_* credentials). */
  clientFor?: (registry: string) => RegistryClient;
  log?: (line: string) => void;
}

export interface FetchedImage {
  name: string;
  upstream: string;
  digest: string;
  platforms: Record<string, string>;
  archive: string;
}

export function archiveFileName(entry: ImageLockEntry): string {
  const p = parseUpstream(entry.upstream);
  return `${p.repository.split('/').pop()}-${p.tag}.oci.tar`;
}

function defaultClient(registry: string): RegistryClient {
  const hub = registry === 'docker.io';
  const env = process.env;
  return new RegistryClient({
    registry: hub ? 'registry-1.docker.io' : registry,
    username: env.LIFEBOAT_UPSTREAM_USERNAME,
    password: env.LIFEBOAT_UPSTREAM_PASSWORD,
    caPem: env.LIFEBOAT_UPSTREAM_CA ? readFileSync(env.LIFEBOAT_UPSTREAM_CA) : undefined,
    tokenRealmHosts: hub ? ['auth.docker.io'] : undefined,
    timeoutMs: 120_000,
  });
}

/** The repository name an archive's index.json gives the image: upstream's path ("velero/velero"). */
function archiveRepository(repository: string): string {
  return repository.replace(/^library\//, '');
}

async function fetchOne(name: string, entry: ImageLockEntry, o: FetchImagesOptions): Promise<FetchedImage> {
  const log = o.log ?? (() => {});
  const up = parseUpstream(entry.upstream);
  if (!o.update && !isPinned(entry)) {
    throw new Error(
      `${name} (${entry.upstream}) is a placeholder in ${o.lockFile}: pin it on a build machine with \`npx tsx scripts/fetch-images.ts --update\`, review and commit the lock.`,
    );
  }
  const client = (o.clientFor ?? defaultClient)(up.registry);
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-fetch-images-'));
  try {
    const top = await client.getManifest(up.repository, up.tag);
    const index = parseManifest(top.bytes, top.mediaType);
    if (index.kind !== 'index')
      throw new Error(`${entry.upstream} is a single-platform image (${top.mediaType}); the lock pins multi-platform indexes (${LOCK_PLATFORMS.join(', ')}).`);
    const platforms: Record<string, string> = {};
    for (const p of LOCK_PLATFORMS) {
      const [os, arch] = p.split('/');
      const child = index.manifests.find((m) => m.platform?.os === os && m.platform?.architecture === arch);
      if (!child) throw new Error(`${entry.upstream} (${top.digest}) has no ${p} manifest.`);
      platforms[p] = child.digest;
    }
    if (!o.update) {
      const wrong = [
        ...(top.digest !== entry.digest ? [`index ${top.digest}, the lock pins ${entry.digest}`] : []),
        ...LOCK_PLATFORMS.filter((p) => platforms[p] !== entry.platforms[p]).map((p) => `${p} ${platforms[p]}, the lock pins ${entry.platforms[p]}`),
      ];
      if (wrong.length)
        throw new Error(
          `${entry.upstream} does not match ${o.lockFile}: ${wrong.join('; ')}. Nothing was written. If upstream re-published the tag on purpose, review it and run with --update.`,
        );
    }
    // Every manifest and blob, each checked against its digest as it arrives.
    const files = new Map<string, { file: string; size: number }>();
    const blobDir = join(work, 'blobs');
    mkdirSync(blobDir);
    const saveManifest = async (digest: string, bytes: Buffer) => {
      const file = join(blobDir, digest.slice(7));
      writeFileSync(file, bytes);
      files.set(digest, { file, size: bytes.length });
    };
    await saveManifest(top.digest, top.bytes);
    const visit = async (digest: string, depth: number): Promise<void> => {
      if (depth > 4) throw new Error(`${entry.upstream}: indexes nest too deeply.`);
      const m = await client.getManifest(up.repository, digest);
      await saveManifest(digest, m.bytes);
      const parsed = parseManifest(m.bytes, m.mediaType);
      for (const c of parsed.manifests) if (!files.has(c.digest)) await visit(c.digest, depth + 1);
      for (const b of parsed.blobs) {
        if (files.has(b.digest)) continue;
        const file = join(blobDir, b.digest.slice(7));
        await client.downloadBlob(up.repository, b.digest, b.size, file, { resumePartial: false });
        files.set(b.digest, { file, size: statSync(file).size });
      }
      if (parsed.foreign.length) log(`${name}: ${parsed.foreign.length} foreign layer(s) are not copied (as registries do).`);
    };
    for (const c of index.manifests) if (!files.has(c.digest)) await visit(c.digest, 1);

    mkdirSync(o.outDir, { recursive: true });
    const archive = join(o.outDir, archiveFileName(entry));
    const indexJson = Buffer.from(
      JSON.stringify(
        buildIndex([{ repo: archiveRepository(up.repository), tag: up.tag, digest: top.digest, mediaType: top.mediaType, size: top.size }], {
          'io.lifeboat.upstream': entry.upstream,
        }),
      ),
    );
    const layoutFile = Buffer.from(JSON.stringify(OCI_LAYOUT));
    const entries: TarInput[] = [
      { name: 'oci-layout', data: layoutFile, size: layoutFile.length },
      { name: 'index.json', data: indexJson, size: indexJson.length },
      { name: 'blobs', size: 0, dir: true },
      { name: 'blobs/sha256', size: 0, dir: true },
      ...[...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, f]) => ({ name: `blobs/sha256/${d.slice(7)}`, file: f.file, size: f.size })),
    ];
    await writeTar(archive, entries);
    log(`${name}: ${entry.upstream} ${top.digest} (${files.size} manifests and blobs) → ${archive}`);
    return { name, upstream: entry.upstream, digest: top.digest, platforms, archive };
  } finally {
    client.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function fetchImages(o: FetchImagesOptions): Promise<{ images: FetchedImage[]; lockUpdated: boolean }> {
  const lock = JSON.parse(readFileSync(o.lockFile, 'utf8')) as ImagesLock;
  const names = Object.keys(lock.images).filter((n) => !o.only?.length || o.only.includes(n));
  if (o.only?.length)
    for (const n of o.only) if (!lock.images[n]) throw new Error(`${n} is not in ${o.lockFile} (it has ${Object.keys(lock.images).join(', ')}).`);
  // Without --update, refuse every placeholder before pulling anything.
  if (!o.update) {
    const placeholders = names.filter((n) => !isPinned(lock.images[n]));
    if (placeholders.length)
      throw new Error(
        `${placeholders.join(', ')} ${placeholders.length === 1 ? 'is a placeholder' : 'are placeholders'} in ${o.lockFile}: pin them on a build machine with \`npx tsx scripts/fetch-images.ts --update\`, review and commit the lock.`,
      );
  }
  const images: FetchedImage[] = [];
  for (const n of names) images.push(await fetchOne(n, lock.images[n], o));
  let lockUpdated = false;
  if (o.update) {
    for (const img of images) {
      const e = lock.images[img.name];
      if (e.digest !== img.digest || e.placeholder || LOCK_PLATFORMS.some((p) => e.platforms[p] !== img.platforms[p])) lockUpdated = true;
      const { placeholder: _drop, ...rest } = e;
      lock.images[img.name] = { ...rest, digest: img.digest, platforms: { ...e.platforms, ...img.platforms } };
    }
    if (lockUpdated) writeFileSync(o.lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  }
  return { images, lockUpdated };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      update: { type: 'boolean', default: false },
      lock: { type: 'string', default: join(root, 'resources', 'images.lock.json') },
      out: { type: 'string', default: join(root, 'resources', 'images') },
      only: { type: 'string', multiple: true },
    },
  });
  try {
    const r = await fetchImages({
      lockFile: resolve(values.lock),
      outDir: resolve(values.out),
      update: values.update,
      only: values.only,
      log: (l) => console.log(l),
    });
    console.log(
      values.update
        ? r.lockUpdated
          ? `Wrote the digests into ${values.lock}: review and commit the diff.`
          : `${values.lock} already had these digests.`
        : `All ${r.images.length} image(s) match ${values.lock}.`,
    );
  } catch (e) {
    console.error(`fetch-images: ${(e as Error).message}`);
    process.exit(1);
  }
}
