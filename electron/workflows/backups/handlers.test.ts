/**
 * The backups area's handlers: every contract method of the `backups` block is mapped, each to the
 * service method it names, with the input's fields in the service's argument order, and the
 * service's answer is what the handler returns. The service is a recording stand-in.
 */
import { describe, expect, it, vi } from 'vitest';
import { handlerMapTests, type HandlerCase } from '../handlers.test-fixtures.js';
import type { Services } from '../services.js';
import { backupsHandlers } from './handlers.js';

const recorded = vi.hoisted(() => ({ constructed: [] as unknown[][], calls: [] as Array<{ method: string; args: unknown[] }> }));

vi.mock('./service.js', async () => ({ BackupsService: (await import('../handlers.test-fixtures.js')).recordingService(recorded) }));

const services = { dataDir: '/data' } as unknown as Services;

const CASES: HandlerCase[] = [
  ['backups.list', {}, 'list', []],
  ['backups.rows', {}, 'rows', []],
  ['backups.readiness', {}, 'readiness', []],
  [
    'backups.create',
    { kind: 'full', appSlug: 'shop', exportRegistry: true, registryDest: '/exports/x' },
    'create',
    [{ kind: 'full', appSlug: 'shop', exportRegistry: true, registryDest: '/exports/x' }],
  ],
  ['backups.followed', {}, 'followed', []],
  ['backups.detail', { name: 'instance-abc' }, 'detail', ['instance-abc']],
  ['backups.log', { name: 'instance-abc', offset: 10, limit: 20 }, 'log', ['instance-abc', 10, 20]],
  ['backups.delete', { name: 'instance-abc', confirm: 'instance-abc' }, 'delete', ['instance-abc', 'instance-abc']],
  ['backups.hooks', {}, 'hooks', []],
  ['backups.schedule', {}, 'schedule', []],
  ['backups.checkCron', { schedule: '0 3 * * *' }, 'checkCron', ['0 3 * * *']],
  ['backups.setSchedule', { autoEnabled: true, schedule: '@daily' }, 'setSchedule', [true, '@daily']],
  ['backups.setRetention', { value: 7, unit: 'days' }, 'setRetention', [7, 'days']],
];

describe('backupsHandlers', () => {
  it('builds one service from the shared services and the options given', () => {
    const opts = { adminApi: {} as never };
    backupsHandlers(services, opts);
    expect(recorded.constructed).toEqual([[services, opts]]);
  });

  handlerMapTests('backups', () => backupsHandlers(services), CASES, recorded);

  it('backups.create passes only the fields the service takes', async () => {
    const handlers = backupsHandlers(services) as unknown as Record<string, (input: unknown) => unknown>;
    await handlers['backups.create']({ kind: 'partial', appSlug: 'shop', extra: 'dropped' });
    expect(recorded.calls).toEqual([{ method: 'create', args: [{ kind: 'partial', appSlug: 'shop', exportRegistry: undefined, registryDest: undefined }] }]);
  });
});
