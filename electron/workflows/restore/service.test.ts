/**
 * The facade's own wiring: every module shares one persisted wizard, each move is written to
 * wizard.json and announced on the bus, and the connection listener is released on dispose. The
 * modules' behaviour is tested beside each of them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract.js';
import { EventBus } from '../../events.js';
import type { Services } from '../services.js';
import { RestoreService } from './service.js';

let cleanup: Array<() => unknown> = [];
afterEach(() => {
  for (const c of cleanup.reverse()) c();
  cleanup = [];
});

function service(persisted?: RestoreWizard) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-restore-svc-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  if (persisted) {
    mkdirSync(join(dataDir, 'restore'), { recursive: true });
    writeFileSync(join(dataDir, 'restore', 'wizard.json'), JSON.stringify(persisted));
  }
  const bus = new EventBus();
  const events: Array<{ event: string; step?: string }> = [];
  bus.on((event, payload) => events.push({ event, step: (payload as RestoreWizard).step }));
  let listeners = 0;
  const services = {
    bus,
    dataDir,
    env: {},
    journal: { record: () => {} },
    detector: { get: () => null },
    cluster: { isConnected: () => false, onConnectionChange: () => (listeners++, () => listeners--) },
  } as unknown as Services;
  const svc = new RestoreService(services);
  const onDisk = () => JSON.parse(readFileSync(join(dataDir, 'restore', 'wizard.json'), 'utf8')) as RestoreWizard;
  return { svc, events, onDisk, listeners: () => listeners };
}

describe('RestoreService (facade)', () => {
  it('each move is persisted, then announced, and every module sees the same wizard', () => {
    const { svc, events, onDisk } = service();
    const w = svc.setSituation('same-cluster');
    expect(onDisk()).toMatchObject({ step: 'backup', situation: 'same-cluster' });
    expect(events).toEqual([{ event: 'restore.changed', step: 'backup' }]);
    expect(svc.state()).toBe(w);
    expect(svc.back('situation').step).toBe('situation');
    expect(onDisk().step).toBe('situation');
    expect(svc.reset()).toMatchObject({ step: 'situation' });
    expect(events.map((e) => e.step)).toEqual(['backup', 'situation', 'situation']);
  });

  it('a re-seed left running by a closed Lifeboat is shown as interrupted', () => {
    const { svc } = service({
      step: 'registry',
      readOnlyDuringRestore: false,
      situation: 'new-cluster',
      backup: 'b',
      type: 'app',
      appSlug: 'a',
      registry: { reason: 'r', state: 'running', jobId: 'j' },
      updatedAt: 't',
    });
    expect(svc.state().registry).toMatchObject({ state: 'interrupted', error: { code: 'REGISTRY_FAILED' } });
    expect(() => svc.registryContinue()).toThrow(expect.objectContaining({ code: 'WIZARD_OUT_OF_ORDER' }));
  });

  it('without a run: check, report and resume are refused', async () => {
    const { svc } = service();
    await expect(svc.verify()).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER', message: 'There is no restore to check.' });
    expect(() => svc.report()).toThrow(expect.objectContaining({ code: 'WIZARD_OUT_OF_ORDER' }));
    await expect(svc.resume('x')).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER', message: 'There is no restore to continue.' });
    await expect(svc.start('x')).rejects.toMatchObject({ code: 'WIZARD_OUT_OF_ORDER' });
  });

  it('dispose releases the connection listener', async () => {
    const { svc, listeners } = service();
    expect(listeners()).toBe(1);
    svc.dispose();
    expect(listeners()).toBe(0);
    await svc.settled();
  });
});
