/**
 * The restore area's handlers: every contract method of the `restore` block is mapped, each to the
 * service method it names, with the input's fields in the service's argument order, and the
 * service's answer is what the handler returns. The service is a recording stand-in.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { methods } from '../../api/contract.js';
import type { Services } from '../services.js';
import { restoreHandlers } from './handlers.js';

const recorded = vi.hoisted(() => ({ constructed: [] as unknown[][], calls: [] as Array<{ method: string; args: unknown[] }> }));

vi.mock('./service.js', () => ({
  /** Each method records its arguments and answers a value naming itself. */
  RestoreService: class {
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

  it('maps every method of the restore block, and nothing else', () => {
    const contract = Object.keys(methods).filter((m) => m.startsWith('restore.'));
    expect(Object.keys(restoreHandlers(services)).sort()).toEqual(contract.sort());
    expect(CASES.map(([m]) => m).sort()).toEqual(contract.sort());
  });

  it.each(CASES)('%s calls the service with its input and returns its answer', async (method, input, serviceMethod, args) => {
    const handlers = restoreHandlers(services) as unknown as Record<string, (input: unknown) => unknown>;
    const answer = await handlers[method](input);
    expect(recorded.calls).toEqual([{ method: serviceMethod, args }]);
    expect(answer).toEqual({ answerOf: serviceMethod });
  });
});
