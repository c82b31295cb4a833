import { describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract.js';
import { readBackups } from './backup-choice.js';
import { env, legacyBackup, location, memMachine, run } from './restore.test-fixtures.js';
import { refuseType, WizardSteps, type WizardStepsDeps } from './wizard-steps.js';

function steps(start: Partial<RestoreWizard>, over: Partial<WizardStepsDeps> = {}) {
  const mm = memMachine(start);
  const backups = [legacyBackup('instance-abc'), legacyBackup('embedded', { 'kots.io/embedded-registry': '10.96.0.10' })];
  const deps: WizardStepsDeps = {
    env: () => env(),
    readBackups: () => readBackups(env(), () => ({ backups: async () => backups, locations: async () => [location()] })),
    backup: async (name) => backups.find((b) => b.metadata.name === name),
    ...over,
  };
  return { ...mm, s: new WizardSteps(mm.m, deps) };
}

describe('WizardSteps', () => {
  it('situation: a new cluster is read-only during the restore unless said otherwise; the rest starts over', () => {
    const { s, m, saved } = steps({ step: 'type', situation: 'same-cluster', backup: 'x' });
    expect(s.setSituation('new-cluster')).toMatchObject({ step: 'backup', situation: 'new-cluster', readOnlyDuringRestore: true });
    expect(m.wizard.backup).toBeUndefined();
    expect(s.setSituation('new-cluster', false).readOnlyDuringRestore).toBe(false);
    expect(s.setSituation('same-cluster', true).readOnlyDuringRestore).toBe(false);
    expect(saved).toHaveLength(3);
  });

  it('backup: persisted with its app, clearing what was chosen after it', async () => {
    const { s } = steps({
      step: 'confirm',
      situation: 'same-cluster',
      backup: 'old',
      type: 'full',
      registry: { reason: 'r', state: 'pending' },
      run: run({ state: 'failed' }),
    });
    const w = await s.selectBackup('instance-abc');
    expect(w).toMatchObject({ step: 'type', backup: 'instance-abc', appSlug: 'my-app' });
    expect([w.type, w.registry, w.run]).toEqual([undefined, undefined, undefined]);
  });

  it('type: refused out of order; the registry step appears only when the backup or cluster needs it', async () => {
    await expect(steps({}).s.selectType('full')).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER' });
    const same = steps({ step: 'type', situation: 'new-cluster', backup: 'instance-abc', appSlug: 'my-app' });
    const plain = await same.s.selectType('app');
    expect([plain.step, plain.type, plain.registry]).toEqual(['confirm', 'app', undefined]);
    const ec = steps({
      step: 'type',
      situation: 'new-cluster',
      backup: 'embedded',
      appSlug: 'my-app',
      registry: { reason: 'old', state: 'failed', source: '/x' },
    });
    expect(await ec.s.selectType('full')).toMatchObject({
      step: 'registry',
      registry: { state: 'failed', source: '/x', reason: expect.stringMatching(/10\.96\.0\.10/) },
    });
    const skipped = steps({ step: 'type', situation: 'new-cluster', backup: 'embedded', appSlug: 'my-app', registry: { reason: 'old', state: 'skipped' } });
    expect((await skipped.s.selectType('app')).registry).toEqual({ reason: expect.stringMatching(/10\.96/), state: 'pending' });
    expect((await ec.s.selectType('admin-console')).registry).toBeUndefined();
  });

  it('type: a backup that cannot be read is no reason for a registry step', async () => {
    const { s } = steps(
      { step: 'type', situation: 'new-cluster', backup: 'instance-abc', appSlug: 'my-app' },
      { backup: async () => Promise.reject(new Error('down')) },
    );
    expect((await s.selectType('app')).step).toBe('confirm');
  });

  it('back: never ahead, drops the run, and asks again for a skipped registry step', () => {
    const base: Partial<RestoreWizard> = { step: 'confirm', situation: 'same-cluster', backup: 'b', type: 'app', appSlug: 'a' };
    expect(() => steps(base).s.back('run')).toThrow(
      expect.objectContaining({ code: 'WIZARD_OUT_OF_ORDER', message: 'Step "run" is ahead of the current one.' }),
    );
    const back = steps({ ...base, step: 'report', run: run({ state: 'failed' }) }).s.back('type');
    expect([back.step, back.run]).toEqual(['type', undefined]);
    const skipped = steps({ ...base, registry: { reason: 'why', state: 'skipped', skippedConsequence: 'c' } });
    expect(skipped.s.back('registry')).toMatchObject({ step: 'registry', registry: { reason: 'why', state: 'pending' } });
  });

  it('reset: refused while a run is active, else back to the start', () => {
    expect(() => steps({ step: 'run', run: run() }).s.reset()).toThrow(expect.objectContaining({ code: 'RESTORE_IN_PROGRESS' }));
    const w = steps({ step: 'report', situation: 'new-cluster', run: run({ state: 'succeeded' }) }).s.reset();
    expect(w).toEqual({ step: 'situation', readOnlyDuringRestore: false, updatedAt: expect.any(String) });
  });
});

describe('refuseType', () => {
  it('an application needs an admin console here and a known app', () => {
    expect(() => refuseType('app', env({ kotsFound: false }), 'a')).toThrow(/no admin console on this cluster/);
    expect(() => refuseType('full', env({ kotsFound: false }), 'a')).not.toThrow();
    expect(() => refuseType('full', null, undefined)).toThrow(/cannot tell which application/);
    expect(() => refuseType('admin-console', null, undefined)).not.toThrow();
  });
});
