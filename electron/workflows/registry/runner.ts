/**
 * Running registry jobs, one at a time: each is persisted (jobs.ts) before it starts and at every
 * state change, its progress published as `registry.progress` (and flushed to disk every few
 * seconds), its state as `registry.job` and in the Activity journal; cancel, and a final state
 * that says how it ended.
 */
import { randomBytes } from 'node:crypto';
import type { RegistryJob, RegistryJobProgress } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { EventBus } from '../../events.js';
import type { Journal } from '../../journal.js';
import type { RegistryProgress } from '../../registry/progress.js';
import { errView } from './detection.js';
import { JobStore, type JobInputs } from './jobs.js';
import { journalEntry } from './journal.js';

const PROGRESS_FLUSH_MS = 3000;

export type JobBody = (signal: AbortSignal, onProgress: (p: RegistryProgress) => void) => Promise<Partial<RegistryJob>>;
export interface Launched {
  job: RegistryJob;
  done: Promise<RegistryJob>;
}

interface Running {
  id: string;
  abort: AbortController;
  done: Promise<RegistryJob>;
}

export function newJobId(kind: 'export' | 'reseed'): string {
  return `${kind === 'export' ? 'rx' : 'rs'}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A job's progress before its first report. */
export function queuedProgress(jobId: string): RegistryJobProgress {
  return { jobId, phase: 'queued', bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0, blobsSkipped: 0, bytesPerSecond: 0, etaSeconds: null };
}

/** The job as it ended in an error: cancelled (by the operator) or failed, its rate and ETA cleared. */
export function failed(job: RegistryJob, e: unknown, signal: AbortSignal): RegistryJob {
  const cancelled = signal.aborted || (e instanceof LifeboatError && e.code === 'CANCELLED');
  const out: RegistryJob = { ...job, state: cancelled ? 'cancelled' : 'failed', finishedAt: new Date().toISOString(), error: errView(e) };
  if (out.progress) out.progress = { ...out.progress, bytesPerSecond: 0, etaSeconds: null };
  return out;
}

export class JobRunner {
  readonly store: JobStore;
  private running: Running | null = null;
  private lastFlush = 0;

  constructor(
    dataDir: string,
    private readonly bus: Pick<EventBus, 'emit'>,
    private readonly journal?: Pick<Journal, 'record'>,
  ) {
    this.store = new JobStore(dataDir);
  }

  jobs(): RegistryJob[] {
    return this.store.list().map((s) => s.job);
  }

  /** Refuse to start a job while another runs. */
  busy(): void {
    if (this.running) {
      throw new LifeboatError(
        'REGISTRY_BUSY',
        'A registry export or re-seed is already running.',
        'Wait for it to finish or cancel it on the Registry screen.',
        { jobId: this.running.id },
      );
    }
  }

  isRunning(jobId: string): boolean {
    return this.running?.id === jobId;
  }

  async cancel(jobId: string): Promise<boolean> {
    if (!this.running || this.running.id !== jobId) return false;
    this.running.abort.abort();
    await this.running.done.catch(() => {});
    return true;
  }

  /** Wait for the running job, if any (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running?.done.catch(() => {});
  }

  private publish(job: RegistryJob): void {
    this.bus.emit('registry.job', job);
  }

  /** The job in the Activity journal, like a tool run (one entry per run of the job, updated at its end). */
  private record(job: RegistryJob): void {
    try {
      this.journal?.record(journalEntry(job));
    } catch {
      // the journal is a record, never a reason for a job to fail
    }
  }

  /** Run a job body with progress, persistence, cancel and a final state. Resolves once it runs; `done` when it ends. */
  launch(job: RegistryJob, inputs: JobInputs, body: JobBody): Promise<Launched> {
    const abort = new AbortController();
    let current: RegistryJob = job;
    const onProgress = (p: RegistryProgress) => {
      const progress: RegistryJobProgress = { jobId: job.id, ...p };
      current = { ...current, progress };
      this.store.update(current);
      this.bus.emit('registry.progress', progress);
      if (Date.now() - this.lastFlush > PROGRESS_FLUSH_MS) {
        this.lastFlush = Date.now();
        void this.store.flush();
      }
    };
    const started = this.store.put(job, inputs).then(() => {
      this.publish(job);
      this.record(job);
    });
    const done = started.then(async () => {
      try {
        const patch = await body(abort.signal, onProgress);
        current = { ...current, ...patch, state: patch.state ?? 'succeeded', finishedAt: new Date().toISOString() };
      } catch (e) {
        current = failed(current, e, abort.signal);
      } finally {
        if (this.running?.id === job.id) this.running = null;
      }
      await this.store.put(current);
      this.publish(current);
      this.record(current);
      return current;
    });
    this.running = { id: job.id, abort, done };
    return started.then(() => ({ job, done }));
  }
}
