/**
 * The setup area's handlers: every contract method of the `setup` block is mapped, each to the
 * service method it names with the input's fields in the service's argument order, and the
 * service's answer is what the handler returns. Inside Electron, once safeStorage answers, calls go
 * to a service that remembers secrets with it. The service and the secret keeper are stand-ins.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { methods } from '../../api/contract.js';
import type { Services } from '../services.js';
import { setupHandlers } from './handlers.js';
import type { SetupService } from './service.js';

const recorded = vi.hoisted(() => ({
  services: [] as Array<{ args: unknown[]; calls: Array<{ method: string; args: unknown[] }> }>,
  keepers: [] as unknown[][],
  safe: undefined as unknown,
}));

vi.mock('./service.js', () => ({
  /** Each method records its arguments on the instance it was called on and answers a value naming itself. */
  SetupService: class {
    constructor(...args: unknown[]) {
      const me = { args, calls: [] as Array<{ method: string; args: unknown[] }> };
      recorded.services.push(me);
      return new Proxy(this, {
        get:
          (_target, method) =>
          (...callArgs: unknown[]) => {
            me.calls.push({ method: String(method), args: callArgs });
            return { answerOf: String(method) };
          },
      });
    }
  },
}));

vi.mock('./secrets.js', () => ({
  SecretKeeper: class {
    static safeStorage = () => Promise.resolve(recorded.safe);
    constructor(...args: unknown[]) {
      recorded.keepers.push(args);
    }
  },
}));

const services = { dataDir: '/data' } as unknown as Services;
type Called = Record<string, (input: unknown) => unknown>;

beforeEach(() => {
  recorded.services.length = 0;
  recorded.keepers.length = 0;
  recorded.safe = undefined;
});

/** Contract method → the input it is called with → the service call expected. */
const CASES: Array<[string, Record<string, unknown>, string, unknown[]]> = [
  ['setup.state', {}, 'state', []],
  ['setup.preflight', {}, 'preflight', []],
  ['setup.chooseMode', { mode: 'install' }, 'chooseMode', ['install']],
  [
    'setup.validateDestination',
    { destination: { provider: 'hostpath', path: '/backups' }, secrets: { accessKeyId: 'AK' }, remember: true },
    'validateDestination',
    [{ provider: 'hostpath', path: '/backups' }, { accessKeyId: 'AK' }, true],
  ],
  ['setup.forgetSecrets', {}, 'forgetSecrets', []],
  ['setup.setRegistry', { host: 'reg.local:5000', namespace: 'lifeboat' }, 'setRegistry', [{ host: 'reg.local:5000', namespace: 'lifeboat' }]],
  ['setup.checkImages', {}, 'checkImages', []],
  ['setup.pushImages', {}, 'pushImages', []],
  ['setup.review', {}, 'review', []],
  ['setup.apply', {}, 'apply', []],
  ['setup.resume', {}, 'resume', []],
  ['setup.cancel', {}, 'cancel', []],
  ['setup.verify', {}, 'verify', []],
  ['setup.back', { step: 'destination' }, 'back', ['destination']],
  ['setup.changeDestination', {}, 'changeDestination', []],
  ['setup.uninstall', { confirm: 'velero' }, 'uninstall', ['velero']],
  ['setup.reset', {}, 'reset', []],
];

describe('setupHandlers', () => {
  it('maps every method of the setup block, and nothing else', () => {
    const contract = Object.keys(methods).filter((m) => m.startsWith('setup.'));
    expect(Object.keys(setupHandlers(services)).sort()).toEqual(contract.sort());
    expect(CASES.map(([m]) => m).sort()).toEqual(contract.sort());
  });

  it.each(CASES)('%s calls the service with its input and returns its answer', async (method, input, serviceMethod, args) => {
    const handlers = setupHandlers(services) as unknown as Called;
    expect(await handlers[method](input)).toEqual({ answerOf: serviceMethod });
    expect(recorded.services).toHaveLength(1);
    expect(recorded.services[0].calls).toEqual([{ method: serviceMethod, args }]);
  });

  it('builds its service from the shared services, or uses the one given', () => {
    setupHandlers(services);
    expect(recorded.services.map((s) => s.args)).toEqual([[services]]);
    const given = { state: vi.fn(() => 'given state') } as unknown as SetupService;
    const handlers = setupHandlers(services, given) as unknown as Called;
    expect(handlers['setup.state']({})).toBe('given state');
    expect(recorded.services).toHaveLength(1);
  });

  describe('inside Electron', () => {
    const had = Object.getOwnPropertyDescriptor(process.versions, 'electron');
    beforeEach(() => Object.defineProperty(process.versions, 'electron', { value: '99.0.0', configurable: true, enumerable: true }));
    afterEach(() => {
      if (had) Object.defineProperty(process.versions, 'electron', had);
      else delete (process.versions as Record<string, string | undefined>).electron;
    });

    it('once safeStorage answers, later calls go to a service that remembers secrets with it', async () => {
      const safe = { name: 'safeStorage' };
      recorded.safe = safe;
      const handlers = setupHandlers(services) as unknown as Called;
      handlers['setup.state']({});
      await vi.waitFor(() => expect(recorded.services).toHaveLength(2));
      expect(recorded.keepers).toEqual([['/data', safe]]);
      expect(recorded.services[1].args).toEqual([services, { secrets: expect.anything() }]);
      handlers['setup.review']({});
      expect(recorded.services[0].calls.map((c) => c.method)).toEqual(['state']);
      expect(recorded.services[1].calls.map((c) => c.method)).toEqual(['review']);
    });

    it('without safeStorage, keeps the service that holds secrets in memory', async () => {
      const handlers = setupHandlers(services) as unknown as Called;
      await new Promise((r) => setTimeout(r, 0));
      handlers['setup.review']({});
      expect(recorded.keepers).toEqual([]);
      expect(recorded.services).toHaveLength(1);
      expect(recorded.services[0].calls.map((c) => c.method)).toEqual(['review']);
    });

    it('a service given is kept: safeStorage is not asked', async () => {
      recorded.safe = { name: 'safeStorage' };
      const given = { review: vi.fn(() => 'given review') } as unknown as SetupService;
      const handlers = setupHandlers(services, given) as unknown as Called;
      await new Promise((r) => setTimeout(r, 0));
      expect(handlers['setup.review']({})).toBe('given review');
      expect(recorded.services).toHaveLength(0);
      expect(recorded.keepers).toEqual([]);
    });
  });
});
