/**
 * The backups area's handlers: every contract method of the `backups` block is mapped, each to the
 * service method it names, with the input's fields in the service's argument order, and the
 * service's answer is what the handler returns. The service is a recording stand-in.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { methods } from '../../api/contract.js';
import type { Services } from '../services.js';
import { backupsHandlers } from './handlers.js';

const recorded = vi.hoisted(() => ({ constructed: [] as unknown[][], calls: [] as Array<{ method: string; args: unknown[] }> }));

vi.mock('./service.js', () => ({
  /** Each method records its arguments and answers a value naming itself. */
  BackupsService: class {
    constructor(...args: unknown[]) {
      recorded.constructed.push(args);
      return new Proxy(this, {
        get:
          (_target, method) =>
          (...args: unknown[]) => {
            recorded.calls.push({ method: String(method), args });
            return { answerOf: String(method) };
          },
      });
    }
  },
}));

const services = { dataDir: '/data' } as unknown as Services;

beforeEach(() => {
  recorded.constructed.length = 0;
  recorded.calls.length = 0;
});

/** Contract method → the input it is called with → the service call expected. */
const CASES: Array<[string, Record<string, unknown>, string, unknown[]]> = [
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

  it('maps every method of the backups block, and nothing else', () => {
    const contract = Object.keys(methods).filter((m) => m.startsWith('backups.'));
    expect(Object.keys(backupsHandlers(services)).sort()).toEqual(contract.sort());
    expect(CASES.map(([m]) => m).sort()).toEqual(contract.sort());
  });

  it.each(CASES)('%s calls the service with its input and returns its answer', async (method, input, serviceMethod, args) => {
    const handlers = backupsHandlers(services) as unknown as Record<string, (input: unknown) => unknown>;
    const answer = await handlers[method](input);
    expect(recorded.calls).toEqual([{ method: serviceMethod, args }]);
    expect(answer).toEqual({ answerOf: serviceMethod });
  });

  it('backups.create passes only the fields the service takes', async () => {
    const handlers = backupsHandlers(services) as unknown as Record<string, (input: unknown) => unknown>;
    await handlers['backups.create']({ kind: 'partial', appSlug: 'shop', extra: 'dropped' });
    expect(recorded.calls).toEqual([{ method: 'create', args: [{ kind: 'partial', appSlug: 'shop', exportRegistry: undefined, registryDest: undefined }] }]);
  });
});
