import { describe, expect, it } from 'vitest';
import type { RestoreRun, RestoreVerification, RestoreWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { Follower, stepError, type FollowerDeps } from './follower.js';
import { atRun, location, memMachine, run } from './restore.test-fixtures.js';
import type { StepState } from './run-step.js';

const verified = (checks: RestoreVerification['checks'] = []): RestoreVerification => ({
  checkedAt: 't',
  checks,
  workloads: [],
  warnings: [],
  errors: [],
  logExcerpts: [],
});
const full = () =>
  run({
    type: 'full',
    server: 'https://a',
    steps: [
      { component: 'admin-console', state: 'pending', restoreNames: ['instance-abc.kotsadm'] },
      { component: 'app', state: 'pending', restoreNames: ['instance-abc.my-app'] },
    ],
  });

function follower(start: Partial<RestoreWizard>, over: Partial<FollowerDeps> & { results?: StepState[]; accessMode?: string } = {}) {
  const mm = memMachine(start);
  const log: string[] = [];
  const results = [...(over.results ?? [])];
  const deps: FollowerDeps = {
    isConnected: () => true,
    server: () => 'https://a',
    runStep: async (gen, i) => {
      const state = results.shift() ?? 'succeeded';
      const r = mm.m.wizard.run!;
      mm.m.save({ ...mm.m.wizard, run: { ...r, steps: r.steps.map((s, j) => (j === i ? { ...s, state } : s)) } }, gen);
      log.push(`step ${i} ${state}`);
      return state;
    },
    verify: async (r, waitMs) => (log.push(`verify ${r.state} ${waitMs} (persisted ${mm.file().step}/${mm.file().run?.state})`), verified()),
    velero: () => ({
      backup: async () => ({ metadata: { name: 'instance-abc', namespace: 'velero' }, spec: { storageLocation: 'default' } }),
      locations: async () => [location('default', { spec: { accessMode: over.accessMode ?? 'ReadWrite' } })],
      setAccessMode: async (name, mode) => (log.push(`${name} ${mode} (persisted ${JSON.stringify(mm.file().run?.readOnlyLocation)})`), {} as never),
    }),
    writeReport: () => log.push('report'),
    readyMs: 123,
    ...over,
  };
  const f = new Follower(mm.m, deps);
  return { ...mm, f, log };
}

describe('Follower', () => {
  it('runs each step in order, persists "verifying" before it verifies, then the report', async () => {
    const { f, m, log } = follower(atRun({ type: 'full', run: full() }));
    f.attach();
    f.attach();
    await f.settled();
    expect(log).toEqual(['step 0 succeeded', 'step 1 succeeded', 'verify verifying 123 (persisted verify/verifying)', 'report']);
    expect(m.wizard).toMatchObject({ step: 'report', run: { state: 'succeeded', finishedAt: expect.any(String), verification: { checkedAt: 't' } } });
  });

  it('skips the steps that finished and stops at a failed one, with the reason and what to do', async () => {
    const r = full();
    r.steps[0] = { ...r.steps[0]!, state: 'succeeded' };
    const { f, m, log } = follower(atRun({ run: r }), { results: ['failed'] });
    f.attach();
    await f.settled();
    expect(log).toEqual(['step 1 failed', 'report']);
    expect(m.wizard.run).toMatchObject({
      state: 'failed',
      error: { code: 'RESTORE_FAILED', message: 'The application step did not finish.', hint: expect.stringMatching(/^Read the restore warnings/) },
    });
  });

  it('does not follow a run of another cluster, or when disconnected', async () => {
    for (const over of [{ server: () => 'https://b' }, { isConnected: () => false }]) {
      const { f, log } = follower(atRun({ run: full() }), over);
      f.attach();
      await f.settled();
      expect(log).toEqual([]);
    }
  });

  it('on a new cluster the location is read-only during the restore: persisted before the change, set back at the end', async () => {
    const { f, m, log } = follower(atRun({ situation: 'new-cluster', readOnlyDuringRestore: true, type: 'app', run: run({ server: 'https://a' }) }));
    f.attach();
    await f.settled();
    expect(log[0]).toBe('default ReadOnly (persisted {"name":"default","previous":"ReadWrite","restored":false})');
    expect(log).toContain('default ReadWrite (persisted {"name":"default","previous":"ReadWrite","restored":false})');
    expect(m.wizard.run!.readOnlyLocation).toEqual({ name: 'default', previous: 'ReadWrite', restored: true });
  });

  it('an unexpected error ends the run as failed with its code', async () => {
    const { f, m } = follower(atRun({ run: run() }), { runStep: async () => Promise.reject(new LifeboatError('CLUSTER_UNREACHABLE', 'gone', 'reconnect')) });
    f.attach();
    await f.settled();
    await new Promise((r) => setTimeout(r, 0));
    expect(m.wizard).toMatchObject({ step: 'report', run: { state: 'failed', error: { code: 'CLUSTER_UNREACHABLE', message: 'gone', hint: 'reconnect' } } });
  });

  it('a detached follower writes nothing more', async () => {
    let release!: () => void;
    const { f, m, saved } = follower(atRun({ run: run() }), { runStep: () => new Promise<StepState>((r) => (release = () => r('succeeded'))) });
    f.attach();
    await new Promise((r) => setTimeout(r, 0));
    f.detach();
    const writes = saved.length;
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(saved.length).toBe(writes);
    expect(m.wizard.run!.state).toBe('running');
  });

  it('recheck: refused while running; a finished run is verified now and reported', async () => {
    await expect(follower(atRun({ run: run() })).f.recheck()).rejects.toMatchObject({
      code: 'WIZARD_OUT_OF_ORDER',
      message: 'The restore is still running; it is checked when it ends.',
    });
    const done: RestoreRun = { ...run({ state: 'failed' }), steps: [{ component: 'app', state: 'succeeded', restoreNames: [] }] };
    const { f, m, log } = follower(atRun({ step: 'report', run: done }), { verify: async () => verified([{ ok: true, severity: 'warning', title: 'slow' }]) });
    expect((await f.recheck()).run!.state).toBe('attention');
    expect(m.wizard.step).toBe('report');
    expect(log).toEqual(['report']);
  });

  it('stepError says an interrupted step restored nothing', () => {
    const r = run({ steps: [{ component: 'admin-console', state: 'interrupted', restoreNames: [], message: 'closed' }] });
    expect(stepError(r, 0, 'interrupted')).toEqual({
      code: 'RESTORE_FAILED',
      message: 'closed',
      hint: 'Nothing was restored by that step. Choose "Run the step again" to continue.',
    });
  });
});
