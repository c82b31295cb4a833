/**
 * The Registry screen's state: the detected registry and its backup coverage, export/re-seed jobs
 * and their live progress (from `registry.job` / `registry.progress`). Passwords entered for a
 * re-seed go straight into the call and are never kept here.
 */
import type { MethodInput, RegistryInfo, RegistryJob, RegistryJobProgress, RegistryPathCheck } from '../../electron/api/contract.js';
import type { ApiClient } from '../api.js';
import { toErrorView } from './errors.js';
import type { ErrorView, GetState, SetState, StoreDeps } from './types.js';

export interface RegistrySlice {
  registryInfo: RegistryInfo | null;
  registryPending: 'detect' | null;
  registryError: ErrorView | null;
  /** Newest first. */
  registryJobs: RegistryJob[];
  /** What the export/re-seed panels are waiting for. */
  registryAction: 'export' | 'reseed' | 'cancel' | 'resume' | null;
  registryActionError: { kind: 'export' | 'reseed' | 'jobs'; error: ErrorView } | null;
  registryDestCheck: RegistryPathCheck | null;
  /** The operator confirmed the address a backup annotation names (sent with the next calls). */
  registryConfirm: RegistryConfirm | null;
  /** Detect; `confirm` confirms an address from a backup annotation (RegistryInfo.hostConfirmation). */
  detectRegistry(caPath?: string, confirm?: RegistryConfirm): Promise<void>;
  loadRegistryJobs(): Promise<void>;
  checkRegistryDestination(dest: string, tarPath?: string): Promise<void>;
  startRegistryExport(input: MethodInput<'registry.export'>): Promise<RegistryJob | null>;
  startRegistryReseed(input: MethodInput<'registry.reseed'>): Promise<RegistryJob | null>;
  cancelRegistryJob(jobId: string): Promise<void>;
  resumeRegistryJob(jobId: string, password?: string): Promise<void>;
  dismissRegistryActionError(): void;
}

export interface RegistryConfirm {
  confirmHost: string;
  confirmPlainHttp?: boolean;
}

const byNewest = (a: RegistryJob, b: RegistryJob) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);

/**
 * Which of two copies of the same job is current. A call's reply can arrive after the job's own
 * events (a fast export may already be finished): a reply of the same run never rolls it back.
 * A resumed job has the same id and a later startedAt, so it replaces the finished one.
 */
export function newerJob(have: RegistryJob, got: RegistryJob): RegistryJob {
  if (got.startedAt !== have.startedAt) return got.startedAt > have.startedAt ? got : have;
  if (have.state !== 'running' && got.state === 'running') return have;
  if (have.state === 'running' && got.state === 'running' && have.progress && (!got.progress || got.progress.phase === 'queued'))
    return { ...got, progress: have.progress };
  return got;
}

/** Insert or replace a job by id (newest first), never rolling a job back (see newerJob). */
export function upsertJob(jobs: RegistryJob[], job: RegistryJob): RegistryJob[] {
  const i = jobs.findIndex((j) => j.id === job.id);
  const next = i === -1 ? [job, ...jobs] : jobs.map((j, k) => (k === i ? newerJob(j, job) : j));
  return next.sort(byNewest);
}

export function applyProgress(jobs: RegistryJob[], p: RegistryJobProgress): RegistryJob[] {
  const i = jobs.findIndex((j) => j.id === p.jobId);
  if (i === -1 || jobs[i].state !== 'running') return jobs;
  return jobs.map((j, k) => (k === i ? { ...j, progress: p } : j));
}

export function createRegistrySlice(set: SetState, get: GetState, deps: StoreDeps): RegistrySlice {
  const { api, notify } = deps;

  async function act<T>(kind: 'export' | 'reseed' | 'cancel' | 'resume', errKind: 'export' | 'reseed' | 'jobs', fn: () => Promise<T>): Promise<T | null> {
    set({ registryAction: kind, registryActionError: null });
    try {
      return await fn();
    } catch (err) {
      const view = toErrorView(err);
      set({ registryActionError: { kind: errKind, error: view } });
      notify?.(
        kind === 'export' ? 'Export did not start' : kind === 'reseed' ? 'Re-seed did not start' : kind === 'cancel' ? 'Could not cancel' : 'Could not resume',
        view,
      );
      return null;
    } finally {
      set({ registryAction: null });
    }
  }

  return {
    registryInfo: null,
    registryPending: null,
    registryError: null,
    registryJobs: [],
    registryAction: null,
    registryActionError: null,
    registryDestCheck: null,
    registryConfirm: null,
    async detectRegistry(caPath, confirm) {
      // A confirmation holds for the call that makes it; the main process remembers it for this cluster.
      set({ registryPending: 'detect', registryError: null, registryConfirm: confirm ?? null });
      try {
        set({ registryInfo: await api.call('registry.detect', { ...(caPath ? { caPath } : {}), ...(confirm ?? {}) }) });
      } catch (err) {
        set({ registryError: toErrorView(err) });
      } finally {
        set({ registryPending: null });
      }
    },
    async loadRegistryJobs() {
      try {
        const listed = await api.call('registry.jobs', {});
        // Keep live updates that arrived during the call.
        set((s) => ({ registryJobs: listed.reduce((acc, j) => upsertJob(acc, j), s.registryJobs) }));
      } catch (err) {
        set({ registryActionError: { kind: 'jobs', error: toErrorView(err) } });
      }
    },
    async checkRegistryDestination(dest, tarPath) {
      if (!dest.trim()) return set({ registryDestCheck: null });
      try {
        set({ registryDestCheck: await api.call('registry.checkDestination', { dest: dest.trim(), tarPath: tarPath?.trim() || undefined }) });
      } catch (err) {
        const e = toErrorView(err);
        set({ registryDestCheck: { ok: false, resumable: false, reason: e.message, fix: e.hint } });
      }
    },
    async startRegistryExport(input) {
      const job = await act('export', 'export', () => api.call('registry.export', { ...(get().registryConfirm ?? {}), ...input }));
      if (job) set((s) => ({ registryJobs: upsertJob(s.registryJobs, job) }));
      return job;
    },
    async startRegistryReseed(input) {
      const job = await act('reseed', 'reseed', () => api.call('registry.reseed', input.target ? input : { ...(get().registryConfirm ?? {}), ...input }));
      if (job) set((s) => ({ registryJobs: upsertJob(s.registryJobs, job) }));
      return job;
    },
    async cancelRegistryJob(jobId) {
      await act('cancel', get().registryJobs.find((j) => j.id === jobId)?.kind ?? 'jobs', () => api.call('registry.cancel', { jobId }));
    },
    async resumeRegistryJob(jobId, password) {
      const kind = get().registryJobs.find((j) => j.id === jobId)?.kind ?? 'jobs';
      const job = await act('resume', kind, () => api.call('registry.resume', { jobId, ...(password ? { password } : {}), ...(get().registryConfirm ?? {}) }));
      if (job) set((s) => ({ registryJobs: upsertJob(s.registryJobs, job) }));
    },
    dismissRegistryActionError: () => set({ registryActionError: null }),
  };
}

/** Feeds the slice from the contract's registry events; returns the unsubscribes. */
export function subscribeRegistry(api: ApiClient, set: SetState): Array<() => void> {
  return [
    api.subscribe('registry.job', (job) => set((s) => ({ registryJobs: upsertJob(s.registryJobs, job) }))),
    api.subscribe('registry.progress', (p) => set((s) => ({ registryJobs: applyProgress(s.registryJobs, p) }))),
  ];
}
