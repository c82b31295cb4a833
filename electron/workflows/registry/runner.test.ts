import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { EventBus } from '../../events.js';
import { JobRunner, failed, newJobId, queuedProgress } from './runner.js';

function runner(journal?: { record: (e: unknown) => unknown }) {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'lb-reg-runner-')), 'data');
  const bus = new EventBus();
  const events: Array<[string, unknown]> = [];
  bus.on((event, payload) => events.push([event === 'registry.job' ? 'job' : event === 'registry.progress' ? 'progress' : event, payload]));
  const r = new JobRunner(dataDir, bus, journal as never);
  const onDisk = () => JSON.parse(readFileSync(join(dataDir, 'registry', 'jobs.json'), 'utf8')) as { jobs: Array<{ job: RegistryJob; inputs: unknown }> };
  return { r, events, onDisk };
}

const job = (id = 'rx-1'): RegistryJob => ({
  id,
  kind: 'export',
  state: 'running',
  startedAt: new Date().toISOString(),
  registry: 'reg:443',
  path: '/tmp/x',
  origin: 'registry',
  progress: queuedProgress(id),
});
const progress = { phase: 'blobs' as const, bytesDone: 5, bytesTotal: 10, blobsDone: 1, blobsTotal: 2, blobsSkipped: 0, bytesPerSecond: 100, etaSeconds: 1 };

describe('JobRunner', () => {
  it('persists the job before its body runs, publishes progress and the end, journals both', async () => {
    const recorded: unknown[] = [];
    const { r, events, onDisk } = runner({ record: (e) => recorded.push(e) });
    let seenOnDisk: unknown;
    const { job: started, done } = await r.launch(job(), { caPath: '/ca.pem' }, async (_signal, onProgress) => {
      seenOnDisk = onDisk().jobs[0];
      onProgress(progress);
      return { exportSummary: undefined };
    });
    expect(started.state).toBe('running');
    const end = await done;
    expect(seenOnDisk).toMatchObject({ job: { id: 'rx-1', state: 'running' }, inputs: { caPath: '/ca.pem' } });
    expect(end).toMatchObject({ state: 'succeeded', finishedAt: expect.any(String), progress: { jobId: 'rx-1', phase: 'blobs' } });
    expect(onDisk().jobs[0]!.job.state).toBe('succeeded');
    expect(events.map(([k]) => k)).toEqual(['job', 'progress', 'job']);
    expect(recorded).toHaveLength(2);
    expect(r.jobs().map((j) => j.state)).toEqual(['succeeded']);
  });

  it('one job at a time: busy while it runs, free after', async () => {
    const { r } = runner();
    let release!: () => void;
    const { done } = await r.launch(job(), {}, () => new Promise((res) => (release = () => res({}))));
    expect(() => r.busy()).toThrow(expect.objectContaining({ code: 'REGISTRY_BUSY' }));
    expect(r.isRunning('rx-1')).toBe(true);
    release();
    await done;
    expect(() => r.busy()).not.toThrow();
    expect(r.isRunning('rx-1')).toBe(false);
  });

  it('cancel aborts the body and ends the job cancelled; a failure ends it failed with the error, rate cleared', async () => {
    const { r } = runner();
    const { done } = await r.launch(job(), {}, (signal, onProgress) => {
      onProgress(progress);
      return new Promise((_res, rej) => signal.addEventListener('abort', () => rej(new Error('aborted'))));
    });
    expect(await r.cancel('other')).toBe(false);
    expect(await r.cancel('rx-1')).toBe(true);
    expect(await done).toMatchObject({ state: 'cancelled', progress: { bytesPerSecond: 0, etaSeconds: null } });
    const second = await r.launch(job('rx-2'), {}, async () => {
      throw new LifeboatError('REGISTRY_UNREACHABLE', 'gone', 'retry');
    });
    expect(await second.done).toMatchObject({ state: 'failed', error: { code: 'REGISTRY_UNREACHABLE', message: 'gone', hint: 'retry' } });
    await r.idle();
  });

  it('a journal that throws never fails the job', async () => {
    const { r } = runner({
      record: () => {
        throw new Error('disk full');
      },
    });
    const { done } = await r.launch(job(), {}, async () => ({}));
    expect((await done).state).toBe('succeeded');
  });

  it('ids name the kind; a body patch may say failed; failed() tells cancelled from failed', () => {
    expect(newJobId('export')).toMatch(/^rx-[0-9a-z]+-[0-9a-f]{6}$/);
    expect(newJobId('reseed')).toMatch(/^rs-/);
    const aborted = new AbortController();
    aborted.abort();
    expect(failed(job(), new Error('x'), aborted.signal).state).toBe('cancelled');
    expect(failed(job(), new LifeboatError('CANCELLED', 'x'), new AbortController().signal).state).toBe('cancelled');
    expect(failed(job(), new Error('x'), new AbortController().signal).state).toBe('failed');
  });
});
