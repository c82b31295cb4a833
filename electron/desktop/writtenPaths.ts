/**
 * The files and folders Lifeboat itself wrote in this session (restore reports, registry exports,
 * saved reports), the only paths "Show in folder" reveals: the renderer names a path, the main
 * process checks it against this set, so a page cannot make the file manager open anything else.
 * Fed from what the app already tells the renderer (events and method replies), so nothing below
 * the wiring knows about it.
 */
import { isAbsolute, normalize } from 'node:path';
import type { FollowedBackup, RegistryJob, RestoreReport, RestoreWizard } from '../api/contract.js';

type Extract = (payload: unknown) => Array<string | undefined>;

const exportJob = (j: RegistryJob | null | undefined) => (j?.kind === 'export' && j.state === 'succeeded' ? [j.path, j.tarPath] : []);
const followed: Extract = (p) => {
  const r = (p as FollowedBackup | null)?.registry;
  return r?.state === 'succeeded' ? [r.dest] : [];
};
const wizard: Extract = (p) => [(p as RestoreWizard | null)?.run?.reportPath];

/** Where each event or method reply names a path Lifeboat wrote. */
const EXTRACT: Record<string, Extract> = {
  'registry.job': (p) => exportJob(p as RegistryJob),
  'registry.export': (p) => exportJob(p as RegistryJob),
  'registry.jobs': (p) => (p as RegistryJob[]).flatMap(exportJob),
  'backups.followed': followed,
  'restore.changed': wizard,
  'restore.state': wizard,
  'restore.report': (p) => (p as RestoreReport).savedTo,
};

/** The paths an event or a method's reply says Lifeboat wrote (absolute ones only). */
export function writtenPathsIn(name: string, payload: unknown): string[] {
  const extract = Object.prototype.hasOwnProperty.call(EXTRACT, name) ? EXTRACT[name] : undefined;
  if (!extract || payload === null || payload === undefined) return [];
  try {
    return extract(payload).filter((p): p is string => typeof p === 'string' && p !== '' && isAbsolute(p));
  } catch {
    return [];
  }
}

export class WrittenPaths {
  private readonly paths = new Set<string>();

  constructor(private readonly max = 1000) {}

  add(path: string): void {
    if (!isAbsolute(path)) return;
    const p = normalize(path);
    this.paths.delete(p);
    this.paths.add(p);
    // the oldest go first: a long session keeps the recent ones
    while (this.paths.size > this.max) this.paths.delete(this.paths.values().next().value!);
  }

  /** Notes what an event or method reply says Lifeboat wrote. */
  note(name: string, payload: unknown): void {
    for (const p of writtenPathsIn(name, payload)) this.add(p);
  }

  /** Whether Lifeboat wrote exactly this path (after normalising `a/./b`, `a//b`, `a/x/../b`). */
  has(path: string): boolean {
    return isAbsolute(path) && this.paths.has(normalize(path));
  }
}
