/**
 * The registry area end to end through its contract handlers, against this file's OWN lab in the
 * Embedded Cluster flavour (air gap: the lab registry holds the admin console and sample app
 * images): detection and backup coverage, export to a layout (progress, persisted job, resume),
 * re-seed into a fresh registry (test/support/registry-server.ts) with every tag's digest checked.
 *
 * Port base: 31000 (LIFEBOAT_REGISTRY_LAB_PORT_BASE overrides it when that block is taken).
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, RegistryInfo, RegistryJob, RegistryJobProgress } from '../../electron/api/contract';
import { createApp, type App } from '../../electron/app';
import { dispatch } from '../../electron/transport/dispatch';
import { RegistryClient } from '../../electron/registry/client';
import { startLab, stopLab } from '../lab/lab';
import { repoRoot, type LabState } from '../lab/state';
import { startRegistry, type TestRegistry } from '../support/registry-server';

const labDir = join(repoRoot, '.lab-registry');
const portBase = Number(process.env.LIFEBOAT_REGISTRY_LAB_PORT_BASE ?? 31000);

let lab: LabState;
let app: App;
let home: string;
let target: TestRegistry;
const events: Array<{ event: EventName; payload: unknown }> = [];

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await dispatch(app.handlers, method, input);
  if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { data: r.error });
  return r.result as T;
}

async function callError(method: string, input: unknown) {
  const r = await dispatch(app.handlers, method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
}

function finished(id: string, timeoutMs = 120_000): Promise<RegistryJob> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`job ${id} did not finish`)), timeoutMs);
    const off = app.bus.on((e, p) => {
      const j = p as RegistryJob;
      if (e === 'registry.job' && j.id === id && j.state !== 'running') {
        clearTimeout(t);
        off();
        resolve(j);
      }
    });
  });
}

function newApp(dataDir: string): App {
  return createApp({
    dataDir,
    mode: 'web',
    version: 'test',
    toolsDir: lab.toolsDir,
    kubeconfig: lab.kubeconfig,
    env: { LIFEBOAT_REGISTRY_CA: lab.registry.caFile },
  });
}

beforeAll(async () => {
  [lab, target] = await Promise.all([
    startLab({ dir: labDir, portBase, flavour: 'embedded-cluster', log: (l) => console.log(`registry lab: ${l}`) }),
    startRegistry(),
  ]);
  home = mkdtempSync(join(tmpdir(), 'lb-int-registry-'));
  app = newApp(join(home, 'data'));
  app.bus.on((event, payload) => events.push({ event, payload }));
  await app.start();
  // Detection of the flavour/air gap runs in the background; the registry screen waits for it too.
  for (let i = 0; i < 100 && app.detector.get()?.flavour !== 'embedded-cluster'; i++) await new Promise((r) => setTimeout(r, 200));
}, 300_000);

afterAll(async () => {
  await app?.dispose();
  await target?.destroy();
  if (home) rmSync(home, { recursive: true, force: true });
  if (lab && !process.env.LIFEBOAT_LAB_KEEP) await stopLab(labDir);
}, 120_000);

describe('registry flow against an Embedded Cluster lab', () => {
  let info: RegistryInfo;
  const layout = () => join(home, 'export', 'registry');

  it('detects the registry, logs in and reports what full backups cover', async () => {
    info = await call<RegistryInfo>('registry.detect', {});
    expect(info).toMatchObject({ found: true, flavour: 'embedded-cluster', namespace: 'registry', host: lab.registry.host, reachable: true });
    expect(info.hostSource).toContain('registry-creds');
    expect(info.credentialsSource).toMatch(/^Secret kotsadm\//);
    expect(info.caSource).toContain('LIFEBOAT_REGISTRY_CA');
    expect(info.repositories.map((r) => r.name)).toEqual(expect.arrayContaining(['lifeboat/kotsadm', 'lifeboat/sample-web', 'lifeboat/sample-db']));
    expect(info.tagCount).toBeGreaterThanOrEqual(3);
    const byTitle = new Map(info.coverage.map((c) => [c.title, c]));
    expect(byTitle.get('Namespace registry is in full backups')?.ok).toBe(true);
    expect(byTitle.get('Registry matched by the full-backup label selectors')?.ok).toBe(true);
    expect(byTitle.get('Secret registry-creds is in full backups')?.ok).toBe(true);
    const images = byTitle.get('Registry images are not in full backups');
    expect(images).toMatchObject({ ok: false, severity: 'error' });
    expect(images!.fix).toMatch(/Export the registry with Lifeboat/);
    // Credentials never cross the API.
    expect(JSON.stringify(info)).not.toContain(lab.registry.password);
  });

  it('refuses destinations it must not write to, before touching anything', async () => {
    expect(await call('registry.checkDestination', { dest: 'relative/dir' })).toMatchObject({ ok: false });
    const foreign = join(home, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    expect(await call('registry.checkDestination', { dest: foreign })).toMatchObject({ ok: false, reason: expect.stringMatching(/other files/) });
    const err = await callError('registry.export', { dest: foreign });
    expect(err.code).toBe('BAD_INPUT');
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await call('registry.checkDestination', { dest: layout(), tarPath: join(home, 'export', 'registry.tar') })).toMatchObject({
      ok: true,
      resumable: false,
    });
    const badCa = await callError('registry.detect', { caPath: join(home, 'foreign', 'notes.txt') });
    expect(badCa.code).toBe('BAD_INPUT');
  });

  let exported: RegistryJob;
  it('exports the registry to a layout and a tar with live progress and a persisted job', async () => {
    const from = events.length;
    const job = await call<RegistryJob>('registry.export', { dest: layout(), tarPath: join(home, 'export', 'registry.tar') });
    expect(job.state).toBe('running');
    // Persisted before it runs.
    const onDisk = JSON.parse(readFileSync(join(home, 'data', 'registry', 'jobs.json'), 'utf8'));
    expect(onDisk.jobs.some((j: { job: RegistryJob }) => j.job.id === job.id)).toBe(true);
    expect(readFileSync(join(home, 'data', 'registry', 'jobs.json'), 'utf8')).not.toContain(lab.registry.password);
    exported = await finished(job.id);
    expect(exported.state).toBe('succeeded');
    expect(exported.exportSummary).toMatchObject({ tags: info.tagCount, warnings: [] });
    expect(exported.exportSummary!.blobs).toBeGreaterThan(0);
    const progress = events
      .slice(from)
      .filter((e) => e.event === 'registry.progress')
      .map((e) => e.payload as RegistryJobProgress);
    expect(new Set(progress.map((p) => p.phase))).toEqual(expect.objectContaining({}));
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['listing', 'manifests', 'blobs', 'packing', 'done']));
    expect(existsSync(join(layout(), 'index.json'))).toBe(true);
    expect(existsSync(join(home, 'export', 'registry.tar'))).toBe(true);
    // In Activity like a tool run: what went where, the outcome, a summary.
    const entry = app.journal.list(50).find((e) => e.tool === 'lifeboat-registry' && e.args[0] === 'export');
    expect(entry).toMatchObject({
      outcome: 'succeeded',
      args: ['export', lab.registry.host, '→', `${layout()} + ${join(home, 'export', 'registry.tar')}`],
      summary: expect.stringMatching(/^Exported \d+ tags/),
    });
    expect(
      events.some(
        (e) =>
          e.event === 'activity.entry' &&
          (e.payload as { tool: string; outcome: string }).tool === 'lifeboat-registry' &&
          (e.payload as { outcome: string }).outcome === 'running',
      ),
    ).toBe(true);

    // A rerun of the same destination resumes: nothing fetched again.
    expect(await call('registry.checkDestination', { dest: layout() })).toMatchObject({ ok: true, resumable: true });
    const again = await finished((await call<RegistryJob>('registry.export', { dest: layout() })).id);
    expect(again.exportSummary).toMatchObject({ blobsFetched: 0, blobsReused: exported.exportSummary!.blobs });
  });

  it('cancels a running export, and resumes it into the same folder', async () => {
    const dest = join(home, 'export', 'cancelled');
    const job = await call<RegistryJob>('registry.export', { dest });
    const ended = finished(job.id);
    expect(await call('registry.cancel', { jobId: job.id })).toEqual({ cancelled: true });
    const stopped = await ended;
    expect(stopped).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    expect(existsSync(join(dest, 'index.json'))).toBe(false);
    expect(await call('registry.cancel', { jobId: job.id })).toEqual({ cancelled: false });
    const resumed = finished(job.id);
    expect(await call<RegistryJob>('registry.resume', { jobId: job.id })).toMatchObject({ id: job.id, state: 'running' });
    expect(await resumed).toMatchObject({ state: 'succeeded', exportSummary: { tags: info.tagCount } });
  });

  it('shows an interrupted job after a restart and resumes it', async () => {
    // An app that closed mid-export leaves the job "running" on disk.
    const dataDir = join(home, 'data2');
    mkdirSync(join(dataDir, 'registry'), { recursive: true });
    const stale: RegistryJob = {
      ...exported,
      id: 'rx-stale',
      state: 'running',
      finishedAt: undefined,
      exportSummary: undefined,
      path: join(home, 'export', 'second'),
    };
    writeFileSync(join(dataDir, 'registry', 'jobs.json'), JSON.stringify({ version: 1, jobs: [{ job: stale, inputs: {} }] }));
    const second = newApp(dataDir);
    await second.start();
    try {
      const jobs = (await dispatch(second.handlers, 'registry.jobs', {})) as { ok: true; result: RegistryJob[] };
      expect(jobs.result[0]).toMatchObject({ id: 'rx-stale', state: 'interrupted' });
      const done = new Promise<RegistryJob>((resolve) =>
        second.bus.on((e, p) => e === 'registry.job' && (p as RegistryJob).state !== 'running' && resolve(p as RegistryJob)),
      );
      const r = await dispatch(second.handlers, 'registry.resume', { jobId: 'rx-stale' });
      expect(r.ok).toBe(true);
      expect(await done).toMatchObject({ id: 'rx-stale', state: 'succeeded' });
    } finally {
      await second.dispose();
    }
  });

  it('re-seeds a fresh registry from the tar; every tag resolves to the same digest', async () => {
    const bad = await callError('registry.reseed', {
      source: join(home, 'export', 'registry.tar'),
      target: { registry: target.host, username: target.username, password: 'wrong', caPath: join(target.certDir, 'ca.crt') },
    });
    expect(bad.code).toBe('REGISTRY_AUTH_FAILED');

    const job = await call<RegistryJob>('registry.reseed', {
      source: join(home, 'export', 'registry.tar'),
      target: { registry: target.host, username: target.username, password: target.password, caPath: join(target.certDir, 'ca.crt') },
    });
    const done = await finished(job.id);
    expect(done.state).toBe('succeeded');
    const report = done.reseedReport!;
    expect(report.ok).toBe(true);
    expect(report.tags.length).toBe(info.tagCount);
    expect(report.tags.every((t) => t.ok && t.actual === t.expected)).toBe(true);
    expect(readFileSync(join(home, 'data', 'registry', 'jobs.json'), 'utf8')).not.toContain(target.password);

    // Independently: every image of the source resolves on the target with the same digest.
    const src = new RegistryClient({
      registry: lab.registry.host,
      username: lab.registry.username,
      password: lab.registry.password,
      caPem: readFileSync(lab.registry.caFile),
    });
    const dst = new RegistryClient({ registry: target.host, username: target.username, password: target.password, caPem: target.caPem });
    try {
      for (const r of info.repositories) {
        for (const tag of await src.tags(r.name)) {
          const a = await src.getManifest(r.name, tag);
          const b = await dst.getManifest(r.name, tag);
          expect(b.digest).toBe(a.digest);
        }
      }
    } finally {
      src.close();
      dst.close();
    }

    // A second re-seed finds everything there already.
    const again = await finished(
      (
        await call<RegistryJob>('registry.reseed', {
          source: layout(),
          target: { registry: target.host, username: target.username, password: target.password, caPath: join(target.certDir, 'ca.crt') },
        })
      ).id,
    );
    expect(again.reseedReport).toMatchObject({ ok: true, blobsUploaded: 0 });
  });
});
