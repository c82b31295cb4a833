import { describe, expect, it } from 'vitest';
import type { SetupPhase, SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { ApplyRunner, nextStepFor } from './applyRunner.js';
import { startApply, type PhaseResult } from './machine.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const base: SetupWizard = { step: 'review', veleroNamespace: 'velero', credentials: creds, updatedAt: '' };

/** The wizard holder, keeping every saved snapshot. */
function holder(w: SetupWizard) {
  const saved: SetupWizard[] = [];
  return {
    saved,
    w,
    save(n: SetupWizard) {
      saved.push(n);
      this.w = n;
      return n;
    },
  };
}

function runner(
  w: SetupWizard,
  phase: (id: SetupPhase['id'], m: ReturnType<typeof holder>, signal: AbortSignal, onRun: (id: string) => void) => Promise<PhaseResult>,
) {
  const m = holder(w);
  const cancelled: string[] = [];
  const r = new ApplyRunner({
    m,
    runPhase: (id, signal, onRun) => phase(id, m, signal, onRun),
    diagnose: async () => ['Pod x: ErrImagePull'],
    cancelRun: (id) => cancelled.push(id),
  });
  return { m, r, cancelled };
}

describe('ApplyRunner', () => {
  it('persists each phase as running before it runs, in order, and finishes only when verified', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const { m, r } = runner(startApply(base, 'reconfigure', 's'), async (id, m) => {
      seen.push([id, m.w.apply!.phases.find((p) => p.state === 'running')?.id]);
      if (id === 'verify') m.save({ ...m.w, verification: { ok: true, checks: [], plugins: [], at: '' } });
      return id === 'permissions' ? { skipped: true, message: 'not needed' } : { message: `${id} ok` };
    });
    r.drive();
    expect(r.active).toBe(true);
    await r.done;
    expect(seen).toEqual([
      ['configure', 'configure'],
      ['wait-deployment', 'wait-deployment'],
      ['permissions', 'permissions'],
      ['verify', 'verify'],
    ]);
    expect(m.w).toMatchObject({ step: 'done', apply: { state: 'succeeded' } });
    expect(m.w.apply!.phases.map((p) => p.state)).toEqual(['succeeded', 'succeeded', 'skipped', 'succeeded']);
    expect(r.active).toBe(false);
  });

  it('does not run finished phases again', async () => {
    const w = startApply(base, 'reconfigure', 's');
    w.apply!.phases[0]!.state = 'succeeded';
    const ran: string[] = [];
    const { r } = runner(w, async (id) => (ran.push(id), {}));
    r.drive();
    await r.done;
    expect(ran).toEqual(['wait-deployment', 'permissions', 'verify']);
  });

  it('a failure stops the apply with the error, the tool lines and the cluster diagnosis, and what to do', async () => {
    const { m, r } = runner(startApply(base, 'reconfigure', 's'), async () => {
      throw new LifeboatError('SETUP_FAILED', 'KOTS failed.', 'hint', { lastLines: ['', 'line 1'] });
    });
    r.drive();
    await r.done;
    expect(m.w.apply).toMatchObject({
      state: 'failed',
      error: { code: 'SETUP_FAILED', message: 'KOTS failed.' },
      diagnosis: ['line 1', 'Pod x: ErrImagePull'],
    });
    expect(m.w.apply!.nextStep).toMatch(/cannot pull an image/);
    expect(m.w.apply!.phases.map((p) => p.state)).toEqual(['failed', 'pending', 'pending', 'pending']);
  });

  it('cancel aborts the phase and stops its tool run', async () => {
    const { m, r, cancelled } = runner(startApply(base, 'reconfigure', 's'), (_id, _m, signal, onRun) => {
      onRun('run-7');
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    r.drive();
    await Promise.resolve();
    r.cancel();
    await r.done;
    expect(cancelled).toEqual(['run-7']);
    expect(m.w.apply).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    expect(m.w.apply!.nextStep).toMatch(/never installs twice/);
  });

  it('says what to do next by phase', () => {
    const err = { code: 'X', message: 'm', hint: 'the hint' };
    expect(nextStepFor('configure', err, [])).toMatch(/Fix what KOTS reports/);
    expect(nextStepFor('verify', err, [])).toMatch(/Verify again/);
    expect(nextStepFor('install', err, [])).toBe('the hint');
    expect(nextStepFor('install', err, ['Failed to pull image'])).toMatch(/Images step/);
  });
});
