/**
 * The air-gap images step: which images Velero needs, where they go in the private registry, whether
 * each is there (Distribution v2 HEAD manifest), and pushing the missing ones from Lifeboat's OCI
 * image archives (resources/images/<name>-<tag>.oci.tar). Uses the shared registry client
 * (electron/registry/client.ts) and its verified re-seed (reseed.ts), which HEADs what the registry
 * already has, uploads the rest and checks the pushed tag's digest.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SetupImage } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { RegistryClient } from '../../registry/client.js';
import { reseedRegistry } from '../../registry/reseed.js';
import { privateRef, privateRepository, requiredImages, upstreamRef, type PrivateRegistry, type StorageProvider, type UpstreamImage } from '../../velero/install.js';

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
export function planImages(veleroVersion: string, provider: StorageProvider, reg: PrivateRegistry, dir: string | undefined): SetupImage[] {
  return requiredImages(veleroVersion, provider).map((img) => {
    const archive = dir ? join(dir, archiveName(img)) : undefined;
    return {
      upstream: upstreamRef(img),
      target: privateRef(img, reg),
      role: img.role,
      archive: archive && existsSync(archive) ? archive : undefined,
      state: 'unknown',
    };
  });
}

export function client(access: RegistryAccess): RegistryClient {
  return new RegistryClient({ registry: access.host, username: access.username, password: access.password, caPem: access.caPem, retries: 1, timeoutMs: 20_000 });
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
      const head = await c.headManifest(repo, tag, signal);
      out.push(head
        ? { ...img, state: 'present', digest: head.digest || undefined, message: undefined }
        : { ...img, state: 'missing', digest: undefined, message: img.archive ? `Not in ${access.host}; Lifeboat can push it from ${img.archive.split('/').pop()}.` : `Not in ${access.host}, and Lifeboat has no archive of it.` });
    }
    return out;
  } finally {
    c.close();
  }
}

/** Push one image from its archive into the registry, renamed the way KOTS names it. */
export async function pushImage(access: RegistryAccess, img: SetupImage, onBytes: (done: number, total: number) => void, signal?: AbortSignal): Promise<SetupImage> {
  if (!img.archive) throw new LifeboatError('IMAGES_MISSING', `Lifeboat has no archive of ${img.upstream}.`, `Copy ${img.upstream} into ${img.target} with your usual mirroring tool, then check again.`);
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
    if (!result.ok || !tag) throw new LifeboatError('DIGEST_MISMATCH', `${img.target} did not verify after the push (${tag ? `${tag.actual ?? 'missing'} ≠ ${tag.expected}` : 'no tag in the archive'}).`, 'Push again; if it repeats, the registry may be rewriting manifests.');
    return { ...img, state: 'pushed', digest: tag.actual ?? tag.expected, message: `Pushed ${result.blobsUploaded} blob(s), ${result.bytesUploaded} bytes; digest verified.` };
  } finally {
    c.close();
  }
}
