/**
 * The air-gap images step: which images Velero needs, where they go in the private registry, whether
 * each is there (Distribution v2 HEAD manifest), and pushing the missing ones from Lifeboat's OCI
 * image archives (resources/images/<name>-<tag>.oci.tar). Uses the shared registry client
 * (electron/registry/client.ts) and its verified re-seed (reseed.ts), which HEADs what the registry
 * already has, uploads the rest and checks the pushed tag's digest.
 *
 * Pinned images (resources/images.lock.json, velero/imagesLock.ts): an archive is checked against
 * the lock's index digest (and its linux/amd64 and linux/arm64 manifests) before anything is
 * pushed, "present" means the pinned digest is in the registry (a tag pointing elsewhere is not
 * enough), and Velero is installed by that digest. Placeholders in the lock: by tag, as before,
 * each image marked `unverified` with the reason.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SetupImage } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { RegistryClient } from '../../registry/client.js';
import { openLayout, readIndex } from '../../registry/layout.js';
import { parseManifest, sha256Digest } from '../../registry/mediaTypes.js';
import { reseedRegistry } from '../../registry/reseed.js';
import { imagesLockFor, pinFor, type ImagesLock } from '../../velero/imagesLock.js';
import {
  privateRef,
  privateRepository,
  requiredImages,
  upstreamRef,
  type PrivateRegistry,
  type StorageProvider,
  type UpstreamImage,
} from '../../velero/install.js';

export interface RegistryAccess extends PrivateRegistry {
  username?: string;
  password?: string;
  caPem?: Buffer;
}

/** Where the app runs from, as electron/main.ts tells Binaries (electron/tools/binaries.ts). */
export interface ResourceLocation {
  packaged?: boolean;
  /** Packaged: process.resourcesPath (electron-builder's extraResources put resources/images there). */
  resourcesPath?: string;
  /** Dev: the repository root. */
  repoRoot?: string;
}

/** Where the image archives are, resolved like the bundled tools: LIFEBOAT_IMAGES_DIR; packaged:
 * <process.resourcesPath>/images (electron-builder.yml extraResources); dev: <repo>/resources/images
 * (or found upward from this module). undefined when there is none: the Images step then says
 * Lifeboat has no archive to push from. */
export function imagesDir(env: NodeJS.ProcessEnv = process.env, where: ResourceLocation = {}): string | undefined {
  if (env.LIFEBOAT_IMAGES_DIR) return resolve(env.LIFEBOAT_IMAGES_DIR);
  if (where.packaged) {
    const rp = where.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
    const packagedDir = rp ? join(rp, 'images') : undefined;
    return packagedDir && existsSync(packagedDir) ? packagedDir : undefined;
  }
  const candidates: string[] = [join(where.repoRoot ?? process.cwd(), 'resources', 'images')];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'resources', 'images'));
    dir = dirname(dir);
  }
  return candidates.find((c) => existsSync(c));
}

export function archiveName(img: UpstreamImage): string {
  return `${img.repository.split('/').pop()}-${img.tag}.oci.tar`;
}

/** The image list for this Velero version, provider and registry (state unknown until checked). */
export function planImages(
  veleroVersion: string,
  provider: StorageProvider,
  reg: PrivateRegistry,
  dir: string | undefined,
  lock: ImagesLock = imagesLockFor(),
): SetupImage[] {
  return requiredImages(veleroVersion, provider).map((img) => {
    const archive = dir ? join(dir, archiveName(img)) : undefined;
    const pin = pinFor(lock, img);
    return {
      upstream: upstreamRef(img),
      target: privateRef(img, reg),
      role: img.role,
      archive: archive && existsSync(archive) ? archive : undefined,
      state: 'unknown',
      ...(pin.pinned ? { pinned: pin.digest, pinnedPlatforms: pin.platforms } : { unverified: pin.reason }),
    };
  });
}

export function client(access: RegistryAccess): RegistryClient {
  return new RegistryClient({
    registry: access.host,
    username: access.username,
    password: access.password,
    caPem: access.caPem,
    retries: 1,
    timeoutMs: 20_000,
  });
}

function split(target: string, host: string): { repo: string; tag: string } {
  const rest = target.slice(host.length + 1);
  const i = rest.lastIndexOf(':');
  return { repo: rest.slice(0, i), tag: rest.slice(i + 1) };
}

/** HEAD each image's manifest in the registry. Registry-level failures (unreachable, auth) throw. */
export async function checkImages(access: RegistryAccess, images: SetupImage[], signal?: AbortSignal): Promise<SetupImage[]> {
  const c = client(access);
  try {
    const out: SetupImage[] = [];
    for (const img of images) {
      const { repo, tag } = split(img.target, access.host);
      if (img.pinned) {
        // Present means the pinned digest is there; a tag pointing at anything else is not the image.
        const byDigest = await c.headManifest(repo, img.pinned, signal);
        if (byDigest) {
          out.push({ ...img, state: 'present', digest: img.pinned, message: undefined });
          continue;
        }
        const byTag = await c.headManifest(repo, tag, signal);
        const have = img.archive ? `Lifeboat can push the pinned image from ${img.archive.split('/').pop()}.` : 'Lifeboat has no archive of it.';
        out.push({
          ...img,
          state: 'missing',
          digest: undefined,
          message: byTag
            ? `${img.target} is in ${access.host} but is not the pinned image (it is ${byTag.digest || 'of unknown digest'}; Lifeboat's lock pins ${img.pinned}). ${have}`
            : `Not in ${access.host}; ${have}`,
        });
        continue;
      }
      const head = await c.headManifest(repo, tag, signal);
      out.push(
        head
          ? { ...img, state: 'present', digest: head.digest || undefined, message: img.unverified ? `Present by tag only: ${img.unverified}` : undefined }
          : {
              ...img,
              state: 'missing',
              digest: undefined,
              message: img.archive
                ? `Not in ${access.host}; Lifeboat can push it from ${img.archive.split('/').pop()}.`
                : `Not in ${access.host}, and Lifeboat has no archive of it.`,
            },
      );
    }
    return out;
  } finally {
    c.close();
  }
}

/** Push one image from its archive into the registry, renamed the way KOTS names it. */
export async function pushImage(
  access: RegistryAccess,
  img: SetupImage,
  onBytes: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<SetupImage> {
  if (!img.archive)
    throw new LifeboatError(
      'IMAGES_MISSING',
      `Lifeboat has no archive of ${img.upstream}.`,
      `Copy ${img.upstream} into ${img.target} with your usual mirroring tool, then check again.`,
    );
  if (img.pinned) await verifyArchive(img.archive, img);
  const c = client(access);
  try {
    const result = await reseedRegistry({
      client: c,
      source: img.archive,
      concurrency: 2,
      mapRepository: (repo) => privateRepository({ repository: repo }, access),
      onProgress: (p) => onBytes(p.bytesDone, p.bytesTotal),
      signal,
    });
    const tag = result.tags[0];
    if (img.pinned && tag && tag.actual !== img.pinned)
      throw new LifeboatError(
        'DIGEST_MISMATCH',
        `${img.target} is ${tag.actual ?? 'missing'} after the push, not the pinned ${img.pinned}.`,
        'Push again; if it repeats, the registry may be rewriting manifests.',
      );
    if (!result.ok || !tag)
      throw new LifeboatError(
        'DIGEST_MISMATCH',
        `${img.target} did not verify after the push (${tag ? `${tag.actual ?? 'missing'} ≠ ${tag.expected}` : 'no tag in the archive'}).`,
        'Push again; if it repeats, the registry may be rewriting manifests.',
      );
    return {
      ...img,
      state: 'pushed',
      digest: tag.actual ?? tag.expected,
      message: `Pushed ${result.blobsUploaded} blob(s), ${result.bytesUploaded} bytes; digest verified.`,
    };
  } finally {
    c.close();
  }
}

/**
 * Check an archive against the lock before anything is pushed: its tag for the upstream image names
 * the pinned index digest, and that index (its bytes hashed) lists the pinned per-platform
 * manifests. The re-seed then verifies every manifest and blob against these digests.
 */
export async function verifyArchive(archive: string, img: Pick<SetupImage, 'upstream' | 'pinned' | 'pinnedPlatforms'>): Promise<void> {
  if (!img.pinned) return;
  const name = archive.split('/').pop();
  const src = await openLayout(archive);
  const { images } = readIndex(await src.readFile('index.json'));
  const i = img.upstream.lastIndexOf(':');
  const repo = img.upstream.slice(0, i);
  const tag = img.upstream.slice(i + 1);
  const entry = images.find((e) => e.tag === tag && (e.repo === repo || e.repo.split('/').pop() === repo.split('/').pop()));
  const refuse = (what: string) =>
    new LifeboatError(
      'DIGEST_MISMATCH',
      `${name} ${what}, so Lifeboat did not push it.`,
      'The archive is not the image this build pinned: use the archives shipped with this Lifeboat build (or re-create them on the build machine with scripts/fetch-images.ts).',
      { archive, expected: img.pinned },
    );
  if (!entry) throw refuse(`holds no ${img.upstream}`);
  if (entry.digest !== img.pinned) throw refuse(`holds ${img.upstream} as ${entry.digest}, not the pinned ${img.pinned}`);
  const bytes = await src.readFile(`blobs/sha256/${entry.digest.slice(7)}`);
  if (sha256Digest(bytes) !== entry.digest) throw refuse(`has a corrupted index for ${img.upstream}`);
  const parsed = parseManifest(bytes, entry.mediaType);
  for (const [platform, digest] of Object.entries(img.pinnedPlatforms ?? {})) {
    const [os, arch] = platform.split('/');
    const child = parsed.manifests.find((m) => m.platform?.os === os && m.platform?.architecture === arch);
    if (!child) throw refuse(`lists no ${platform} manifest for ${img.upstream}`);
    if (child.digest !== digest) throw refuse(`lists ${platform} as ${child.digest}, not the pinned ${digest}`);
  }
}
