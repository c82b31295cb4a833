/**
 * "Also export the registry" on a full backup: where it is offered, where it writes, how the
 * registry job's progress and end become the backup's `registry` part (checked against the
 * layout's index.json), and what a restart makes of an export that was running. The registry
 * service is a stand-in whose job the test finishes; the event bus is the real one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackupRegistryExport, Environment, RegistryJob, RegistryJobProgress } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { EventBus } from '../../events.js';
import { exportDir, interruptedIfGone, registryExportOffer, startBackupRegistryExport, verifyLayout, type BackupRegistry } from './registryExport.js';

const env = (flavour: Environment['flavour']) => ({ flavour }) as Environment;

function job(over: Partial<RegistryJob> = {}): RegistryJob {
  return {
    id: 'job-1',
    kind: 'export',
    state: 'running',
    startedAt: '2026-01-01T00:00:00Z',
    registry: 'reg.local:5000',
    path: '/x',
    origin: 'backup',
    ...over,
  };
}

function progress(over: Partial<RegistryJobProgress> = {}): RegistryJobProgress {
  return {
    jobId: 'job-1',
    phase: 'blobs',
    bytesDone: 10,
    bytesTotal: 100,
    blobsDone: 1,
    blobsTotal: 4,
    blobsSkipped: 0,
    bytesPerSecond: 5,
    etaSeconds: 18,
    ...over,
  };
}

const summary = (tags: number) => ({
  repositories: 1,
  tags,
  manifests: tags,
  blobs: 3,
  bytes: 300,
  blobsFetched: 3,
  bytesFetched: 300,
  blobsReused: 0,
  warnings: [],
  durationMs: 5,
});

/** A layout folder whose index.json lists `n` manifests. */
function layout(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'lb-reg-export-'));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: Array.from({ length: n }, (_, i) => ({ digest: `sha256:${i}` })) }));
  return dir;
}

/** A registry service whose one export the test finishes (or fails) by hand. */
function registry() {
  let finish!: (j: RegistryJob) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<RegistryJob>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const svc = {
    startExport: vi.fn(async () => ({ job: job(), done })),
    cancel: vi.fn(async () => true),
    isRunning: vi.fn(() => false),
  };
  return { svc, finish, fail };
}

describe('registryExportOffer', () => {
  it('is offered on kURL and Embedded Cluster, into the data folder', () => {
    for (const flavour of ['kurl', 'embedded-cluster'] as const) {
      expect(registryExportOffer(env(flavour), '/data')).toEqual({ offered: true, defaultDest: join('/data', 'registry-exports') });
    }
  });

  it('is not offered elsewhere, nor before the environment is known, and says why', () => {
    for (const e of [env('existing'), env('unknown'), null]) {
      expect(registryExportOffer(e, '/data')).toEqual({
        offered: false,
        reason: expect.stringMatching(/Only kURL and Embedded Cluster/),
        defaultDest: join('/data', 'registry-exports'),
      });
    }
  });
});

describe('exportDir', () => {
  it('names the folder after the request time, in UTC seconds and without colons', () => {
    expect(exportDir('/exports', '2026-03-04T05:06:07.890Z')).toBe(join('/exports', 'full-2026-03-04T05-06-07Z'));
    expect(exportDir('/exports', '2026-03-04T05:06:07Z')).toBe(join('/exports', 'full-2026-03-04T05-06-07Z'));
  });
});

describe('verifyLayout', () => {
  it('accepts a succeeded export whose index.json lists at least one manifest per tag', async () => {
    expect(await verifyLayout(layout(2), job({ state: 'succeeded', exportSummary: summary(2) }))).toEqual({ ok: true });
  });

  it('refuses an export that did not succeed, or has no summary', async () => {
    expect(await verifyLayout(layout(2), job({ state: 'failed' }))).toEqual({ ok: false, reason: 'the export failed' });
    expect(await verifyLayout(layout(2), job({ state: 'succeeded' }))).toEqual({ ok: false, reason: 'the export succeeded' });
  });

  it('refuses an index.json listing fewer images than the tags exported', async () => {
    expect(await verifyLayout(layout(1), job({ state: 'succeeded', exportSummary: summary(3) }))).toEqual({
      ok: false,
      reason: 'index.json lists 1 images, the export reported 3 tags',
    });
  });

  it('refuses a layout whose index.json cannot be read, naming why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-reg-export-'));
    expect(await verifyLayout(dir, job({ state: 'succeeded', exportSummary: summary(1) }))).toEqual({
      ok: false,
      reason: `index.json in ${dir} cannot be read back (ENOENT)`,
    });
  });
});

describe('startBackupRegistryExport', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('a refusal to start throws before anything else, with the backup named in the message', async () => {
    const { svc } = registry();
    svc.startExport.mockRejectedValueOnce(new LifeboatError('REGISTRY_BUSY', 'A registry job is running.', undefined, { jobId: 'other' }));
    const updates: BackupRegistryExport[] = [];
    const bus = new EventBus();
    const err = await startBackupRegistryExport({ bus, registry: svc }, '/out', (r) => updates.push(r)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err).toMatchObject({
      code: 'REGISTRY_BUSY',
      message: 'The registry export could not start, so the backup was not started either: A registry job is running.',
      hint: expect.stringMatching(/Untick "also export the registry"/),
      details: { jobId: 'other' },
    });
    expect(updates).toEqual([]);
    expect(bus.size).toBe(0);
  });

  it('starts the export as a backup job and reports it running', async () => {
    const { svc } = registry();
    const updates: BackupRegistryExport[] = [];
    const started = await startBackupRegistryExport({ bus: new EventBus(), registry: svc }, '/out', (r) => updates.push(r));
    expect(svc.startExport).toHaveBeenCalledWith({ dest: '/out', origin: 'backup' });
    expect(started.state).toEqual({ state: 'running', dest: '/out', jobId: 'job-1', registry: 'reg.local:5000' });
    expect(updates).toEqual([started.state]);
  });

  it("passes on its own job's progress: each new phase at once, the rest at most every 250 ms", async () => {
    const { svc } = registry();
    const bus = new EventBus();
    const updates: BackupRegistryExport[] = [];
    await startBackupRegistryExport({ bus, registry: svc }, '/out', (r) => updates.push(r));
    bus.emit('registry.progress', progress({ phase: 'listing' }));
    bus.emit('registry.progress', progress({ jobId: 'another-job', phase: 'manifests' }));
    bus.emit('registry.progress', progress({ phase: 'blobs', bytesDone: 10 }));
    vi.setSystemTime(Date.now() + 100);
    bus.emit('registry.progress', progress({ phase: 'blobs', bytesDone: 20 }));
    vi.setSystemTime(Date.now() + 200);
    bus.emit('registry.progress', progress({ phase: 'blobs', bytesDone: 30 }));
    expect(updates.slice(1).map((u) => [u.phase, u.bytesDone])).toEqual([
      ['listing', 10],
      ['blobs', 10],
      ['blobs', 30],
    ]);
    expect(updates.at(-1)).toEqual({
      state: 'running',
      dest: '/out',
      jobId: 'job-1',
      registry: 'reg.local:5000',
      phase: 'blobs',
      bytesDone: 30,
      bytesTotal: 100,
      blobsDone: 1,
      blobsTotal: 4,
    });
  });

  it('a succeeded export whose layout reads back is verified, with its tags and bytes', async () => {
    const { svc, finish } = registry();
    const bus = new EventBus();
    const dest = layout(2);
    const updates: BackupRegistryExport[] = [];
    const started = await startBackupRegistryExport({ bus, registry: svc }, dest, (r) => updates.push(r));
    finish(job({ state: 'succeeded', finishedAt: '2026-01-01T00:05:00Z', exportSummary: summary(2), progress: progress({ phase: 'done', bytesDone: 100 }) }));
    const end = await started.done;
    expect(end).toEqual({
      state: 'succeeded',
      dest,
      jobId: 'job-1',
      registry: 'reg.local:5000',
      phase: 'done',
      bytesDone: 100,
      bytesTotal: 100,
      blobsDone: 1,
      blobsTotal: 4,
      finishedAt: '2026-01-01T00:05:00Z',
      tags: 2,
      bytes: 300,
      verified: true,
    });
    expect(updates.at(-1)).toEqual(end);
    expect(bus.size).toBe(0);
  });

  it('a succeeded export whose index.json does not read back fails verification with REGISTRY_FAILED', async () => {
    const { svc, finish } = registry();
    const dest = mkdtempSync(join(tmpdir(), 'lb-reg-export-'));
    const started = await startBackupRegistryExport({ bus: new EventBus(), registry: svc }, dest, () => {});
    finish(job({ state: 'succeeded', exportSummary: summary(1) }));
    expect(await started.done).toMatchObject({
      state: 'succeeded',
      verified: false,
      finishedAt: '2026-01-01T00:00:00.000Z',
      error: { code: 'REGISTRY_FAILED', message: `The export finished but index.json in ${dest} cannot be read back (ENOENT).` },
    });
  });

  it("a failed, cancelled or interrupted job ends so, with the job's own error", async () => {
    for (const state of ['failed', 'cancelled', 'interrupted'] as const) {
      const { svc, finish } = registry();
      const started = await startBackupRegistryExport({ bus: new EventBus(), registry: svc }, layout(0), () => {});
      const error = { code: 'REGISTRY_UNREACHABLE' as const, message: 'gone' };
      finish(job({ state, error }));
      expect(await started.done).toMatchObject({ state, verified: false, error });
    }
  });

  it('a job that rejects ends failed with its error as data, and stops listening', async () => {
    const { svc, fail } = registry();
    const bus = new EventBus();
    const started = await startBackupRegistryExport({ bus, registry: svc }, '/out', () => {});
    fail(new LifeboatError('REGISTRY_AUTH_FAILED', 'denied', 'Check the password.'));
    expect(await started.done).toEqual({
      state: 'failed',
      dest: '/out',
      jobId: 'job-1',
      registry: 'reg.local:5000',
      finishedAt: '2026-01-01T00:00:00.000Z',
      verified: false,
      error: { code: 'REGISTRY_AUTH_FAILED', message: 'denied', hint: 'Check the password.' },
    });
    expect(bus.size).toBe(0);
  });

  it('cancel cancels that registry job', async () => {
    const { svc } = registry();
    const started = await startBackupRegistryExport({ bus: new EventBus(), registry: svc }, '/out', () => {});
    await started.cancel();
    expect(svc.cancel).toHaveBeenCalledWith('job-1');
  });
});

describe('interruptedIfGone', () => {
  const running: BackupRegistryExport = { state: 'running', dest: '/out', jobId: 'job-1' };

  it('leaves no export, and a finished one, as they are', () => {
    const svc = registry().svc as BackupRegistry;
    expect(interruptedIfGone(() => svc, undefined)).toBeUndefined();
    const finished: BackupRegistryExport = { state: 'succeeded', dest: '/out', jobId: 'job-1', verified: true };
    expect(interruptedIfGone(() => svc, finished)).toBe(finished);
  });

  it('leaves an export whose job still runs', () => {
    const { svc } = registry();
    svc.isRunning.mockReturnValue(true);
    expect(interruptedIfGone(() => svc, running)).toBe(running);
    expect(svc.isRunning).toHaveBeenCalledWith('job-1');
  });

  it('marks a running or pending export whose job is gone interrupted, saying how to go on', () => {
    const { svc } = registry();
    for (const r of [running, { state: 'pending', dest: '/out' } as BackupRegistryExport]) {
      expect(interruptedIfGone(() => svc, r)).toMatchObject({
        ...r,
        state: 'interrupted',
        verified: false,
        finishedAt: expect.any(String),
        error: { code: 'REGISTRY_FAILED', message: 'Lifeboat closed while the registry export ran.', hint: expect.stringMatching(/Resume the export/) },
      });
    }
  });
});
