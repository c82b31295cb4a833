/** Exports as archives for the restore wizard: the finished ones still on disk, and one compared with a registry. */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { RegistryJob } from '../../api/contract.js';
import type { RegistryClient } from '../../registry/client.js';
import { runPool } from '../../registry/pool.js';

export interface TagComparison {
  repo: string;
  tag: string;
  digest: string;
  /** The digest the registry resolves the tag to now (null: absent). */
  actual: string | null;
  present: boolean;
}

export interface FinishedExport {
  path: string;
  registry: string;
  finishedAt?: string;
  origin: string;
  tags?: number;
  bytes?: number;
}

/** Every tag of the archive with the digest the registry resolves it to now, sorted by repo:tag. Changes nothing. */
export async function compareTags(
  client: RegistryClient,
  images: Array<{ repo: string; tag: string; digest: string }>,
  signal?: AbortSignal,
): Promise<TagComparison[]> {
  const tags: TagComparison[] = [];
  await runPool(
    images,
    8,
    async (img, sig) => {
      const head = await client.headManifest(img.repo, img.tag, sig);
      const actual = head ? head.digest || (await client.getManifest(img.repo, img.tag, sig)).digest : null;
      tags.push({ repo: img.repo, tag: img.tag, digest: img.digest, actual, present: actual === img.digest });
    },
    signal,
  );
  tags.sort((a, b) => (`${a.repo}:${a.tag}` < `${b.repo}:${b.tag}` ? -1 : 1));
  return tags;
}

/** Is this archive still there: a .tar file, or a directory with index.json? */
async function stillThere(p: string): Promise<boolean> {
  return p.endsWith('.tar')
    ? fsp.stat(p).then(
        (s) => s.isFile(),
        () => false,
      )
    : fsp.stat(path.join(p, 'index.json')).then(
        () => true,
        () => false,
      );
}

/** Exports that finished (in the order of `jobs`: newest first) whose .tar or directory is still there, each path once. */
export async function finishedExports(jobs: RegistryJob[]): Promise<FinishedExport[]> {
  const out: FinishedExport[] = [];
  const seen = new Set<string>();
  for (const j of jobs) {
    if (j.kind !== 'export' || j.state !== 'succeeded') continue;
    for (const p of [j.tarPath, j.path]) {
      if (!p || seen.has(p)) continue;
      if (!(await stillThere(p))) continue;
      seen.add(p);
      out.push({ path: p, registry: j.registry, finishedAt: j.finishedAt, origin: j.origin, tags: j.exportSummary?.tags, bytes: j.exportSummary?.bytes });
    }
  }
  return out;
}
