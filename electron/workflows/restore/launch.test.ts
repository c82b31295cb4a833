import { describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract.js';
import { readBackups } from './backup-choice.js';
import { checkConfirm, Launcher, refuseInProgress, rerunFrom, type LaunchDeps } from './launch.js';
import { atRun, env, legacyBackup, location, mapKube, memMachine, restore, run } from './restore.test-fixtures.js';
import type { VeleroRestore } from '../../velero/types.js';

const sel = encodeURIComponent('kots.io/app-slug');
const installedNow = mapKube({
  [`/apis/apps/v1/deployments?labelSelector=${sel}&limit=500`]: { items: [{ metadata: { labels: { 'kots.io/app-slug': 'later-app' } } }] },
  [`/apis/apps/v1/statefulsets?labelSelector=${sel}&limit=500`]: { items: [] },
});

function launcher(start: Partial<RestoreWizard>, over: Partial<LaunchDeps> & { restores?: VeleroRestore[]; veleroReady?: boolean } = {}) {
  const mm = memMachine(start);
  const events: string[] = [];
  const deps: LaunchDeps = {
    env: () => env({ veleroReady: over.veleroReady }),
    readBackups: () => readBackups(env(), () => ({ backups: async () => [legacyBackup()], locations: async () => [location()] })),
    velero: () => ({ restores: async () => over.restores ?? [] }),
    kube: () => installedNow,
    server: () => 'https://cluster:6443',
    veleroNamespace: () => 'velero',
    attach: () => events.push(`attach after ${mm.saved.at(-1)?.step}/${mm.saved.at(-1)?.run?.state}`),
    ...over,
  };
  return { ...mm, events, l: new Launcher(mm.m, deps) };
}

describe('Launcher.start', () => {
  it('a full restore: admin console then application, persisted running before the follower attaches', async () => {
    const { l, events, m } = launcher(atRun({ type: 'full' }));
    const w = await l.start(' my-app ');
    expect(events).toEqual(['attach after run/running']);
    expect(w.run).toMatchObject({
      backup: 'instance-abc',
      type: 'full',
      appSlugs: ['my-app'],
      server: 'https://cluster:6443',
      kotsadmNamespace: 'kotsadm',
      veleroNamespace: 'velero',
      state: 'running',
      restores: [],
      steps: [
        { component: 'admin-console', state: 'pending', restoreNames: ['instance-abc.kotsadm'] },
        { component: 'app', state: 'pending', restoreNames: ['instance-abc.my-app'] },
      ],
    });
    expect(w.run!.id).toMatch(/^instance-abc-/);
    expect(m.wizard.step).toBe('run');
  });

  it("application only: KOTS restores every app installed now; only the backup's come back", async () => {
    const { l } = launcher(atRun({ type: 'app' }));
    const w = await l.start('my-app');
    expect(w.run).toMatchObject({ appSlugs: ['my-app'], steps: [{ component: 'app', restoreNames: ['instance-abc.later-app', 'instance-abc.my-app'] }] });
  });

  it('refuses a wrong confirmation, a running restore and a Velero that is not ready, persisting nothing', async () => {
    const wrong = launcher(atRun());
    await expect(wrong.l.start('other')).rejects.toMatchObject({ code: 'CONFIRMATION_MISMATCH' });
    const busy = launcher(atRun(), { restores: [restore('someone-else', 'InProgress') as VeleroRestore, restore('old', 'Completed') as VeleroRestore] });
    await expect(busy.l.start('my-app')).rejects.toMatchObject({ code: 'RESTORE_IN_PROGRESS', details: { restores: ['someone-else'] } });
    const notReady = launcher(atRun(), { veleroReady: false });
    await expect(notReady.l.start('my-app')).rejects.toMatchObject({ code: 'VELERO_NOT_READY' });
    const gone = launcher(atRun({ backup: 'deleted' }));
    await expect(gone.l.start('my-app')).rejects.toMatchObject({ code: 'BACKUP_NOT_RESTORABLE' });
    for (const x of [wrong, busy, notReady, gone]) expect(x.saved).toEqual([]);
  });
});

describe('Launcher.resume', () => {
  const stopped = run({
    type: 'full',
    state: 'failed',
    error: { code: 'RESTORE_FAILED', message: 'm' },
    finishedAt: 'f',
    steps: [
      { component: 'admin-console', state: 'succeeded', restoreNames: ['instance-abc.kotsadm'], finishedAt: 'f1' },
      { component: 'app', state: 'interrupted', restoreNames: ['instance-abc.my-app'], message: 'closed', runId: 'x', finishedAt: 'f2' },
    ],
  });

  it('runs the stopped step again, keeping the finished ones', async () => {
    const { l, events } = launcher(atRun({ step: 'report', run: stopped }));
    const w = await l.resume('my-app');
    expect(w.step).toBe('run');
    expect(w.run!.state).toBe('running');
    expect(w.run!.steps[0]).toEqual(stopped.steps[0]);
    expect(w.run!.steps[1]).toEqual({
      component: 'app',
      state: 'pending',
      restoreNames: ['instance-abc.my-app'],
      message: undefined,
      runId: undefined,
      finishedAt: undefined,
    });
    expect([w.run!.error, w.run!.finishedAt]).toEqual([undefined, undefined]);
    expect(events).toEqual(['attach after run/running']);
  });

  it('refuses with nothing to resume, while running, or when every step finished', async () => {
    await expect(launcher(atRun()).l.resume('my-app')).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER', message: 'There is no restore to continue.' });
    await expect(launcher(atRun({ run: run() })).l.resume('my-app')).rejects.toMatchObject({ code: 'RESTORE_IN_PROGRESS' });
    const done = run({ state: 'succeeded', steps: [{ component: 'app', state: 'succeeded', restoreNames: [] }] });
    await expect(launcher(atRun({ run: done })).l.resume('my-app')).rejects.toMatchObject({ message: 'Every step of this restore already finished.' });
  });
});

describe('checks', () => {
  it("confirming an admin-console restore of a backup without an app takes the backup's name", () => {
    const w = { ...atRun({ type: 'admin-console', appSlug: undefined }), readOnlyDuringRestore: false, updatedAt: 't' } as RestoreWizard;
    expect(() => checkConfirm(w, 'instance-abc')).not.toThrow();
    expect(() => checkConfirm(w, 'my-app')).toThrow(/type "instance-abc" exactly/);
  });

  it('our own active run is refused before Velero is asked', async () => {
    const w = { ...atRun({ run: run() }), readOnlyDuringRestore: false, updatedAt: 't' } as RestoreWizard;
    await expect(
      refuseInProgress(w, () => {
        throw new Error('must not ask');
      }),
    ).rejects.toMatchObject({ code: 'RESTORE_IN_PROGRESS', message: 'A restore from backup instance-abc is already running.' });
  });

  it('rerunFrom resets from the index on', () => {
    const r = rerunFrom(
      run({
        steps: [
          { component: 'admin-console', state: 'failed', restoreNames: [] },
          { component: 'app', state: 'pending', restoreNames: [] },
        ],
      }),
      0,
    );
    expect(r.steps.map((s) => s.state)).toEqual(['pending', 'pending']);
  });
});
