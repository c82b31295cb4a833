/**
 * The images lock (resources/images.lock.json): every image the setup wizard can push and install,
 * pinned by the digest of its upstream multi-platform index and of its linux/amd64 and linux/arm64
 * manifests. Compiled into main.js like the tools lock (electron/tools/binaries.ts).
 *
 * An entry with `"placeholder": true` (or a null digest) is not pinned: the wizard then checks and
 * installs by tag, as before, and says so; the app marks itself an unverified build (buildInfo.ts)
 * and `npm run dist` refuses it (scripts/check-dist.ts).
 */
import { readFileSync } from 'node:fs';
import lockJson from '../../resources/images.lock.json' with { type: 'json' };

/** The platforms the lock pins (the nodes Lifeboat supports). */
export const LOCK_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;

/** The command that pins the lock, on a build machine that can reach the upstream registry. */
export const IMAGES_PIN_COMMAND = 'npx tsx scripts/fetch-images.ts --update';

export interface ImageLockEntry {
  /** e.g. "docker.io/velero/velero:v1.18.3" */
  upstream: string;
  /** Not pinned yet (no digest known). */
  placeholder?: boolean;
  /** The upstream image index (manifest list) digest, "sha256:…"; null while a placeholder. */
  digest: string | null;
  /** Per-platform manifest digests listed by that index. */
  platforms: Record<string, string | null>;
}

export interface ImagesLock {
  $comment?: string[];
  images: Record<string, ImageLockEntry>;
}

export const defaultImagesLock = lockJson as unknown as ImagesLock;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface UpstreamParts {
  /** Registry host as written ("docker.io", "127.0.0.1:5000"). */
  registry: string;
  /** Repository path on that registry ("velero/velero"). */
  repository: string;
  tag: string;
}

/** "docker.io/velero/velero:v1.18.3" → docker.io, velero/velero, v1.18.3. A first segment without
 * "." or ":" (and not localhost) is a Docker Hub repository path, as docker reads references. */
export function parseUpstream(ref: string): UpstreamParts {
  const at = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  if (at <= slash) throw new Error(`Image reference ${ref} has no tag.`);
  const name = ref.slice(0, at);
  const tag = ref.slice(at + 1);
  const first = name.split('/')[0];
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasHost ? first : 'docker.io';
  let repository = hasHost ? name.slice(first.length + 1) : name;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag };
}

/** Is this entry pinned (a real index digest and every lock platform's digest)? */
export function isPinned(e: ImageLockEntry | undefined): e is ImageLockEntry & { digest: string } {
  return (
    !!e &&
    !e.placeholder &&
    typeof e.digest === 'string' &&
    DIGEST.test(e.digest) &&
    LOCK_PLATFORMS.every((p) => typeof e.platforms?.[p] === 'string' && DIGEST.test(e.platforms[p]))
  );
}

/** The lock entry for an upstream image (repository "velero/velero", tag), matched on its upstream reference. */
export function lockEntry(lock: ImagesLock, img: { repository: string; tag: string }): { name: string; entry: ImageLockEntry } | undefined {
  for (const [name, entry] of Object.entries(lock.images ?? {})) {
    let p: UpstreamParts;
    try {
      p = parseUpstream(entry.upstream);
    } catch {
      continue;
    }
    if (p.tag === img.tag && (p.repository === img.repository || p.repository.split('/').pop() === img.repository.split('/').pop())) return { name, entry };
  }
  return undefined;
}

export type ImagePin = { pinned: true; digest: string; platforms: Record<string, string> } | { pinned: false; reason: string };

/** What Lifeboat may trust for this image: its pinned digests, or why it has none. */
export function pinFor(lock: ResolvedImagesLock | ImagesLock, img: { repository: string; tag: string }): ImagePin {
  const override = (lock as ResolvedImagesLock).unenforced;
  if (override) return { pinned: false, reason: override };
  const found = lockEntry(lock, img);
  if (!found) return { pinned: false, reason: `${img.repository}:${img.tag} is not in Lifeboat's images lock: checked and installed by tag.` };
  if (!isPinned(found.entry))
    return {
      pinned: false,
      reason: `The images lock has no digest for ${img.repository}:${img.tag} yet (placeholder; unverified build): checked and installed by tag.`,
    };
  return { pinned: true, digest: found.entry.digest, platforms: found.entry.platforms as Record<string, string> };
}

/** One line per image of the lock that is not pinned. */
export function imagePlaceholders(lock: ImagesLock): string[] {
  return Object.entries(lock.images ?? {})
    .filter(([, e]) => !isPinned(e))
    .map(([name, e]) => `image ${name} (${e.upstream}) has no pinned digest`);
}

export interface ResolvedImagesLock extends ImagesLock {
  /** Set when an override means the lock is not enforced: the reason, shown per image. */
  unenforced?: string;
}

/**
 * The lock the running app enforces: LIFEBOAT_IMAGES_LOCK (a lock file: tests, a re-pinned mirror);
 * with LIFEBOAT_IMAGES_DIR alone (archives from elsewhere, like LIFEBOAT_TOOLS_DIR for the tools)
 * the lock is not enforced and images are checked and installed by tag; else the compiled lock.
 */
export function imagesLockFor(env: NodeJS.ProcessEnv = process.env): ResolvedImagesLock {
  if (env.LIFEBOAT_IMAGES_LOCK) return JSON.parse(readFileSync(env.LIFEBOAT_IMAGES_LOCK, 'utf8')) as ImagesLock;
  if (env.LIFEBOAT_IMAGES_DIR)
    return {
      ...defaultImagesLock,
      unenforced: 'LIFEBOAT_IMAGES_DIR points Lifeboat at other image archives, so the images lock is not enforced: checked and installed by tag.',
    };
  return defaultImagesLock;
}
