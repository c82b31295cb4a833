/**
 * The fault suite, part two (issue 14): the jobs that write — the setup wizard's apply, a registry
 * export, a re-seed — on this file's OWN lab (.lab-faults-jobs, port base 17000 or
 * LIFEBOAT_FAULTS_JOBS_PORT_BASE, flavour kurl: a cluster with its own registry and no Velero yet).
 * As in faults.test.ts, Lifeboat runs as web mode in a child process (web-child.ts) and is spoken to
 * over HTTP; each scenario breaks one thing for real and checks what happened on the objects
 * themselves (the cluster, the registries, the files), Lifeboat's report, its journal, and that
 * nothing was started twice:
 *  5. Lifeboat killed (SIGKILL) mid setup apply (Velero installed, its server being waited for) →
 *     restarted: the apply is interrupted at that phase; resuming asks for the destination's keys
 *     again (never stored), then finishes without a second `velero install`.
 *  6. Lifeboat killed mid registry export → restarted: the job is interrupted; resumed, it fetches
 *     only what was missing and the layout holds every tag of the registry with its digest.
 *  7. The registry stopped mid export (Lifeboat running): the job fails naming the registry, in
 *     bounded time; the registry back, resume completes it.
 *  8. Lifeboat killed mid re-seed → restarted: interrupted; resuming asks for the target's password
 *     again; then every tag resolves on the target to the source's digest.
 *  9. The export's disk full: refused before the first blob when the room is known to be short; a
 *     disk that fills up mid export (another program) ends in DISK_FULL, not a bug report; with room
 *     again, resume completes it.
 *
 * "Mid" is made certain, not timed: a registry is paused (SIGSTOP) once the job has moved bytes, so
 * the job cannot finish while the test breaks something; the setup apply is caught in its wait for
 * the Velero server, which lasts at least the 10 s a pod must stay Ready before it counts.
 * Scenario 9 mounts small tmpfs file systems (the machine runs the tests as root).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryJob, SetupWizard } from '../../electron/api/contract.js';
import { RegistryClient } from '../../electron/registry/client.js';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab, ports } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { makeBlobFile, pushImage, startRegistry, type TestRegistry } from '../support/registry-server.js';
import { waitUntil } from './lab.js';
import { LabDaemon } from './lab-daemon.js';
import { call, callError, cleanUp, cleanUpAll, crash, runsOf, startWeb as startWebChild, type Web } from './web-child.js';

const dir = join(repoRoot, '.lab-faults-jobs');
const portBase = Number(process.env.LIFEBOAT_FAULTS_JOBS_PORT_BASE ?? 17000);
const MB = 1024 * 1024;

let lab: LabState;
let kube: Kube;
let target: TestRegistry;
let work: string;
const figures: string[] = [];
const mounts: string[] = [];
const paused = new Set<number>();
/** A finished export (scenario 6), the source of the re-seed (scenario 8), and its size. */
let exported = '';
let exportedBytes = 0;

const startWeb = (dataDir: string, home: string): Promise<Web> =>
  startWebChild({
    lab,
    dataDir,
    home,
    readyWhat: 'Lifeboat connected, KOTS and the kURL registry detected',
    ready: (e) => e.kots.found && e.flavour === 'kurl' && !!e.kots.registry?.hasCredentials,
    env: { LIFEBOAT_REGISTRY_CA: lab.registry.caFile },
  });

// ------------------------------------------------------------------------------------------------
// Pausing and stopping registries

function pause(pid: number): void {
  process.kill(pid, 'SIGSTOP');
  paused.add(pid);
}

function resumeProcess(pid: number): void {
  if (!paused.delete(pid)) return;
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    /* gone */
  }
}

/** The cluster's "embedded" registry (the lab's docker-registry), stopped and started as a crash of its pod would. */
let labRegistry: LabDaemon;

// ------------------------------------------------------------------------------------------------
// Jobs and what they wrote

async function theJob(w: Web, id: string): Promise<RegistryJob> {
  const j = (await call(w, 'registry.jobs', {})).find((x) => x.id === id);
  expect(j, `job ${id} listed`).toBeDefined();
  return j!;
}

/** Waits until the job has moved bytes (its blobs are under way), polling often. */
async function movingBytes(w: Web, id: string): Promise<RegistryJob> {
  return waitUntil(
    `job ${id} moving bytes`,
    async () => {
      const j = await theJob(w, id);
      if (j.state !== 'running') throw new Error(`job ${id} ended before it could be broken: ${JSON.stringify(j)}`);
      return (j.progress?.bytesDone ?? 0) > 0 ? j : undefined;
    },
    120_000,
    25,
  );
}

async function ended(w: Web, id: string, timeoutMs = 180_000): Promise<RegistryJob> {
  let last: RegistryJob | undefined;
  try {
    return await waitUntil(
      `job ${id} to end`,
      async () => {
        last = await theJob(w, id);
        return last.state !== 'running' ? last : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; the job as last listed: ${JSON.stringify(last)}`);
  }
}

const registryRuns = async (w: Web, verb: 'export' | 're-seed') => (await runsOf(w, 'lifeboat-registry', verb)).length;

function labRegistryClient(): RegistryClient {
  return new RegistryClient({
    registry: lab.registry.host,
    username: lab.registry.username,
    password: lab.registry.password,
    caPem: readFileSync(lab.registry.caFile),
  });
}

/** Every tag of the lab registry with its manifest digest. */
async function registryTags(c: RegistryClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const repo of await c.catalog()) for (const tag of await c.tags(repo)) out.set(`${repo}:${tag}`, (await c.getManifest(repo, tag)).digest);
  return out;
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/** The layout on disk, checked on its own: every tag of the registry at its digest, every blob its name's hash, no partials. */
async function checkLayout(layout: string): Promise<{ tags: number; blobs: number }> {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const inLayout = new Map(index.manifests.map((m) => [m.annotations?.['org.opencontainers.image.ref.name'] ?? '', m.digest]));
  const c = labRegistryClient();
  try {
    const tags = await registryTags(c);
    for (const [ref, digest] of tags) expect(inLayout.get(ref), `${ref} in the layout`).toBe(digest);
    const files = readdirSync(join(layout, 'blobs', 'sha256'));
    expect(files.filter((f) => f.includes('.'))).toEqual([]);
    for (const f of files) expect(await sha256File(join(layout, 'blobs', 'sha256', f)), f).toBe(f);
    return { tags: tags.size, blobs: files.length };
  } finally {
    c.close();
  }
}

function mountTmpfs(at: string, bytes: number): void {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', at]);
  } catch (e) {
    throw new Error(`scenario 9 mounts a small tmpfs to fill a disk for real, which needs root: ${(e as Error).message}`);
  }
  mounts.push(at);
}

// ------------------------------------------------------------------------------------------------

beforeAll(async () => {
  await stopLab(dir); // never reuse a lab an earlier run left behind: scenario 5 needs a cluster without Velero
  [lab, target] = await Promise.all([startLab({ dir, portBase, flavour: 'kurl', log: (l) => console.log(`faults-jobs lab: ${l}`) }), startRegistry()]);
  kube = new Kube(lab.kubeconfig);
  labRegistry = new LabDaemon(dir, 'registry', ports(portBase).registry);
  work = mkdtempSync(join(tmpdir(), 'lb-faults-jobs-'));
  // An image big enough that an export or re-seed is seen moving bytes long before it ends.
  const c = labRegistryClient();
  try {
    const layers = [await makeBlobFile(join(work, 'layer-a'), 901, 48 * MB), await makeBlobFile(join(work, 'layer-b'), 902, 40 * MB)];
    await pushImage(c, 'faults/big', '1.0', layers);
  } finally {
    c.close();
  }
  for (const f of ['layer-a', 'layer-b']) rmSync(join(work, f));
}, 600_000);

afterAll(async () => {
  for (const pid of [...paused]) resumeProcess(pid);
  await cleanUpAll();
  if (labRegistry?.stopped) await labRegistry.start().catch(() => {});
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* not mounted */
    }
  }
  await target?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
  if (figures.length) console.log(`[faults-jobs] figures:\n${figures.map((f) => `  ${f}`).join('\n')}`);
  if (lab && !process.env.LIFEBOAT_LAB_KEEP) await stopLab(dir).catch(() => {});
}, 300_000);

describe('fault suite: jobs that write', () => {
  it('5. Lifeboat killed (SIGKILL) mid setup apply: restarted, interrupted at its phase; resumed with the keys again, no second velero install', async () => {
    const t0 = Date.now();
    const home = mkdtempSync(join(work, 'home-5-'));
    const dataDir = join(home, 'data');
    const destination = {
      provider: 's3-compatible' as const,
      bucket: lab.minio.bucket,
      region: lab.minio.region,
      endpoint: lab.minio.endpoint,
      prefix: 'faults-setup',
    };
    const secrets = { accessKeyId: lab.minio.accessKey, secretAccessKey: lab.minio.secretKey };
    const registryInput = (env: { host: string; namespace?: string }) => ({
      host: env.host,
      namespace: env.namespace,
      useKotsCredentials: true,
      caPath: lab.registry.caFile,
    });
    let first: Web | undefined;
    let second: Web | undefined;
    try {
      expect(await kube.getOrUndefined('/apis/apps/v1/namespaces/velero/deployments/velero')).toBeUndefined();
      first = await startWeb(dataDir, home);
      const kotsRegistry = (await call(first, 'environment.get', {}))!.kots.registry!;
      await call(first, 'setup.preflight', {});
      await call(first, 'setup.chooseMode', { mode: 'install' });
      expect((await call(first, 'setup.validateDestination', { destination, secrets })).validation?.ok).toBe(true);
      await call(first, 'setup.setRegistry', registryInput(kotsRegistry));
      await call(first, 'setup.pushImages', {});
      await waitUntil('the images pushed', async () => (await call(first!, 'setup.state', {})).images?.every((i) => i.state === 'pushed'), 120_000, 500);
      expect((await call(first, 'setup.checkImages', {})).images?.map((i) => i.state)).toEqual(['present', 'present']);
      await call(first, 'setup.review', {});
      await call(first, 'setup.apply', {});
      // Caught while Lifeboat waits for the Velero server: `velero install` has run.
      const mid = await waitUntil(
        'the apply waiting for the Velero server',
        async () => {
          const w = await call(first!, 'setup.state', {});
          const phase = (id: string) => w.apply?.phases.find((p) => p.id === id)?.state;
          if (w.apply?.state !== 'running') throw new Error(`the apply ended before the kill: ${JSON.stringify(w.apply)}`);
          return phase('install') === 'succeeded' && phase('wait-deployment') === 'running' ? w : undefined;
        },
        240_000,
        200,
      );
      const deployment = await kube.get('/apis/apps/v1/namespaces/velero/deployments/velero');

      await crash(first);
      const persisted = JSON.parse(readFileSync(join(dataDir, 'setup', 'wizard.json'), 'utf8')) as SetupWizard;
      expect(persisted.apply?.state).toBe('running');
      expect(JSON.stringify(persisted)).not.toContain(lab.minio.secretKey);

      second = await startWeb(dataDir, home);
      let w = await call(second, 'setup.state', {});
      expect(w.step).toBe('apply');
      expect(w.apply?.state).toBe('interrupted');
      expect(w.apply?.phases.find((p) => p.id === 'install')?.state).toBe('succeeded');
      expect(w.apply?.phases.find((p) => p.id === 'wait-deployment')?.state).toBe('interrupted');
      // The keys were never written down: resuming asks for them, and starting afresh is refused.
      const refused = await callError(second, 'setup.resume', {});
      expect(refused.code).toBe('WIZARD_OUT_OF_ORDER');
      expect(refused.message).toMatch(/no longer holds the destination's credentials/);
      expect((await callError(second, 'setup.apply', {})).code).toBe('SETUP_IN_PROGRESS');

      await call(second, 'setup.validateDestination', { destination, secrets });
      await call(second, 'setup.setRegistry', registryInput(kotsRegistry));
      await call(second, 'setup.resume', {});
      w = await waitUntil(
        'the resumed apply to end',
        async () => {
          const s = await call(second!, 'setup.state', {});
          return s.apply && s.apply.state !== 'running' ? s : undefined;
        },
        420_000,
        1000,
      );
      expect(w.apply!.state, JSON.stringify(w.apply, null, 1)).toBe('succeeded');
      expect(w.verification?.ok).toBe(true);

      // On the objects: the same Deployment (never installed over), the location Available at the prefix.
      const after = await kube.get('/apis/apps/v1/namespaces/velero/deployments/velero');
      expect(after.metadata.uid).toBe(deployment.metadata.uid);
      const bsl = await kube.get('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default');
      expect(bsl.status.phase).toBe('Available');
      expect(bsl.spec.objectStorage.prefix).toBe('faults-setup');
      // Nothing started twice: one `velero install` across both lives of Lifeboat.
      // (The review's `velero install --dry-run` renders the manifests and changes nothing.)
      expect((await runsOf(second, 'velero', 'install')).filter((e) => !e.args.includes('--dry-run'))).toHaveLength(1);
      figures.push(
        `5 SIGKILL mid setup apply (phase ${mid.apply!.phases.find((p) => p.state === 'running')!.id}): interrupted after restart; resume refused until the keys were given again; then succeeded, same Deployment, velero install runs 1; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      await cleanUp(first);
      await cleanUp(second);
    }
  }, 900_000);

  it('6. Lifeboat killed (SIGKILL) mid registry export: restarted, the job is interrupted; resumed, it fetches only what was missing', async () => {
    const t0 = Date.now();
    const home = mkdtempSync(join(work, 'home-6-'));
    const dataDir = join(home, 'data');
    const dest = join(home, 'export');
    const registryPid = labRegistry.pid();
    let first: Web | undefined;
    let second: Web | undefined;
    try {
      first = await startWeb(dataDir, home);
      const info = await call(first, 'registry.detect', {});
      expect(info.found && info.reachable, JSON.stringify(info.error)).toBe(true);
      expect(info.repositories.map((r) => r.name)).toContain('faults/big');
      const job = await call(first, 'registry.export', { dest });
      const moving = await movingBytes(first, job.id);
      pause(registryPid);
      await new Promise((r) => setTimeout(r, 500));
      const atKill = await theJob(first, job.id);
      expect(atKill.state).toBe('running');
      expect(atKill.progress!.bytesDone).toBeLessThan(atKill.progress!.bytesTotal);

      await crash(first);
      resumeProcess(registryPid);
      const stored = JSON.parse(readFileSync(join(dataDir, 'registry', 'jobs.json'), 'utf8')) as { jobs: Array<{ job: RegistryJob }> };
      expect(stored.jobs.map((j) => [j.job.id, j.job.state])).toEqual([[job.id, 'running']]);

      second = await startWeb(dataDir, home);
      const interrupted = await theJob(second, job.id);
      expect(interrupted.state).toBe('interrupted');
      await call(second, 'registry.resume', { jobId: job.id });
      const done = await ended(second, job.id);
      expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
      const s = done.exportSummary!;
      // Resumed, not restarted: what reached the disk before the kill was not fetched again.
      expect(s.bytesFetched).toBeLessThan(s.bytes);
      const layout = await checkLayout(dest);
      expect((await call(second, 'registry.jobs', {})).map((j) => j.id)).toEqual([job.id]);
      expect(await registryRuns(second, 'export')).toBe(2); // the killed run and the resume: one job
      exported = dest;
      exportedBytes = s.bytes;
      figures.push(
        `6 SIGKILL mid export (${(moving.progress!.bytesDone / MB).toFixed(1)} of ${(moving.progress!.bytesTotal / MB).toFixed(0)} MiB): interrupted after restart; resumed → succeeded, fetched ${(s.bytesFetched / MB).toFixed(1)} of ${(s.bytes / MB).toFixed(1)} MiB; layout: ${layout.tags} tags at the registry's digests, ${layout.blobs} blobs hash-checked; 1 job; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      resumeProcess(registryPid);
      await cleanUp(first);
      await cleanUp(second);
    }
  }, 600_000);

  it('7. the registry stopped mid export: the job fails naming the registry, Lifeboat lives on; the registry back, resume completes it', async () => {
    const t0 = Date.now();
    const home = mkdtempSync(join(work, 'home-7-'));
    const dest = join(home, 'export');
    let web: Web | undefined;
    try {
      web = await startWeb(join(home, 'data'), home);
      const job = await call(web, 'registry.export', { dest });
      await movingBytes(web, job.id);
      const tStop = Date.now();
      await labRegistry.stop();
      const failed = await ended(web, job.id, 120_000);
      const failSeconds = (Date.now() - tStop) / 1000;
      expect(failed.state).toBe('failed');
      expect(failed.error?.code).toBe('REGISTRY_UNREACHABLE');
      expect(failed.error?.message).toContain(lab.registry.host);
      // Lifeboat lives and says the same when asked about the registry now.
      const info = await call(web, 'registry.detect', {});
      expect(info.reachable).toBe(false);
      expect(info.error?.code).toBe('REGISTRY_UNREACHABLE');

      await labRegistry.start();
      await call(web, 'registry.resume', { jobId: job.id });
      const done = await ended(web, job.id);
      expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
      expect(done.exportSummary!.bytesFetched).toBeLessThan(done.exportSummary!.bytes);
      await checkLayout(dest);
      expect(await registryRuns(web, 'export')).toBe(2);
      figures.push(
        `7 registry stopped mid export: failed REGISTRY_UNREACHABLE ${failSeconds.toFixed(1)} s after the stop; registry back → resume succeeded, fetched ${(done.exportSummary!.bytesFetched / MB).toFixed(1)} of ${(done.exportSummary!.bytes / MB).toFixed(1)} MiB; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      await labRegistry.start().catch(() => {});
      await cleanUp(web);
    }
  }, 600_000);

  it('8. Lifeboat killed (SIGKILL) mid re-seed: restarted, interrupted; resuming asks for the password again, then every tag resolves to the same digest', async () => {
    const t0 = Date.now();
    expect(exported, 'scenario 6 gives the export to re-seed').toBeTruthy();
    const home = mkdtempSync(join(work, 'home-8-'));
    const dataDir = join(home, 'data');
    const caPath = join(target.certDir, 'ca.crt');
    const targetPid = target.pid()!;
    let first: Web | undefined;
    let second: Web | undefined;
    try {
      first = await startWeb(dataDir, home);
      const job = await call(first, 'registry.reseed', {
        source: exported,
        target: { registry: target.host, username: target.username, password: target.password, caPath },
      });
      const moving = await movingBytes(first, job.id);
      pause(targetPid);
      await new Promise((r) => setTimeout(r, 500));
      expect((await theJob(first, job.id)).state).toBe('running');

      await crash(first);
      resumeProcess(targetPid);
      expect(readFileSync(join(dataDir, 'registry', 'jobs.json'), 'utf8')).not.toContain(target.password);

      second = await startWeb(dataDir, home);
      expect((await theJob(second, job.id)).state).toBe('interrupted');
      const refused = await callError(second, 'registry.resume', { jobId: job.id });
      expect(refused.code).toBe('BAD_INPUT');
      expect(refused.message).toContain(`needs the password for ${target.username} again`);
      await call(second, 'registry.resume', { jobId: job.id, password: target.password });
      const done = await ended(second, job.id);
      expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
      const report = done.reseedReport!;
      expect(report.ok).toBe(true);
      expect(report.tags.every((t) => t.ok && t.actual === t.expected)).toBe(true);

      // Independently, on the registries: every tag of the source at the same digest on the target.
      const src = labRegistryClient();
      const dst = new RegistryClient({ registry: target.host, username: target.username, password: target.password, caPem: target.caPem });
      try {
        const tags = await registryTags(src);
        for (const [ref, digest] of tags) {
          const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
          expect((await dst.getManifest(repo, tag)).digest, ref).toBe(digest);
        }
        expect(report.tags).toHaveLength(tags.size);
      } finally {
        src.close();
        dst.close();
      }
      expect(await registryRuns(second, 're-seed')).toBe(2);
      figures.push(
        `8 SIGKILL mid re-seed (${(moving.progress!.bytesDone / MB).toFixed(1)} of ${(moving.progress!.bytesTotal / MB).toFixed(0)} MiB): interrupted; resume refused without the password (BAD_INPUT), then succeeded: ${report.tags.length} tags at the source's digests (${report.blobsSkipped} blobs already there); ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      resumeProcess(targetPid);
      await cleanUp(first);
      await cleanUp(second);
    }
  }, 600_000);

  it("9. the export's disk full: refused before the first blob when short; filled mid export → DISK_FULL, Lifeboat lives; room again → resume completes", async () => {
    const t0 = Date.now();
    expect(exportedBytes, 'scenario 6 measures the export').toBeGreaterThan(80 * MB);
    const home = mkdtempSync(join(work, 'home-9-'));
    const registryPid = labRegistry.pid();
    let web: Web | undefined;
    try {
      web = await startWeb(join(home, 'data'), home);

      // (a) Too small from the start: refused once the size is known, nothing fetched.
      const small = join(home, 'small');
      mountTmpfs(small, 40 * MB);
      const a = await call(web, 'registry.export', { dest: join(small, 'export') });
      const refused = await ended(web, a.id, 120_000);
      expect(refused.state).toBe('failed');
      expect(refused.error?.code).toBe('DISK_FULL');
      expect(refused.error?.message).toMatch(/^The export needs .* more in .*small\/export, but its disk has .* free\. Nothing more was fetched\.$/);
      expect(refused.error?.hint).toMatch(/Free space on the disk holding/);
      // Only the manifests (kilobytes) were written; no blob was begun.
      const written = readdirSync(join(small, 'export', 'blobs', 'sha256'));
      expect(written.some((f) => f.endsWith('.partial'))).toBe(false);
      expect(written.reduce((n, f) => n + statSync(join(small, 'export', 'blobs', 'sha256', f)).size, 0)).toBeLessThan(MB);

      // (b) Room at the start, then another program fills the disk while blobs arrive.
      const disk = join(home, 'disk');
      mountTmpfs(disk, exportedBytes + 64 * MB);
      const dest = join(disk, 'export');
      const b = await call(web, 'registry.export', { dest });
      await movingBytes(web, b.id);
      pause(registryPid);
      await new Promise((r) => setTimeout(r, 300));
      const atFill = await theJob(web, b.id);
      expect(atFill.state).toBe('running');
      expect(atFill.progress!.bytesDone).toBeLessThan(atFill.progress!.bytesTotal);
      const free = Number(execFileSync('df', ['--output=avail', '-B1', disk]).toString().trim().split('\n')[1]);
      execFileSync('fallocate', ['-l', String(free), join(disk, 'filler')]);
      resumeProcess(registryPid);
      const full = await ended(web, b.id, 120_000);
      expect(full.state).toBe('failed');
      expect(full.error?.code, full.error?.message).toBe('DISK_FULL');
      expect(full.error?.message).toBe(`The export could not write to ${dest}: its disk is full (ENOSPC). It stopped; what was written is kept.`);
      expect((await call(web, 'environment.get', {}))?.kots.found).toBe(true); // alive and answering

      rmSync(join(disk, 'filler'));
      await call(web, 'registry.resume', { jobId: b.id });
      const done = await ended(web, b.id);
      expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
      await checkLayout(dest);
      expect(existsSync(join(disk, 'filler'))).toBe(false);
      figures.push(
        `9 disk full: a 40 MiB disk refused before any blob (${refused.error!.message}); a disk filled mid export → DISK_FULL (ENOSPC); room again → resume succeeded, layout checked; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      resumeProcess(registryPid);
      await cleanUp(web);
    }
  }, 600_000);
});
