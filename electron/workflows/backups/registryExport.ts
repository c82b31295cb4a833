/**
 * "Back up now" on kURL / Embedded Cluster also exports the cluster's registry (issue 4/6: admin
 * console + application + registry in one click). The export is a registry job (origin "backup")
 * run by the registry workflow's service; this module starts it, turns its progress and end into
 * the followed backup's `registry` part, and verifies the result (the job checked every blob's
 * digest; the layout's index.json is read back here) before the backup may be called complete.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupRegistryExport, Environment, RegistryJob, RegistryJobProgress } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import type { RegistryService } from '../registry/service.js';
import type { Services } from '../services.js';

/** What Backups uses of the registry area's service (app.ts passes the app's one). */
export type BackupRegistry = Pick<RegistryService, 'startExport' | 'cancel' | 'isRunning'>;

export function registryExportOffer(env: Environment | null, dataDir: string): { offered: boolean; reason?: string; defaultDest: string } {
  const defaultDest = join(dataDir, 'registry-exports');
  if (env?.flavour === 'kurl' || env?.flavour === 'embedded-cluster') return { offered: true, defaultDest };
  return { offered: false, reason: 'Only kURL and Embedded Cluster installs have a cluster registry of their own to export.', defaultDest };
}

/** The folder of one backup's export: <base>/<kind>-<UTC time of the request>. */
export function exportDir(base: string, requestedAt: string): string {
  return join(base, `full-${requestedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`);
}

function fromProgress(r: BackupRegistryExport, p: RegistryJobProgress): BackupRegistryExport {
  return { ...r, phase: p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, blobsDone: p.blobsDone, blobsTotal: p.blobsTotal };
}

/** Reads the layout back: index.json lists one manifest per exported tag. */
export async function verifyLayout(dest: string, job: RegistryJob): Promise<{ ok: boolean; reason?: string }> {
  if (job.state !== 'succeeded' || !job.exportSummary) return { ok: false, reason: `the export ${job.state}` };
  try {
    const index = JSON.parse(await readFile(join(dest, 'index.json'), 'utf8')) as { manifests?: unknown[] };
    const n = index.manifests?.length ?? 0;
    if (n < job.exportSummary.tags) return { ok: false, reason: `index.json lists ${n} images, the export reported ${job.exportSummary.tags} tags` };
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `index.json in ${dest} cannot be read back (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
}

/**
 * Starts the export (refusals — registry not found or unreachable, destination not writable, a
 * registry job already running — throw before anything else starts) and reports every change.
 */
export async function startBackupRegistryExport(
  s: Pick<Services, 'bus'> & { registry: BackupRegistry },
  dest: string,
  onUpdate: (r: BackupRegistryExport) => void,
): Promise<{ state: BackupRegistryExport; cancel: () => Promise<void>; done: Promise<BackupRegistryExport> }> {
  const svc = s.registry;
  let started: { job: RegistryJob; done: Promise<RegistryJob> };
  try {
    started = await svc.startExport({ dest, origin: 'backup' });
  } catch (e) {
    const d = toErrorData(e);
    throw new LifeboatError(
      d.code,
      `The registry export could not start, so the backup was not started either: ${d.message}`,
      d.hint ?? 'Untick "also export the registry" to back up without it, or fix the registry access first.',
      d.details,
    );
  }
  let state: BackupRegistryExport = { state: 'running', dest, jobId: started.job.id, registry: started.job.registry };
  let last = 0;
  const off = s.bus.on((event, payload) => {
    if (event !== 'registry.progress') return;
    const p = payload as RegistryJobProgress;
    if (p.jobId !== state.jobId || state.state !== 'running') return;
    const phaseChanged = p.phase !== state.phase;
    state = fromProgress(state, p);
    // Progress comes many times a second: pass it on at most every 250 ms (and on each new phase).
    if (phaseChanged || Date.now() - last > 250) {
      last = Date.now();
      onUpdate(state);
    }
  });
  const done = started.done
    .then(async (job) => {
      off();
      const check = await verifyLayout(dest, job);
      state = {
        ...state,
        ...(job.progress ? fromProgress(state, job.progress) : {}),
        state: job.state === 'succeeded' ? 'succeeded' : job.state === 'cancelled' ? 'cancelled' : job.state === 'interrupted' ? 'interrupted' : 'failed',
        finishedAt: job.finishedAt ?? new Date().toISOString(),
        ...(job.exportSummary ? { tags: job.exportSummary.tags, bytes: job.exportSummary.bytes } : {}),
        verified: check.ok,
        ...(job.error
          ? { error: job.error }
          : !check.ok && job.state === 'succeeded'
            ? { error: { code: 'REGISTRY_FAILED', message: `The export finished but ${check.reason}.` } }
            : {}),
      };
      onUpdate(state);
      return state;
    })
    .catch((e) => {
      off();
      const d = toErrorData(e);
      state = {
        ...state,
        state: 'failed',
        finishedAt: new Date().toISOString(),
        verified: false,
        error: { code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}) },
      };
      onUpdate(state);
      return state;
    });
  onUpdate(state);
  return { state, cancel: async () => void (await svc.cancel(started.job.id)), done };
}

/** After a restart: an export that was running in the previous process is not running any more. */
export function interruptedIfGone(registry: () => BackupRegistry, r: BackupRegistryExport | undefined): BackupRegistryExport | undefined {
  if (!r || (r.state !== 'running' && r.state !== 'pending')) return r;
  if (r.jobId && registry().isRunning(r.jobId)) return r;
  return {
    ...r,
    state: 'interrupted',
    finishedAt: new Date().toISOString(),
    verified: false,
    error: {
      code: 'REGISTRY_FAILED',
      message: 'Lifeboat closed while the registry export ran.',
      hint: 'Resume the export on the Registry screen, or take a new backup with the registry.',
    },
  };
}
