import { describe, expect, it } from 'vitest';
import type { RegistryJob, RestoreWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { RegistryFlow, type RestoreRegistry } from './registry-flow.js';
import { memMachine } from './restore.test-fixtures.js';

const atRegistry = (registry: RestoreWizard['registry']): Partial<RestoreWizard> => ({
  step: 'registry',
  situation: 'new-cluster',
  backup: 'b',
  type: 'app',
  appSlug: 'a',
  registry,
});
const job = (patch: Partial<RegistryJob> = {}): RegistryJob => ({
  id: 'rs-1',
  kind: 'reseed',
  state: 'running',
  startedAt: 't',
  registry: 'reg:5000',
  path: '/x',
  origin: 'restore',
  ...patch,
});

function fakeRegistry(over: Partial<RestoreRegistry> = {}) {
  let finish!: (j: RegistryJob) => void;
  const reg = {
    finishedExports: async () => [{ path: '/x', registry: 'reg:5000', origin: 'registry' }],
    compareArchive: async () => ({
      registry: 'reg:5000',
      tags: [
        { repo: 'a', tag: '1', digest: 'd', actual: null, present: false },
        { repo: 'b', tag: '1', digest: 'd', actual: 'd', present: true },
      ],
      blobs: 2,
      bytes: 10,
    }),
    startReseedForRestore: async () => ({ job: job(), done: new Promise<RegistryJob>((r) => (finish = r)) }),
    isRunning: () => false,
    ...over,
  } as unknown as RestoreRegistry;
  return { reg, finish: (j: RegistryJob) => finish(j) };
}

describe('RegistryFlow', () => {
  it('plans by comparing the archive, counting what is missing', async () => {
    const { m } = memMachine(atRegistry({ reason: 'r', state: 'pending' }));
    const plan = await new RegistryFlow(m, () => fakeRegistry().reg).plan('/x');
    expect(plan).toMatchObject({ source: '/x', registry: 'reg:5000', missing: 1 });
    expect(await new RegistryFlow(m, () => fakeRegistry().reg).archives()).toHaveLength(1);
  });

  it('re-seed: the step is persisted running before the job starts, then follows the job to its end', async () => {
    const { m, saved } = memMachine(atRegistry({ reason: 'r', state: 'pending' }));
    let persistedFirst: unknown;
    const { reg, finish: doneWith } = fakeRegistry();
    const start = reg.startReseedForRestore;
    reg.startReseedForRestore = (o) => ((persistedFirst = saved.at(-1)?.registry), start(o));
    const w = await new RegistryFlow(m, () => reg).reseed('/x', '/ca.pem');
    expect(persistedFirst).toEqual({ reason: 'r', state: 'running', source: '/x', caPath: '/ca.pem', startedAt: expect.any(String) });
    expect(w.registry).toMatchObject({ state: 'running', source: '/x', caPath: '/ca.pem', jobId: 'rs-1', registry: 'reg:5000' });
    const tags = [{ repo: 'a', tag: '1', expected: 'd', actual: 'd', ok: true }];
    doneWith(
      job({
        state: 'succeeded',
        reseedReport: { ok: true, tags, blobsUploaded: 1, blobsMounted: 0, blobsSkipped: 0, bytesUploaded: 5, manifestsPushed: 1, warnings: [], durationMs: 1 },
      }),
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(m.wizard.registry).toMatchObject({ state: 'succeeded', tagsOk: 1, tagsTotal: 1 });
  });

  it('re-seed: a job that cannot start is recorded as failed; a job of a wizard that moved on is ignored', async () => {
    const { m } = memMachine(atRegistry({ reason: 'r', state: 'pending' }));
    const broken = fakeRegistry({
      startReseedForRestore: async () => Promise.reject(new LifeboatError('REGISTRY_UNREACHABLE', 'no registry', 'check it')),
    }).reg;
    await expect(new RegistryFlow(m, () => broken).reseed('/x')).rejects.toThrow('no registry');
    expect(m.wizard.registry).toMatchObject({ state: 'failed', error: { code: 'REGISTRY_UNREACHABLE', message: 'no registry', hint: 'check it' } });

    const { reg, finish } = fakeRegistry();
    await new RegistryFlow(m, () => reg).reseed('/x');
    m.save({ ...m.wizard, registry: { reason: 'r', state: 'pending' } });
    finish(job({ state: 'failed' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(m.wizard.registry).toEqual({ reason: 'r', state: 'pending' });
  });

  it('refuses a second re-seed or a skip while the job runs', async () => {
    const { m } = memMachine(atRegistry({ reason: 'r', state: 'running', jobId: 'rs-1' }));
    const { reg } = fakeRegistry({ isRunning: () => true });
    m.save({ ...m.wizard, registry: { reason: 'r', state: 'running', jobId: 'rs-1' } });
    await expect(new RegistryFlow(m, () => reg).reseed('/x')).rejects.toMatchObject({ code: 'REGISTRY_BUSY', details: { jobId: 'rs-1' } });
    expect(() => new RegistryFlow(m, () => reg).skip()).toThrow(expect.objectContaining({ code: 'REGISTRY_BUSY' }));
  });

  it('skip records the consequence; continue only after a verified re-seed', () => {
    const pending = memMachine(atRegistry({ reason: 'r', state: 'pending' }));
    const flow = new RegistryFlow(pending.m, () => fakeRegistry().reg);
    expect(() => flow.continue()).toThrow(expect.objectContaining({ code: 'WIZARD_OUT_OF_ORDER' }));
    expect(flow.skip()).toMatchObject({ step: 'confirm', registry: { state: 'skipped', skippedConsequence: expect.stringMatching(/ImagePullBackOff/) } });
    const done = memMachine(atRegistry({ reason: 'r', state: 'succeeded' }));
    expect(new RegistryFlow(done.m, () => fakeRegistry().reg).continue().step).toBe('confirm');
  });
});
