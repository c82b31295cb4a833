/**
 * The registry workflow: detect the embedded registry and its backup coverage, export it to this
 * machine, re-seed a registry from an export. Export and re-seed run as jobs (one at a time) with
 * live `registry.progress` events, cancel, and resume; the job (never its secrets) is persisted in
 * dataDir before it starts.
 *
 * For other areas: `exportForBackup()` (Backups: "also export the registry") and
 * `reseedForRestore()` (Restore: re-seed on the rebuilt-cluster path) run a job to its end.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type {
  Check,
  RegistryExportInput,
  RegistryInfo,
  RegistryJob,
  RegistryJobProgress,
  RegistryPathCheck,
  RegistryReseedInput,
  RegistryTarget,
} from '../../api/contract.js';
import { readCaFile } from '../../localFile.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { RegistryClient } from '../../registry/client.js';
import { exportRegistry } from '../../registry/archive.js';
import { reseedRegistry } from '../../registry/reseed.js';
import { inspectArchive } from '../../registry/inspect.js';
import { runPool } from '../../registry/pool.js';
import type { RegistryProgress } from '../../registry/progress.js';
import type { Services } from '../services.js';
import { readRegistrySnapshot, registryAddress, registryCoverage, registryCredentials, type RegistryCredential, type RegistrySnapshot } from './detect.js';
import { normaliseRegistryHost } from '../../registry/credentials.js';
import { JobStore, type JobInputs } from './jobs.js';
import type { Journal } from '../../journal.js';
import { journalEntry } from './journal.js';

export type RegistryServiceDeps = Pick<Services, 'bus' | 'cluster' | 'detector' | 'dataDir' | 'env'> & { journal?: Pick<Journal, 'record'> };

/** The operator's confirmation of an address taken from a backup annotation (contract RegistryConfirm). */
export interface HostConfirm {
  confirmHost?: string;
  confirmPlainHttp?: boolean;
}

interface Access {
  host: string;
  hostSource?: string;
  credential?: RegistryCredential;
  caPem?: string;
  caSource: string;
}

interface Running {
  id: string;
  abort: AbortController;
  done: Promise<RegistryJob>;
}

const PROGRESS_FLUSH_MS = 3000;

function newId(kind: 'export' | 'reseed'): string {
  return `${kind === 'export' ? 'rx' : 'rs'}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function errView(e: unknown): { code: string; message: string; hint?: string } {
  const d = toErrorData(e);
  return { code: d.code, message: d.message, hint: d.hint };
}

async function readCa(file: string, what: string): Promise<string> {
  if (!path.isAbsolute(file)) throw new LifeboatError('BAD_INPUT', `The CA path "${file}" is not absolute.`, 'Give the full path of the PEM file.');
  // Only a regular file of PEM size whose certificates parse (localFile.ts): /dev/zero or a FIFO
  // would otherwise be read until memory ran out, and a garbled PEM failed later inside TLS.
  return readCaFile(file, what);
}

/** The nearest existing ancestor of a path (the path itself if it exists). */
async function nearestExisting(p: string): Promise<string> {
  let cur = p;
  for (;;) {
    if (await fsp.stat(cur).then(() => true, () => false)) return cur;
    const up = path.dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}

async function writable(dir: string): Promise<boolean> {
  return fsp.access(dir, fsc.W_OK | fsc.X_OK).then(() => true, () => false);
}

export class RegistryService {
  private readonly store: JobStore;
  private running: Running | null = null;
  /** Annotation addresses the operator confirmed in this session ("cluster|scheme://host"): in memory only. */
  private readonly confirmed = new Set<string>();
  private lastFlush = 0;

  constructor(private readonly deps: RegistryServiceDeps) {
    this.store = new JobStore(deps.dataDir);
  }

  jobs(): RegistryJob[] {
    return this.store.list().map((s) => s.job);
  }

  // ------------------------------------------------------------------ detection

  private async snapshot(): Promise<RegistrySnapshot> {
    const kc = this.deps.cluster.kubeConfig();
    const env = this.deps.detector.get();
    return readRegistrySnapshot(kc, {
      flavour: env?.flavour,
      airgapped: env?.airgap.airgapped,
      kotsNamespace: env?.kots.namespace,
      veleroNamespace: env?.velero.namespace,
      fileSystemBackup: env?.velero.fileSystemBackup?.ready,
    });
  }

  private async ca(caPath?: string): Promise<{ caPem?: string; caSource: string }> {
    if (caPath) return { caPem: await readCa(caPath, 'chosen CA'), caSource: caPath };
    const envCa = this.deps.env.LIFEBOAT_REGISTRY_CA;
    if (envCa) return { caPem: await readCa(envCa, 'LIFEBOAT_REGISTRY_CA'), caSource: `LIFEBOAT_REGISTRY_CA (${envCa})` };
    return { caSource: 'system roots' };
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

  /**
   * An address only a backup annotation names gets nothing until the operator confirms it: the
   * host (`confirmHost` equal to it) and, for http://, plain HTTP (`confirmPlainHttp`). A
   * confirmation is remembered for this cluster until Lifeboat closes.
   */
  private requireConfirmed(addr: ReturnType<typeof registryAddress>, confirm: HostConfirm = {}): void {
    if (!addr.unconfirmed || !addr.host) return;
    const key = `${this.clusterKey()}|${addr.plainHttp ? 'http' : 'https'}://${addr.host}`;
    if (this.confirmed.has(key)) return;
    const details = { host: addr.host, source: addr.source, plainHttp: !!addr.plainHttp };
    if (!confirm.confirmHost || normaliseRegistryHost(confirm.confirmHost) !== normaliseRegistryHost(addr.host)) {
      throw new LifeboatError(
        'CONFIRMATION_MISMATCH',
        `Lifeboat found no Secret registry-creds, so the registry address ${addr.host} comes only from the kots.io/embedded-registry annotation of the newest backup; no credential is sent to it until you confirm it${confirm.confirmHost ? ` (the confirmation named ${confirm.confirmHost})` : ''}.`,
        `Check that ${addr.host} is this cluster's registry, then confirm it on the Registry screen ("Use this registry (from backup annotation)"). Or restore Secret registry-creds, or re-seed into an address you enter.`,
        details,
      );
    }
    if (addr.plainHttp && !confirm.confirmPlainHttp) {
      throw new LifeboatError(
        'CONFIRMATION_MISMATCH',
        `The backup annotation names ${addr.host} over plain HTTP (http://): the registry credentials would cross the network unencrypted, so Lifeboat sends nothing there until you confirm plain HTTP too.`,
        `Confirm plain HTTP for ${addr.host} on the Registry screen only if the network to it is trusted; otherwise make the registry serve https.`,
        details,
      );
    }
    this.confirmed.add(key);
  }

  /**
   * Log in to the detected registry with the credentials issued for exactly its host, in turn
   * (registry-creds first, then KOTS's own registry Secrets), keeping the first it accepts.
   */
  private async access(snap: RegistrySnapshot, caPath?: string, confirm?: HostConfirm): Promise<{ access: Access; client: RegistryClient }> {
    const addr = registryAddress(snap);
    if (!addr.host) {
      throw new LifeboatError(
        'REGISTRY_NOT_FOUND',
        snap.flavour === 'kurl' || snap.flavour === 'embedded-cluster' ? 'Lifeboat found no address for the cluster registry (no Secret registry-creds, backup annotation or Service).' : 'This cluster has no kURL or Embedded Cluster registry.',
        'Check Secret registry-creds in the admin console namespace, or re-seed/export with an address you enter.',
      );
    }
    this.requireConfirmed(addr, confirm);
    const { caPem, caSource } = await this.ca(caPath);
    const credentials = registryCredentials(snap, addr.host);
    const tries: Array<RegistryCredential | undefined> = credentials.length ? credentials : [undefined];
    // http:// only when the annotation says so and the operator confirmed it (requireConfirmed).
    const registry = addr.unconfirmed && addr.plainHttp ? `http://${addr.host}` : addr.host;
    let lastErr: unknown;
    for (const credential of tries) {
      const client = new RegistryClient({ registry, username: credential?.username, password: credential?.password, caPem });
      try {
        await client.ping();
        return { access: { host: addr.host, hostSource: addr.source, credential, caPem, caSource }, client };
      } catch (e) {
        client.close();
        lastErr = e;
        if (!(e instanceof LifeboatError && e.code === 'REGISTRY_AUTH_FAILED')) break;
      }
    }
    if (lastErr instanceof LifeboatError && lastErr.code === 'REGISTRY_AUTH_FAILED') {
      throw new LifeboatError(
        'REGISTRY_AUTH_FAILED',
        credentials.length
          ? `The registry ${addr.host} refused the credentials issued for it in ${[...new Set(credentials.map((c) => c.source))].join(', ')}.`
          : `The registry ${addr.host} asks for a login, and no Secret holds credentials issued for ${addr.host} (credentials for other hosts are never sent to it).`,
        `Check Secret registry-creds; it must hold the user and password the registry accepts, under the key ${addr.host}.`,
      );
    }
    if (lastErr instanceof LifeboatError && lastErr.code === 'REGISTRY_UNREACHABLE' && caSource === 'system roots' && /certificate|CA/i.test(lastErr.message)) {
      throw new LifeboatError('REGISTRY_UNREACHABLE', lastErr.message, 'Give the registry CA certificate (a PEM path here, or LIFEBOAT_REGISTRY_CA) and try again.', lastErr.details);
    }
    throw lastErr;
  }

  async detect(input: { caPath?: string } & HostConfirm = {}): Promise<RegistryInfo> {
    const snap = await this.snapshot();
    const coverage: Check[] = registryCoverage(snap);
    const addr = registryAddress(snap);
    const info: RegistryInfo = {
      found: !!(snap.workload || addr.host) && (snap.flavour === 'kurl' || snap.flavour === 'embedded-cluster'),
      flavour: snap.flavour,
      namespace: snap.workload?.namespace,
      host: addr.host,
      hostSource: addr.source,
      reachable: false,
      repositories: [],
      tagCount: 0,
      coverage,
      detectedAt: new Date().toISOString(),
    };
    if (!addr.host) return info;
    let client: RegistryClient | undefined;
    try {
      const r = await this.access(snap, input.caPath, input);
      client = r.client;
      info.credentialsSource = r.access.credential?.source;
      info.caSource = r.access.caSource;
      const repos = await client.catalog();
      const counted: RegistryInfo['repositories'] = [];
      for (const name of repos.sort()) counted.push({ name, tags: (await client.tags(name).catch(() => [])).length });
      info.repositories = counted;
      info.tagCount = counted.reduce((s, r) => s + r.tags, 0);
      info.reachable = true;
    } catch (e) {
      if (e instanceof LifeboatError && e.code === 'BAD_INPUT') throw e;
      info.error = errView(e);
      if (e instanceof LifeboatError && e.code === 'CONFIRMATION_MISMATCH') {
        info.hostConfirmation = { host: addr.host, source: addr.source ?? 'a backup annotation', plainHttp: !!addr.plainHttp };
        return info;
      }
      coverage.push({ ok: false, severity: 'error', title: `Lifeboat cannot read the registry ${addr.host}`, reason: info.error.message, fix: info.error.hint });
    } finally {
      client?.close();
    }
    return info;
  }

  // ------------------------------------------------------------------ paths

  async checkDestination(dest: string, tarPath?: string): Promise<RegistryPathCheck> {
    const no = (reason: string, fix: string): RegistryPathCheck => ({ ok: false, resumable: false, reason, fix });
    if (!path.isAbsolute(dest)) return no(`"${dest}" is not an absolute path.`, 'Give the full path of a directory on this machine.');
    const st = await fsp.stat(dest).catch(() => null);
    let resumable = false;
    if (st) {
      if (!st.isDirectory()) return no(`${dest} exists and is not a directory.`, 'Choose a new or empty directory, or the directory of an earlier export.');
      const names = await fsp.readdir(dest).catch(() => null);
      if (!names) return no(`Lifeboat cannot read ${dest}.`, 'Check its permissions.');
      if (names.length && !names.includes('oci-layout')) return no(`${dest} already holds other files and is not a registry export.`, 'Choose a new or empty directory; Lifeboat does not write into folders it did not create.');
      resumable = names.includes('oci-layout');
      if (!(await writable(dest))) return no(`${dest} is not writable by this user.`, 'Choose a directory you may write to, or fix its permissions.');
    } else {
      const base = await nearestExisting(dest);
      const bst = await fsp.stat(base).catch(() => null);
      if (!bst?.isDirectory()) return no(`${base} is not a directory, so ${dest} cannot be created.`, 'Choose another location.');
      if (!(await writable(base))) return no(`${base} is not writable by this user, so ${dest} cannot be created.`, 'Choose a directory you may write to.');
    }
    if (tarPath) {
      if (!path.isAbsolute(tarPath)) return no(`"${tarPath}" is not an absolute path.`, 'Give the full path of the .tar file.');
      if (!tarPath.endsWith('.tar')) return no(`${tarPath} does not end in .tar.`, 'Name the archive something.tar.');
      const rel = path.relative(dest, tarPath);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return no('The .tar cannot be inside the export directory.', 'Put the .tar beside the directory instead.');
      const tst = await fsp.stat(tarPath).catch(() => null);
      if (tst?.isDirectory()) return no(`${tarPath} is a directory.`, 'Give a file name for the .tar.');
      const base = await nearestExisting(path.dirname(tarPath));
      if (!(await writable(base))) return no(`${path.dirname(tarPath)} is not writable by this user.`, 'Choose a directory you may write to.');
    }
    return { ok: true, resumable, reason: resumable ? 'An earlier export is here: running again continues it and adds what changed.' : undefined };
  }

  private async checkSource(source: string): Promise<void> {
    if (!path.isAbsolute(source)) throw new LifeboatError('BAD_INPUT', `"${source}" is not an absolute path.`, 'Give the full path of the export directory or .tar.');
    const st = await fsp.stat(source).catch(() => null);
    if (!st) throw new LifeboatError('ARCHIVE_INVALID', `${source} does not exist.`, 'Choose the directory or .tar a registry export wrote.');
    if (st.isDirectory() && !(await fsp.stat(path.join(source, 'index.json')).catch(() => null))) {
      throw new LifeboatError('ARCHIVE_INVALID', `${source} has no index.json: it is not a finished registry export.`, 'Run the export to this directory again to finish it, or choose another archive.');
    }
  }

  // ------------------------------------------------------------------ jobs

  private busy(): void {
    if (this.running) {
      throw new LifeboatError('REGISTRY_BUSY', 'A registry export or re-seed is already running.', 'Wait for it to finish or cancel it on the Registry screen.', { jobId: this.running.id });
    }
  }

  private publish(job: RegistryJob): void {
    this.deps.bus.emit('registry.job', job);
  }

  /** The job in the Activity journal, like a tool run (one entry per run of the job, updated at its end). */
  private record(job: RegistryJob): void {
    try {
      this.deps.journal?.record(journalEntry(job));
    } catch {
      // the journal is a record, never a reason for a job to fail
    }
  }

  private progressOf(id: string, p: RegistryProgress): RegistryJobProgress {
    return { jobId: id, ...p };
  }

  /** Run a job body with progress, persistence, cancel and a final state. */
  private launch(job: RegistryJob, inputs: JobInputs, body: (signal: AbortSignal, onProgress: (p: RegistryProgress) => void) => Promise<Partial<RegistryJob>>): Promise<{ job: RegistryJob; done: Promise<RegistryJob> }> {
    const abort = new AbortController();
    let current: RegistryJob = job;
    const onProgress = (p: RegistryProgress) => {
      const progress = this.progressOf(job.id, p);
      current = { ...current, progress };
      this.store.update(current);
      this.deps.bus.emit('registry.progress', progress);
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
        const cancelled = abort.signal.aborted || (e instanceof LifeboatError && e.code === 'CANCELLED');
        current = { ...current, state: cancelled ? 'cancelled' : 'failed', finishedAt: new Date().toISOString(), error: errView(e) };
        if (current.progress) current.progress = { ...current.progress, bytesPerSecond: 0, etaSeconds: null };
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

  /** Start an export of the detected registry. Resolves once it runs; `done` when it ends. */
  async startExport(input: RegistryExportInput, resumeOf?: RegistryJob): Promise<{ job: RegistryJob; done: Promise<RegistryJob> }> {
    this.busy();
    const dest = path.resolve(input.dest);
    const tarPath = input.tarPath ? path.resolve(input.tarPath) : undefined;
    const check = await this.checkDestination(dest, tarPath);
    if (!check.ok) throw new LifeboatError('BAD_INPUT', check.reason ?? `${dest} cannot be used.`, check.fix);
    const snap = await this.snapshot();
    const { access, client } = await this.access(snap, input.caPath, input);
    this.busy();
    const job: RegistryJob = {
      id: resumeOf?.id ?? newId('export'),
      kind: 'export',
      state: 'running',
      startedAt: new Date().toISOString(),
      registry: access.host,
      path: dest,
      tarPath,
      origin: input.origin ?? resumeOf?.origin ?? 'registry',
      progress: { jobId: '', phase: 'queued', bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0, blobsSkipped: 0, bytesPerSecond: 0, etaSeconds: null },
    };
    job.progress!.jobId = job.id;
    return this.launch(job, { caPath: input.caPath, concurrency: input.concurrency, confirmHost: input.confirmHost, confirmPlainHttp: input.confirmPlainHttp }, async (signal, onProgress) => {
      try {
        const r = await exportRegistry({ client, dest, tarPath, concurrency: input.concurrency ?? 6, signal, onProgress });
        return {
          exportSummary: {
            repositories: r.repositories,
            tags: r.images.length,
            manifests: r.manifests,
            blobs: r.blobs,
            bytes: r.bytes,
            blobsFetched: r.blobsFetched,
            bytesFetched: r.bytesFetched,
            blobsReused: r.blobsReused,
            warnings: r.warnings.map((w) => w.message),
            durationMs: r.durationMs,
          },
        };
      } finally {
        client.close();
      }
    });
  }

  private async targetClient(target: RegistryTarget): Promise<RegistryClient> {
    const caPem = target.caPath ? await readCa(target.caPath, 'target registry CA') : undefined;
    if (target.password && !target.username) throw new LifeboatError('BAD_INPUT', 'A password was given without a user name.', 'Enter the registry user name too.');
    const client = new RegistryClient({ registry: target.registry, username: target.username || undefined, password: target.password, caPem, skipTlsVerify: target.skipTlsVerify });
    try {
      await client.ping();
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** Start pushing an export into a registry (the detected one unless a target is given). */
  async startReseed(input: RegistryReseedInput, resumeOf?: RegistryJob): Promise<{ job: RegistryJob; done: Promise<RegistryJob> }> {
    this.busy();
    const source = path.resolve(input.source);
    await this.checkSource(source);
    let client: RegistryClient;
    let host: string;
    if (input.target) {
      client = await this.targetClient(input.target);
      host = client.host;
    } else {
      const r = await this.access(await this.snapshot(), input.caPath, input);
      client = r.client;
      host = r.access.host;
    }
    this.busy();
    const job: RegistryJob = {
      id: resumeOf?.id ?? newId('reseed'),
      kind: 'reseed',
      state: 'running',
      startedAt: new Date().toISOString(),
      registry: host,
      path: source,
      detectedTarget: !input.target,
      origin: input.origin ?? resumeOf?.origin ?? 'registry',
      progress: { jobId: '', phase: 'queued', bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0, blobsSkipped: 0, bytesPerSecond: 0, etaSeconds: null },
    };
    job.progress!.jobId = job.id;
    const t = input.target;
    const inputs: JobInputs = {
      caPath: input.caPath,
      concurrency: input.concurrency,
      confirmHost: t ? undefined : input.confirmHost,
      confirmPlainHttp: t ? undefined : input.confirmPlainHttp,
      target: t ? { registry: t.registry, username: t.username, caPath: t.caPath, skipTlsVerify: t.skipTlsVerify } : undefined,
    };
    return this.launch(job, inputs, async (signal, onProgress) => {
      try {
        const r = await reseedRegistry({ client, source, concurrency: input.concurrency ?? 6, signal, onProgress });
        const report = { ...r };
        if (!r.ok) {
          const bad = r.tags.filter((x) => !x.ok);
          return {
            state: 'failed',
            reseedReport: report,
            error: {
              code: 'DIGEST_MISMATCH',
              message: `${bad.length} of ${r.tags.length} tags do not resolve to the archive's digest on ${host} (first: ${bad[0]!.repo}:${bad[0]!.tag}).`,
              hint: 'Run the re-seed again; if it persists, something else is pushing to that registry.',
            },
          };
        }
        return { reseedReport: report };
      } finally {
        client.close();
      }
    });
  }

  async cancel(jobId: string): Promise<boolean> {
    if (!this.running || this.running.id !== jobId) return false;
    this.running.abort.abort();
    await this.running.done.catch(() => {});
    return true;
  }

  /** Continue an interrupted/failed/cancelled job: an export reruns into its directory (resuming), a re-seed pushes what is missing. */
  async resume(input: { jobId: string; password?: string; caPath?: string } & HostConfirm): Promise<RegistryJob> {
    const stored = this.store.get(input.jobId);
    if (!stored) throw new LifeboatError('BAD_INPUT', `There is no registry job ${input.jobId}.`, 'Refresh the Registry screen.');
    const { job, inputs } = stored;
    if (job.state === 'running') throw new LifeboatError('REGISTRY_BUSY', 'That job is still running.', 'Wait for it or cancel it.');
    if (job.kind === 'export') {
      const confirm = { confirmHost: input.confirmHost ?? inputs.confirmHost, confirmPlainHttp: input.confirmPlainHttp ?? inputs.confirmPlainHttp };
      return (await this.startExport({ dest: job.path, tarPath: job.tarPath, caPath: input.caPath ?? inputs.caPath, concurrency: inputs.concurrency, ...confirm }, job)).job;
    }
    const t = inputs.target;
    if (t?.username && !input.password) {
      throw new LifeboatError('BAD_INPUT', `Re-seeding ${t.registry} needs the password for ${t.username} again (Lifeboat never stores it).`, 'Enter the password and resume.');
    }
    return (
      await this.startReseed(
        {
          source: job.path,
          caPath: input.caPath ?? inputs.caPath,
          concurrency: inputs.concurrency,
          confirmHost: t ? undefined : (input.confirmHost ?? inputs.confirmHost),
          confirmPlainHttp: t ? undefined : (input.confirmPlainHttp ?? inputs.confirmPlainHttp),
          target: t ? { registry: t.registry, username: t.username, password: input.password, caPath: t.caPath, skipTlsVerify: t.skipTlsVerify } : undefined,
        },
        job,
      )
    ).job;
  }

  // ------------------------------------------------------------------ for other areas

  /**
   * Restore: compare an export with the detected registry (or `target`), changing nothing: every
   * tag of the archive with the digest the registry resolves it to now (null: absent).
   */
  async compareArchive(opts: { source: string; caPath?: string; target?: RegistryTarget; signal?: AbortSignal } & HostConfirm): Promise<{
    registry: string;
    registrySource?: string;
    tags: Array<{ repo: string; tag: string; digest: string; actual: string | null; present: boolean }>;
    blobs: number;
    bytes: number;
    exportedFrom?: string;
    exportedAt?: string;
  }> {
    const source = path.resolve(opts.source);
    await this.checkSource(source);
    const contents = await inspectArchive(source);
    let client: RegistryClient;
    let registrySource: string | undefined;
    if (opts.target) client = await this.targetClient(opts.target);
    else {
      const r = await this.access(await this.snapshot(), opts.caPath, opts);
      client = r.client;
      registrySource = [r.access.hostSource, r.access.credential ? `credentials from ${r.access.credential.source}` : undefined].filter(Boolean).join('; ');
    }
    try {
      const tags: Array<{ repo: string; tag: string; digest: string; actual: string | null; present: boolean }> = [];
      await runPool(
        contents.images,
        8,
        async (img, sig) => {
          const head = await client.headManifest(img.repo, img.tag, sig);
          const actual = head ? head.digest || (await client.getManifest(img.repo, img.tag, sig)).digest : null;
          tags.push({ repo: img.repo, tag: img.tag, digest: img.digest, actual, present: actual === img.digest });
        },
        opts.signal,
      );
      tags.sort((a, b) => (`${a.repo}:${a.tag}` < `${b.repo}:${b.tag}` ? -1 : 1));
      return { registry: client.host, registrySource, tags, blobs: contents.blobs, bytes: contents.bytes, exportedFrom: contents.sourceRegistry, exportedAt: contents.createdAt };
    } finally {
      client.close();
    }
  }

  /** Restore: exports that finished (newest first), as archives the re-seed step can offer. */
  async finishedExports(): Promise<Array<{ path: string; registry: string; finishedAt?: string; origin: string; tags?: number; bytes?: number }>> {
    const out: Array<{ path: string; registry: string; finishedAt?: string; origin: string; tags?: number; bytes?: number }> = [];
    const seen = new Set<string>();
    for (const j of this.jobs()) {
      if (j.kind !== 'export' || j.state !== 'succeeded') continue;
      for (const p of [j.tarPath, j.path]) {
        if (!p || seen.has(p)) continue;
        const ok = p.endsWith('.tar') ? await fsp.stat(p).then((s) => s.isFile(), () => false) : await fsp.stat(path.join(p, 'index.json')).then(() => true, () => false);
        if (!ok) continue;
        seen.add(p);
        out.push({ path: p, registry: j.registry, finishedAt: j.finishedAt, origin: j.origin, tags: j.exportSummary?.tags, bytes: j.exportSummary?.bytes });
      }
    }
    return out;
  }

  /** Restore: start a re-seed of the detected registry for the wizard; resolves once it runs. */
  startReseedForRestore(opts: { source: string; caPath?: string; target?: RegistryTarget }): Promise<{ job: RegistryJob; done: Promise<RegistryJob> }> {
    return this.startReseed({ source: opts.source, caPath: opts.caPath, target: opts.target, origin: 'restore' });
  }

  /** Is this job running in this process now? */
  isRunning(jobId: string): boolean {
    return this.running?.id === jobId;
  }

  /**
   * Backups: export the registry as part of a full backup and wait for the end. Resolves with the
   * finished job (its exportSummary); rejects with the job's error when it failed or was cancelled.
   * Progress is on `registry.progress` and the job shows on the Registry screen.
   */
  async exportForBackup(opts: { dest: string; tarPath?: string; caPath?: string; signal?: AbortSignal }): Promise<RegistryJob> {
    const { job, done } = await this.startExport({ dest: opts.dest, tarPath: opts.tarPath, caPath: opts.caPath, origin: 'backup' });
    const onAbort = () => void this.cancel(job.id);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return finishedOrThrow(await done);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Restore: re-seed the (rebuilt) cluster's registry from an export and verify every tag. */
  async reseedForRestore(opts: { source: string; target?: RegistryTarget; caPath?: string; signal?: AbortSignal }): Promise<RegistryJob> {
    const { job, done } = await this.startReseed({ source: opts.source, target: opts.target, caPath: opts.caPath, origin: 'restore' });
    const onAbort = () => void this.cancel(job.id);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return finishedOrThrow(await done);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Wait for the running job, if any (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running?.done.catch(() => {});
  }
}

function finishedOrThrow(job: RegistryJob): RegistryJob {
  if (job.state === 'succeeded') return job;
  const e = job.error;
  throw new LifeboatError((e?.code as never) ?? 'REGISTRY_FAILED', e?.message ?? `The registry ${job.kind} ${job.state}.`, e?.hint, { jobId: job.id });
}
