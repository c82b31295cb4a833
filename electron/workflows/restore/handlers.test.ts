/**
 * The restore area's handlers: every contract method of the `restore` block is mapped, each to the
 * service method it names, with the input's fields in the service's argument order, and the
 * service's answer is what the handler returns. The service is a recording stand-in.
 */
import { describe, expect, it, vi } from 'vitest';
import { handlerMapTests, type HandlerCase } from '../handlers.test-fixtures.js';
import type { Services } from '../services.js';
import { restoreHandlers } from './handlers.js';

const recorded = vi.hoisted(() => ({ constructed: [] as unknown[][], calls: [] as Array<{ method: string; args: unknown[] }> }));

vi.mock('./service.js', async () => ({ RestoreService: (await import('../handlers.test-fixtures.js')).recordingService(recorded) }));

const services = { dataDir: '/data' } as unknown as Services;

const CASES: HandlerCase[] = [
  ['restore.state', {}, 'state', []],
  ['restore.setSituation', { situation: 'same-cluster', readOnlyDuringRestore: true }, 'setSituation', ['same-cluster', true]],
  ['restore.storage', {}, 'storage', []],
  ['restore.backups', {}, 'backups', []],
  ['restore.selectBackup', { backup: 'instance-abc' }, 'selectBackup', ['instance-abc']],
  ['restore.selectType', { type: 'full' }, 'selectType', ['full']],
  ['restore.preview', {}, 'preview', []],
  ['restore.back', { step: 'backup' }, 'back', ['backup']],
  ['restore.registryArchives', {}, 'registryArchives', []],
  ['restore.registryPlan', { source: '/exports/x', caPath: '/ca.pem' }, 'registryPlan', ['/exports/x', '/ca.pem']],
  ['restore.registryReseed', { source: '/exports/x', caPath: '/ca.pem' }, 'registryReseed', ['/exports/x', '/ca.pem']],
  ['restore.registrySkip', {}, 'registrySkip', []],
  ['restore.registryContinue', {}, 'registryContinue', []],
  ['restore.start', { confirm: 'instance-abc' }, 'start', ['instance-abc']],
  ['restore.resume', { confirm: 'instance-abc' }, 'resume', ['instance-abc']],
  ['restore.verify', {}, 'verify', []],
  ['restore.report', {}, 'report', []],
  ['restore.reset', {}, 'reset', []],
];

describe('restoreHandlers', () => {
  it('builds one service from the shared services and the options given', () => {
    const opts = { appVersion: '1.2.3' };
    restoreHandlers(services, opts);
    expect(recorded.constructed).toEqual([[services, opts]]);
  });

  handlerMapTests('restore', () => restoreHandlers(services), CASES, recorded);
});
