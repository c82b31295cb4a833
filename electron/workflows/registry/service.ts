/**
 * The registry workflow: detect the embedded registry and its backup coverage, export it to this
 * machine, re-seed a registry from an export. Export and re-seed run as jobs (one at a time) with
 * live `registry.progress` events, cancel, and resume; the job (never its secrets) is persisted in
 * dataDir before it starts.
 *
 * For other areas: `exportForBackup()` (Backups: "also export the registry") and
 * `reseedForRestore()` (Restore: re-seed on the rebuilt-cluster path) run a job to its end.
 *
 * This class is the area's one entry point; each concern lives in its own module: access.ts (CA,
 * confirmation of an annotation address, login), detection.ts (what the Registry screen shows),
 * paths.ts (destination and source checks), runner.ts (running and persisting jobs), exportJob.ts,
 * reseedJob.ts, archives.ts (exports offered to, and compared for, the restore wizard).
 */
import path from 'node:path';
import type { RegistryExportInput, RegistryInfo, RegistryJob, RegistryPathCheck, RegistryReseedInput, RegistryTarget } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { Journal } from '../../journal.js';
import type { RegistryClient } from '../../registry/client.js';
import { inspectArchive } from '../../registry/inspect.js';
import type { Services } from '../services.js';
import { chooseCa, HostConfirmations, openDetected, openTarget, type Access, type HostConfirm } from './access.js';
import { compareTags, finishedExports, type FinishedExport, type TagComparison } from './archives.js';
import { describeRegistry, readSnapshot } from './detection.js';
import type { RegistrySnapshot } from './detect.js';
import { exportBody, exportInputs, exportJob } from './exportJob.js';
import * as paths from './paths.js';
import { reseedBody, reseedInputs, reseedJob, resumeReseedInput } from './reseedJob.js';
import { JobRunner, type Launched } from './runner.js';

export type { HostConfirm } from './access.js';

export type RegistryServiceDeps = Pick<Services, 'bus' | 'cluster' | 'detector' | 'dataDir' | 'env'> & { journal?: Pick<Journal, 'record'> };

export class RegistryService {
  private readonly runner: JobRunner;
  private readonly confirmations = new HostConfirmations();

  constructor(private readonly deps: RegistryServiceDeps) {
    this.runner = new JobRunner(deps.dataDir, deps.bus, deps.journal);
  }

  jobs(): RegistryJob[] {
    return this.runner.jobs();
  }

  // ------------------------------------------------------------------ detection

  private async snapshot(): Promise<RegistrySnapshot> {
    return readSnapshot(this.deps);
  }

  /** Which cluster the confirmations belong to (a confirmation never carries over to another cluster). */
  private clusterKey(): string {
    try {
      const kc = this.deps.cluster.kubeConfig();
      return `${kc.getCurrentCluster()?.server ?? ''}|${kc.getCurrentContext()}`;
    } catch {
      return '';
    }
  }

  /** Log in to the detected registry (access.ts), once its address is confirmed where it must be. */
  private access(snap: RegistrySnapshot, caPath?: string, confirm?: HostConfirm): Promise<{ access: Access; client: RegistryClient }> {
    return openDetected(
      snap,
      (addr) => this.confirmations.require(this.clusterKey(), addr, confirm),
      () => chooseCa(this.deps.env, caPath),
    );
  }

  async detect(input: { caPath?: string } & HostConfirm = {}): Promise<RegistryInfo> {
    const snap = await this.snapshot();
    return describeRegistry(snap, () => this.access(snap, input.caPath, input));
  }

  // ------------------------------------------------------------------ paths

  checkDestination(dest: string, tarPath?: string): Promise<RegistryPathCheck> {
    return paths.checkDestination(dest, tarPath);
  }

  // ------------------------------------------------------------------ jobs

  /** Start an export of the detected registry. Resolves once it runs; `done` when it ends. */
  async startExport(input: RegistryExportInput, resumeOf?: RegistryJob): Promise<Launched> {
    this.runner.busy();
    const dest = path.resolve(input.dest);
    const tarPath = input.tarPath ? path.resolve(input.tarPath) : undefined;
    const check = await this.checkDestination(dest, tarPath);
    if (!check.ok) throw new LifeboatError('BAD_INPUT', check.reason ?? `${dest} cannot be used.`, check.fix);
    const snap = await this.snapshot();
    const { access, client } = await this.access(snap, input.caPath, input);
    this.runner.busy();
    const job = exportJob({ host: access.host, dest, tarPath, origin: input.origin, resumeOf });
    return this.runner.launch(job, exportInputs(input), exportBody(client, { dest, tarPath, concurrency: input.concurrency }));
  }

  /** The registry a re-seed or comparison goes to: the one entered, else the detected one. */
  private async destination(
    opts: { target?: RegistryTarget; caPath?: string } & HostConfirm,
  ): Promise<{ client: RegistryClient; host: string; access?: Access }> {
    if (opts.target) {
      const client = await openTarget(opts.target);
      return { client, host: client.host };
    }
    const r = await this.access(await this.snapshot(), opts.caPath, opts);
    return { client: r.client, host: r.access.host, access: r.access };
  }

  /** Start pushing an export into a registry (the detected one unless a target is given). */
  async startReseed(input: RegistryReseedInput, resumeOf?: RegistryJob): Promise<Launched> {
    this.runner.busy();
    const source = path.resolve(input.source);
    await paths.checkSource(source);
    const { client, host } = await this.destination(input);
    this.runner.busy();
    const job = reseedJob({ host, source, detectedTarget: !input.target, origin: input.origin, resumeOf });
    return this.runner.launch(job, reseedInputs(input), reseedBody(client, { source, host, concurrency: input.concurrency }));
  }

  cancel(jobId: string): Promise<boolean> {
    return this.runner.cancel(jobId);
  }

  /** Continue an interrupted/failed/cancelled job: an export reruns into its directory (resuming), a re-seed pushes what is missing. */
  async resume(input: { jobId: string; password?: string; caPath?: string } & HostConfirm): Promise<RegistryJob> {
    const stored = this.runner.store.get(input.jobId);
    if (!stored) throw new LifeboatError('BAD_INPUT', `There is no registry job ${input.jobId}.`, 'Refresh the Registry screen.');
    const { job, inputs } = stored;
    if (job.state === 'running') throw new LifeboatError('REGISTRY_BUSY', 'That job is still running.', 'Wait for it or cancel it.');
    if (job.kind === 'export') {
      const confirm = { confirmHost: input.confirmHost ?? inputs.confirmHost, confirmPlainHttp: input.confirmPlainHttp ?? inputs.confirmPlainHttp };
      return (
        await this.startExport(
          { dest: job.path, tarPath: job.tarPath, caPath: input.caPath ?? inputs.caPath, concurrency: inputs.concurrency, ...confirm },
          job,
        )
      ).job;
    }
    const t = inputs.target;
    if (t?.username && !input.password) {
      throw new LifeboatError(
        'BAD_INPUT',
        `Re-seeding ${t.registry} needs the password for ${t.username} again (Lifeboat never stores it).`,
        'Enter the password and resume.',
      );
    }
    return (await this.startReseed(resumeReseedInput(job, inputs, input), job)).job;
  }

  // ------------------------------------------------------------------ for other areas

  /**
   * Restore: compare an export with the detected registry (or `target`), changing nothing: every
   * tag of the archive with the digest the registry resolves it to now (null: absent).
   */
  async compareArchive(opts: { source: string; caPath?: string; target?: RegistryTarget; signal?: AbortSignal } & HostConfirm): Promise<{
    registry: string;
    registrySource?: string;
    tags: TagComparison[];
    blobs: number;
    bytes: number;
    exportedFrom?: string;
    exportedAt?: string;
  }> {
    const source = path.resolve(opts.source);
    await paths.checkSource(source);
    const contents = await inspectArchive(source);
    const { client, access } = await this.destination(opts);
    const registrySource = access
      ? [access.hostSource, access.credential ? `credentials from ${access.credential.source}` : undefined].filter(Boolean).join('; ')
      : undefined;
    try {
      const tags = await compareTags(client, contents.images, opts.signal);
      return {
        registry: client.host,
        registrySource,
        tags,
        blobs: contents.blobs,
        bytes: contents.bytes,
        exportedFrom: contents.sourceRegistry,
        exportedAt: contents.createdAt,
      };
    } finally {
      client.close();
    }
  }

  /** Restore: exports that finished (newest first), as archives the re-seed step can offer. */
  finishedExports(): Promise<FinishedExport[]> {
    return finishedExports(this.jobs());
  }

  /** Restore: start a re-seed of the detected registry for the wizard; resolves once it runs. */
  startReseedForRestore(opts: { source: string; caPath?: string; target?: RegistryTarget }): Promise<Launched> {
    return this.startReseed({ source: opts.source, caPath: opts.caPath, target: opts.target, origin: 'restore' });
  }

  /** Is this job running in this process now? */
  isRunning(jobId: string): boolean {
    return this.runner.isRunning(jobId);
  }

  /**
   * Backups: export the registry as part of a full backup and wait for the end. Resolves with the
   * finished job (its exportSummary); rejects with the job's error when it failed or was cancelled.
   * Progress is on `registry.progress` and the job shows on the Registry screen.
   */
  async exportForBackup(opts: { dest: string; tarPath?: string; caPath?: string; signal?: AbortSignal }): Promise<RegistryJob> {
    return this.untilEnd(await this.startExport({ dest: opts.dest, tarPath: opts.tarPath, caPath: opts.caPath, origin: 'backup' }), opts.signal);
  }

  /** Restore: re-seed the (rebuilt) cluster's registry from an export and verify every tag. */
  async reseedForRestore(opts: { source: string; target?: RegistryTarget; caPath?: string; signal?: AbortSignal }): Promise<RegistryJob> {
    return this.untilEnd(await this.startReseed({ source: opts.source, target: opts.target, caPath: opts.caPath, origin: 'restore' }), opts.signal);
  }

  /** Wait for a launched job to end (an abort of `signal` cancels it); the job when it succeeded, else its error. */
  private async untilEnd({ job, done }: Launched, signal?: AbortSignal): Promise<RegistryJob> {
    const onAbort = () => void this.cancel(job.id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return finishedOrThrow(await done);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Wait for the running job, if any (tests, shutdown). */
  idle(): Promise<void> {
    return this.runner.idle();
  }
}

function finishedOrThrow(job: RegistryJob): RegistryJob {
  if (job.state === 'succeeded') return job;
  const e = job.error;
  throw new LifeboatError((e?.code as never) ?? 'REGISTRY_FAILED', e?.message ?? `The registry ${job.kind} ${job.state}.`, e?.hint, { jobId: job.id });
}
