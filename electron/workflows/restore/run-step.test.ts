import { describe, expect, it } from 'vitest';
import type { RestoreRunStep } from '../../api/contract.js';
import { atRun, memMachine, restore, run } from './restore.test-fixtures.js';
import { StepRunner, type StepVelero } from './run-step.js';
import type { VeleroRestore } from '../../velero/types.js';

const timeouts = { appearMs: 30, restoreMs: 60_000, cliMs: 1000, pollMs: 2 };
const ok = JSON.stringify({ success: true });

/** A Velero whose Restores are `restores` (by name); deletes are recorded. */
function fakeVelero(restores: Map<string, VeleroRestore>) {
  const deleted: string[] = [];
  const velero: StepVelero = {
    restore: async (n) => restores.get(n),
    deleteRestore: async (n) => void (deleted.push(n), restores.delete(n)),
    podVolumeRestores: async () => [],
  };
  return { velero, deleted };
}

function runner(steps: RestoreRunStep[], restores: Map<string, VeleroRestore>, cli: { stdout?: string; reject?: Error; creates?: VeleroRestore } = {}) {
  const mm = memMachine(atRun({ run: run({ steps }) }));
  const { velero, deleted } = fakeVelero(restores);
  const calls: Array<{ args: readonly string[]; summary?: string; persisted?: string }> = [];
  const tools = {
    start: async (_name: string, args: readonly string[], opts: { summary?: string } = {}) => {
      calls.push({ args, summary: opts.summary, persisted: mm.m.wizard.run!.steps[0].state });
      if (cli.creates) restores.set(cli.creates.metadata.name, cli.creates);
      const done = cli.reject
        ? Promise.reject(cli.reject)
        : Promise.resolve({ runId: 'run-1', exitCode: 0, stdout: cli.stdout ?? ok, stderr: '', durationMs: 1 });
      return { runId: 'run-1', done };
    },
  };
  const r = new StepRunner(mm.m, { tools: tools as never, velero: () => velero, timeouts });
  return { ...mm, r, calls, deleted, step: () => mm.m.wizard.run!.steps[0] };
}

const appStep = (state: RestoreRunStep['state'] = 'pending', extra: Partial<RestoreRunStep> = {}): RestoreRunStep => ({
  component: 'app',
  state,
  restoreNames: ['instance-abc.my-app'],
  ...extra,
});

describe('StepRunner', () => {
  it('clears an earlier finished Restore of the same name, persists "starting" before the CLI, and succeeds on Velero\'s word', async () => {
    const restores = new Map([['instance-abc.my-app', restore('instance-abc.my-app', 'Completed') as VeleroRestore]]);
    const created = {
      metadata: { name: 'instance-abc.my-app', namespace: 'velero', uid: 'new' },
      status: { phase: 'Completed', progress: { itemsRestored: 7 } },
    };
    const t = runner([appStep()], restores, { creates: created });
    expect(await t.r.run(t.m.generation, 0)).toBe('succeeded');
    expect(t.deleted).toEqual(['instance-abc.my-app']);
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]).toMatchObject({ summary: 'Restore the application from backup instance-abc', persisted: 'starting' });
    expect(t.calls[0]!.args).toContain('--exclude-admin-console');
    expect(t.step()).toMatchObject({
      state: 'succeeded',
      runId: 'run-1',
      ignoreUids: ['uid-instance-abc.my-app'],
      message: 'Velero restored instance-abc.my-app (7 items).',
    });
    expect(t.m.wizard.run!.restores).toMatchObject([{ name: 'instance-abc.my-app', appSlug: 'my-app', phase: 'Completed', itemsRestored: 7 }]);
  });

  it('a Restore that is still the earlier one is not ours: a CLI that failed and created nothing fails the step', async () => {
    const old = restore('instance-abc.my-app', 'InProgress') as VeleroRestore;
    const t = runner([appStep()], new Map([['instance-abc.my-app', old]]), { stdout: JSON.stringify({ success: false, error: 'backup not found' }) });
    expect(await t.r.run(t.m.generation, 0)).toBe('failed');
    expect(t.step().message).toBe(
      'kubectl kots restore: backup not found. No Velero restore was created (instance-abc.my-app), so nothing was restored by this step.',
    );
  });

  it('the CLI said success but no Restore appeared: failed, never trusted', async () => {
    const t = runner([{ ...appStep(), component: 'admin-console', restoreNames: ['instance-abc.kotsadm'] }], new Map());
    expect(await t.r.run(t.m.generation, 0)).toBe('failed');
    expect(t.calls[0]!.summary).toBe('Restore the admin console from backup instance-abc');
    expect(t.step().message).toMatch(/reported success, but Velero restore instance-abc\.kotsadm never appeared/);
  });

  it('a CLI failure is a note when Velero still restored everything', async () => {
    const created = { metadata: { name: 'instance-abc.my-app', namespace: 'velero', uid: 'n' }, status: { phase: 'Completed' } };
    const t = runner([appStep()], new Map(), { reject: new Error('exit 1'), creates: created });
    expect(await t.r.run(t.m.generation, 0)).toBe('attention');
    expect(t.step().message).toMatch(/ The kots command reported: .*exit 1/);
  });

  it('re-attaching after a close: no CLI is started again, a Restore that never came is "interrupted"', async () => {
    const t = runner([appStep('starting')], new Map());
    expect(await t.r.run(t.m.generation, 0)).toBe('interrupted');
    expect(t.calls).toEqual([]);
    expect(t.step().message).toMatch(/^Lifeboat was closed before Velero restore instance-abc\.my-app was created/);
  });

  it("Velero's failed and partially failed phases decide the step", async () => {
    const failed = runner(
      [appStep('running')],
      new Map([['instance-abc.my-app', restore('instance-abc.my-app', 'FailedValidation', { validationErrors: ['no backup'] }) as VeleroRestore]]),
    );
    expect(await failed.r.run(failed.m.generation, 0)).toBe('failed');
    expect(failed.step().message).toBe('Velero restore failed: instance-abc.my-app FailedValidation: no backup.');
    const partial = runner(
      [appStep('running')],
      new Map([['instance-abc.my-app', restore('instance-abc.my-app', 'PartiallyFailed', { errors: 2 }) as VeleroRestore]]),
    );
    expect(await partial.r.run(partial.m.generation, 0)).toBe('attention');
    expect(partial.step().message).toBe('Velero restored with errors: instance-abc.my-app (2 errors). See the restore results.');
  });

  it('a detached follower stops at once and writes nothing more', async () => {
    const t = runner([appStep('running')], new Map([['instance-abc.my-app', restore('instance-abc.my-app', 'InProgress') as VeleroRestore]]));
    const gen = t.m.generation;
    t.m.detach();
    const writes = t.saved.length;
    expect(await t.r.run(gen, 0)).toBe('interrupted');
    expect(t.saved.length).toBe(writes);
  });
});
