import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract.js';
import { WizardMachine } from './machine.js';
import { memMachine } from './restore.test-fixtures.js';
import { WizardStore } from './state.js';

describe('WizardMachine', () => {
  it('persists a change before announcing it, and holds what was persisted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-machine-'));
    const store = new WizardStore(dir);
    const order: string[] = [];
    const m = new WizardMachine(store, (w) => order.push(`announced ${JSON.parse(readFileSync(store.file, 'utf8')).step}=${w.step}`));
    const w = m.save({ ...m.wizard, step: 'backup', situation: 'same-cluster' });
    expect(order).toEqual(['announced backup=backup']);
    expect(m.wizard).toBe(w);
    expect(new WizardStore(dir).load()).toMatchObject({ step: 'backup', situation: 'same-cluster' });
  });

  it('drops the writes of a detached generation', () => {
    const { m, saved, announced } = memMachine();
    const gen = m.generation;
    m.detach();
    expect(m.isCurrent(gen)).toBe(false);
    const before = m.wizard;
    expect(m.save({ ...before, step: 'report' }, gen)).toBe(before);
    expect(saved).toEqual([]);
    expect(announced).toEqual([]);
    m.save({ ...before, step: 'backup' });
    expect(m.wizard.step).toBe('backup');
  });

  it('fresh keeps only the situation', () => {
    const { m } = memMachine({ step: 'type', situation: 'new-cluster', backup: 'b', readOnlyDuringRestore: true });
    expect(m.fresh()).toMatchObject({ step: 'situation', situation: 'new-cluster', readOnlyDuringRestore: false });
    expect(m.fresh().backup).toBeUndefined();
  });

  it('a re-seed left running by a closed Lifeboat loads as interrupted, persisted but not announced', () => {
    const registry: RestoreWizard['registry'] = { reason: 'r', state: 'running', jobId: 'j1', source: '/x' };
    const { m, saved, announced } = memMachine({ step: 'registry', registry });
    expect(m.wizard.registry).toMatchObject({
      state: 'interrupted',
      jobId: 'j1',
      error: { code: 'REGISTRY_FAILED', message: 'Lifeboat was closed while the re-seed ran.' },
    });
    expect(saved).toHaveLength(1);
    expect(announced).toEqual([]);
  });
});
