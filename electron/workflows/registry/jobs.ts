/**
 * Registry jobs (export, re-seed) persisted in `<dataDir>/registry/jobs.json`, written BEFORE a
 * job runs and at every state change, so a reopened Lifeboat shows what ran and can resume it.
 * Never holds a secret: a re-seed to an entered registry keeps address, user and CA path only.
 */
import path from 'node:path';
import { z } from 'zod';
import { RegistryJob } from '../../api/contract.js';
import { bySchema, StateStore } from '../../stateFile.js';

/** What is kept beside a job to resume it (no passwords). */
export const JobInputs = z.object({
  caPath: z.string().optional(),
  concurrency: z.number().optional(),
  /** The operator's confirmation of a detected address from a backup annotation (not a secret). */
  confirmHost: z.string().optional(),
  confirmPlainHttp: z.boolean().optional(),
  target: z.object({ registry: z.string(), username: z.string().optional(), caPath: z.string().optional(), skipTlsVerify: z.boolean().optional() }).optional(),
});
export type JobInputs = z.infer<typeof JobInputs>;

const Stored = z.object({ job: RegistryJob, inputs: JobInputs });
export type StoredJob = z.infer<typeof Stored>;
const File = z.object({ version: z.literal(1), jobs: z.array(Stored) });
type File = z.infer<typeof File>;

const KEEP = 20;

export class JobStore {
  private jobs: StoredJob[] = [];
  private readonly store: StateStore<File>;

  constructor(dataDir: string) {
    this.store = new StateStore({
      file: path.join(dataDir, 'registry', 'jobs.json'),
      accept: bySchema(File),
      consequence: 'the registry job list starts empty (archives already written are untouched)',
      serialise: (f) => JSON.stringify(f, null, 2) + '\n',
    });
    // None yet: empty. Torn or foreign: moved aside and reported (stateFile.ts), never fatal.
    this.jobs = this.store.load()?.jobs ?? [];
    // A job "running" in the file ran in an app that closed: it is interrupted, and resumable.
    for (const s of this.jobs) {
      if (s.job.state === 'running')
        s.job = { ...s.job, state: 'interrupted', progress: s.job.progress ? { ...s.job.progress, bytesPerSecond: 0, etaSeconds: null } : undefined };
    }
  }

  list(): StoredJob[] {
    return [...this.jobs].sort((a, b) => (a.job.startedAt < b.job.startedAt ? 1 : -1));
  }

  get(id: string): StoredJob | undefined {
    return this.jobs.find((j) => j.job.id === id);
  }

  /** Insert or replace, then persist (awaited: the caller may rely on it being on disk). */
  async put(job: RegistryJob, inputs?: JobInputs): Promise<void> {
    const i = this.jobs.findIndex((j) => j.job.id === job.id);
    if (i >= 0) this.jobs[i] = { job, inputs: inputs ?? this.jobs[i].inputs };
    else this.jobs.push({ job, inputs: inputs ?? {} });
    const finished = this.list().filter((j) => j.job.state !== 'running' && j.job.state !== 'interrupted');
    const drop = new Set(finished.slice(KEEP).map((j) => j.job.id));
    this.jobs = this.jobs.filter((j) => !drop.has(j.job.id));
    await this.flush();
  }

  /** Progress is kept in memory and flushed at most every few seconds by the caller. */
  update(job: RegistryJob): void {
    const i = this.jobs.findIndex((j) => j.job.id === job.id);
    if (i >= 0) this.jobs[i] = { ...this.jobs[i], job };
  }

  get file(): string {
    return this.store.file;
  }

  /** Writes the list as it is now, after the writes before it (a failed write is retried by the next). */
  flush(): Promise<void> {
    return this.store.saveLater({ version: 1, jobs: this.jobs });
  }
}
