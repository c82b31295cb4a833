import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../api/contract.js';
import { SetupStore, markInterrupted, requireStep, upgradeOffer } from './state.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };

describe('setup wizard state', () => {
  it('upgrade is offered only for an older Velero (or an unknown version), with the reason', () => {
    expect(upgradeOffer('v1.17.1', 'v1.18.3')).toEqual({ ok: true, reason: 'Velero v1.17.1 → v1.18.3.' });
    expect(upgradeOffer('1.18.2', '1.18.3')).toEqual({ ok: true, reason: 'Velero v1.18.2 → v1.18.3.' });
    expect(upgradeOffer('v1.18.3', 'v1.18.3')).toMatchObject({ ok: false, reason: expect.stringMatching(/same version/) });
    expect(upgradeOffer('v1.19.0', 'v1.18.3')).toMatchObject({ ok: false, reason: expect.stringMatching(/newer than/) });
    expect(upgradeOffer(undefined, 'v1.18.3')).toMatchObject({ ok: true, reason: expect.stringMatching(/unknown/) });
  });

  it('every save gets a higher revision, across restarts and a start-over object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-setup-rev-'));
    const store = new SetupStore(dir);
    const a = store.save({ ...store.load(creds), step: 'destination' });
    const b = store.save({ ...a, step: 'review' });
    expect(b.rev!).toBeGreaterThan(a.rev!);
    const again = new SetupStore(dir);
    const loaded = again.load(creds);
    const fresh = again.save({ step: 'preflight', veleroNamespace: 'velero', credentials: creds, updatedAt: '' });
    expect(loaded.rev).toBe(b.rev);
    expect(fresh.rev!).toBeGreaterThan(b.rev!);
  });

  it('persists atomically and reloads; a broken file starts over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-setup-state-'));
    const store = new SetupStore(dir);
    expect(store.load(creds).step).toBe('preflight');
    store.save({ ...store.load(creds), step: 'images', mode: 'install' });
    expect(new SetupStore(dir).load(creds)).toMatchObject({ step: 'images', mode: 'install' });
    writeFileSync(store.file, '{broken');
    expect(new SetupStore(dir).load(creds).step).toBe('preflight');
  });

  it('an apply found running at start is interrupted, with the running phase marked', () => {
    const w: SetupWizard = {
      step: 'apply',
      veleroNamespace: 'velero',
      credentials: creds,
      updatedAt: '',
      apply: {
        kind: 'install',
        state: 'running',
        startedAt: '',
        diagnosis: [],
        phases: [
          { id: 'install', title: 'i', state: 'succeeded' },
          { id: 'wait-deployment', title: 'w', state: 'running' },
          { id: 'verify', title: 'v', state: 'pending' },
        ],
      },
    };
    const m = markInterrupted(w);
    expect(m.apply!.state).toBe('interrupted');
    expect(m.apply!.phases.map((p) => p.state)).toEqual(['succeeded', 'interrupted', 'pending']);
    expect(m.apply!.nextStep).toMatch(/without installing twice/);
    expect(() => requireStep(w, 'review')).toThrow(/applying changes/);
  });

  it('refuses steps out of order', () => {
    const w: SetupWizard = { step: 'preflight', veleroNamespace: 'velero', credentials: creds, updatedAt: '' };
    expect(() => requireStep(w, 'destination')).toThrow(/preflight/);
    expect(() => requireStep({ ...w, preflight: { checks: [], at: '', airgap: true }, mode: 'install' }, 'images')).toThrow(/destination/);
    expect(() => requireStep(w, 'apply')).toThrow(/Review/);
  });

  it('never writes secrets: the schema has no place for them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-setup-state-'));
    const store = new SetupStore(dir);
    store.save({ ...store.load(creds), secrets: { secretAccessKey: 'S3CRET' } } as unknown as SetupWizard);
    expect(new SetupStore(dir).load(creds)).not.toHaveProperty('secrets');
    void readFileSync;
  });
});
