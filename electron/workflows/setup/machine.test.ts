import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check, SetupWizard } from '../../api/contract.js';
import { EventBus } from '../../events.js';
import {
  WizardMachine,
  afterPreflight,
  afterValidation,
  afterVerify,
  back,
  chooseMode,
  failApply,
  finishApply,
  requireNoApply,
  requireResumable,
  resumeApply,
  startApply,
  startUninstall,
  withPhase,
} from './machine.js';
import { SetupStore } from './state.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const base: SetupWizard = { step: 'preflight', veleroNamespace: 'velero', credentials: creds, updatedAt: '' };
const ok: Check = { ok: true, severity: 'ok', title: 'Cluster reachable' };
const pf = (extra: Partial<NonNullable<SetupWizard['preflight']>> = {}) => ({ checks: [ok], at: '', airgap: false, ...extra });
const onDisk = (store: SetupStore) => JSON.parse(readFileSync(store.file, 'utf8')) as SetupWizard;

function machine() {
  const dir = mkdtempSync(join(tmpdir(), 'lb-setup-machine-'));
  const store = new SetupStore(dir);
  const events: unknown[] = [];
  const bus = new EventBus();
  bus.on((e, p) => events.push([e, p]));
  return { dir, store, events, m: new WizardMachine(store, () => creds, bus) };
}

describe('WizardMachine: every transition is persisted', () => {
  it('save writes the wizard to disk before returning, and announces it', () => {
    const { store, events, m } = machine();
    const saved = m.save({ ...m.w, step: 'destination' });
    expect(onDisk(store)).toMatchObject({ step: 'destination', rev: saved.rev });
    expect(events).toEqual([['setup.changed', saved]]);
    expect(m.w).toBe(saved);
  });

  it('a start finds an apply that was running interrupted, and writes that at once', () => {
    const { dir, store, m } = machine();
    m.save(startApply({ ...m.w, mode: 'install' }, 'install', 'https://k'));
    const again = new WizardMachine(new SetupStore(dir), () => creds, new EventBus());
    expect(again.w.apply?.state).toBe('interrupted');
    expect(onDisk(store).apply?.state).toBe('interrupted');
  });

  it('after dispose nothing more is written', () => {
    const { store, m } = machine();
    m.save({ ...m.w, step: 'destination' });
    m.dispose();
    expect(m.save({ ...m.w, step: 'review' }).step).toBe('destination');
    expect(onDisk(store).step).toBe('destination');
    expect(existsSync(store.file)).toBe(true);
  });
});

describe('setup step transitions', () => {
  it('preflight: an existing Velero clears an install mode; none means install', () => {
    const r = { connected: true as const, checks: [ok], airgap: true, veleroVersion: 'v1.18.3' };
    expect(afterPreflight({ ...base, mode: 'install' }, { ...r, existingVelero: { namespace: 'v2' } })).toMatchObject({
      mode: undefined,
      veleroNamespace: 'v2',
      step: 'preflight',
    });
    expect(afterPreflight({ ...base, mode: 'upgrade' }, { ...r, existingVelero: { namespace: 'v2' } }).mode).toBe('upgrade');
    expect(afterPreflight(base, r)).toMatchObject({ mode: 'install', preflight: { airgap: true } });
    expect(afterPreflight(base, { connected: false, checks: [] }).preflight?.airgap).toBe(false);
  });

  it('chooseMode: keep ends the wizard, a problem blocks it, the compatibility verdict does not', () => {
    const existing = { ...base, veleroVersion: 'v1.18.3', preflight: pf({ existingVelero: { namespace: 'velero', version: 'v1.17.0' } }) };
    expect(chooseMode(existing, 'keep').step).toBe('done');
    expect(chooseMode(existing, 'upgrade')).toMatchObject({ step: 'destination', mode: 'upgrade' });
    expect(() => chooseMode(existing, 'install')).toThrow(/does not install it a second time/);
    expect(() => chooseMode(base, 'install')).toThrow(/preflight/);
    const compat: Check = { ok: false, severity: 'error', title: 'KOTS ↔ Velero compatibility' };
    expect(chooseMode({ ...base, preflight: pf({ checks: [compat] }) }, 'install').step).toBe('destination');
    expect(() => chooseMode({ ...base, preflight: pf({ checks: [{ ...compat, title: 'Bundled tools', fix: 'Reinstall' }] }) }, 'install')).toThrow(
      /1 problem\(s\): Bundled tools/,
    );
    expect(() => chooseMode({ ...base, preflight: pf() }, 'keep')).toThrow(/no Velero to keep/);
  });

  it('a valid destination leads to images on an air gap (not for reconfigure), else to review', () => {
    const v = { ok: true, online: true, checks: [], note: '', at: '' };
    const airgap = { ...base, preflight: pf({ airgap: true }), mode: 'install' as const };
    expect(afterValidation(airgap, { provider: 'hostpath', path: '/b' }, v).step).toBe('images');
    expect(afterValidation({ ...airgap, mode: 'reconfigure' }, { provider: 'hostpath', path: '/b' }, v).step).toBe('review');
    expect(afterValidation(airgap, { provider: 'hostpath', path: '/b' }, { ...v, ok: false }).step).toBe('destination');
    expect(() => back({ ...base, preflight: pf() }, 'images')).toThrow(/not air-gapped/);
  });
});

describe('apply transitions', () => {
  it('plans install and reconfigure phases; the wait after configure says why', () => {
    const w = startApply(base, 'install', 's');
    expect(w.apply!.phases.map((p) => p.id)).toEqual([
      'prepare',
      'install',
      'patch',
      'wait-deployment',
      'wait-node-agent',
      'configure',
      'wait-deployment',
      'permissions',
      'verify',
    ]);
    expect(w.apply!.phases[6]!.title).toMatch(/after KOTS restarts it/);
    expect(w.apply!.phases[3]!.title).toBe('Wait for the Velero server');
    expect(startApply(base, 'reconfigure', 's').apply).toMatchObject({
      kind: 'reconfigure',
      phases: [{ id: 'configure' }, { id: 'wait-deployment' }, { id: 'permissions' }, { id: 'verify' }],
    });
    expect(() => requireNoApply({ ...w, apply: { ...w.apply!, state: 'succeeded' } })).toThrow(/already applied/);
    expect(() => requireNoApply({ ...w, apply: { ...w.apply!, state: 'failed' } })).not.toThrow();
  });

  it('resume needs the secrets the remaining phases use, and resets only unfinished phases', () => {
    const started = startApply(
      {
        ...base,
        destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'e' },
        registry: { host: 'r', username: 'u', credentials: 'entered', source: 'entered' },
      },
      'install',
      's',
    );
    const failed = failApply(withPhase(withPhase(started, 0, { state: 'succeeded' }), 1, { state: 'interrupted' }), {
      cancelled: false,
      error: { code: 'X', message: 'm' },
      diagnosis: ['d'],
      nextStep: 'n',
    });
    const held = { destination: true, registryPassword: true, destinationNeedsSecrets: true };
    expect(() => requireResumable(failed, { ...held, destination: false })).toThrow(/destination's credentials/);
    const a = requireResumable(failed, held);
    const r = resumeApply(failed, a);
    expect(r.apply).toMatchObject({ state: 'running', diagnosis: [], error: undefined });
    expect(r.apply!.phases.slice(0, 3).map((p) => [p.state, p.message])).toEqual([
      ['succeeded', undefined],
      ['pending', 'Resumed after an interruption.'],
      ['pending', undefined],
    ]);
    const prepareLeft = failApply(started, { cancelled: true, error: { code: 'C', message: 'c' }, diagnosis: [], nextStep: '' });
    expect(() => requireResumable(prepareLeft, { ...held, registryPassword: false })).toThrow(/registry password/);
    expect(() => requireResumable(base, held)).toThrow(/no interrupted or failed apply/);
  });

  it('an apply is done only when verified; a later passing verification completes it', () => {
    const w = startApply(base, 'reconfigure', 's');
    expect(finishApply(w)).toMatchObject({ step: 'apply', apply: { state: 'failed', error: { code: 'SETUP_FAILED' } } });
    expect(finishApply({ ...w, verification: { ok: true, checks: [], plugins: [], at: '' } })).toMatchObject({ step: 'done', apply: { state: 'succeeded' } });
    expect(finishApply(startUninstall(base, 'velero', 's'))).toMatchObject({ step: 'done', apply: { kind: 'uninstall', state: 'succeeded' } });
    const onlyVerifyLeft = {
      ...w,
      apply: {
        ...w.apply!,
        state: 'failed' as const,
        phases: w.apply!.phases.map((p) => (p.id === 'verify' ? { ...p, state: 'failed' as const } : { ...p, state: 'succeeded' as const })),
      },
    };
    expect(afterVerify(onlyVerifyLeft, true)).toMatchObject({
      step: 'done',
      apply: { state: 'succeeded', phases: expect.arrayContaining([expect.objectContaining({ id: 'verify', state: 'succeeded', message: 'Verified.' })]) },
    });
    expect(afterVerify(onlyVerifyLeft, false)).toBeUndefined();
    expect(afterVerify(w, true)).toBeUndefined();
  });
});
