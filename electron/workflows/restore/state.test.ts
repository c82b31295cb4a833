import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WizardStore, initialWizard, requireStep, runActive } from './state.js';

describe('restore wizard state', () => {
  it('persists atomically and loads back; a broken file starts over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-wiz-'));
    const store = new WizardStore(dir);
    expect(store.load().step).toBe('situation');
    store.save({ ...initialWizard(), step: 'type', situation: 'same-cluster', backup: 'b1' });
    expect(new WizardStore(dir).load()).toMatchObject({ step: 'type', backup: 'b1' });
    expect(JSON.parse(readFileSync(store.file, 'utf8')).backup).toBe('b1');
    writeFileSync(store.file, '{"step":"nonsense"}');
    expect(store.load().step).toBe('situation');
  });

  it('refuses out-of-order steps and any change while a run is active', () => {
    const w = initialWizard();
    expect(() => requireStep(w, 'type')).toThrow(expect.objectContaining({ code: 'WIZARD_OUT_OF_ORDER' }));
    expect(() => requireStep({ ...w, situation: 'same-cluster' }, 'backup')).not.toThrow();
    expect(() => requireStep({ ...w, situation: 'same-cluster', backup: 'b', type: 'app' }, 'run')).toThrow(/Pick a backup/);
    const running = {
      ...w,
      situation: 'same-cluster' as const,
      backup: 'b',
      type: 'app' as const,
      appSlug: 'x',
      run: {
        id: '1',
        backup: 'b',
        type: 'app' as const,
        appSlugs: ['x'],
        kotsadmNamespace: 'kotsadm',
        veleroNamespace: 'velero',
        startedAt: '',
        state: 'running' as const,
        steps: [],
        restores: [],
      },
    };
    expect(runActive(running)).toBe(true);
    expect(() => requireStep(running, 'situation')).toThrow(expect.objectContaining({ code: 'RESTORE_IN_PROGRESS' }));
    expect(runActive({ ...running, run: { ...running.run, state: 'failed' } })).toBe(false);
  });
});
