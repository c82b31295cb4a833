import { describe, expect, it } from 'vitest';
import type { Environment, SetupImage, SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { RegistryStep, parseRegistry, type RegistryStepDeps } from './registryStep.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const w: SetupWizard = {
  step: 'images',
  veleroNamespace: 'velero',
  veleroVersion: 'v1.18.3',
  credentials: creds,
  updatedAt: '',
  mode: 'install',
  destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'e' },
  validation: { ok: true, online: true, checks: [], note: '', at: '' },
};
const env = { kots: { registry: { host: 'reg:5000', namespace: 'lb', hasCredentials: true } } } as unknown as Environment;

function step(extra: Partial<RegistryStepDeps> = {}) {
  const m = {
    w,
    save(n: SetupWizard) {
      this.w = n;
      return n;
    },
    state() {
      return this.w;
    },
  };
  let password: string | undefined;
  const pushed: string[] = [];
  const s = new RegistryStep({
    m,
    secrets: { getRegistryPassword: () => password, setRegistryPassword: (p) => (password = p) },
    env: () => env,
    processEnv: {},
    resources: () => ({}),
    kotsCredentials: async (host) => (host === 'reg:5000' ? { username: 'kots', password: 'kp' } : undefined),
    registry: {
      check: async (_a, images) => images.map((i, k) => ({ ...i, state: k === 0 ? 'present' : 'missing' })),
      push: async (a, img: SetupImage, onBytes) => (pushed.push(`${a.username}:${a.password}@${img.target}`), onBytes(10, 10), { ...img, bytesTotal: 10 }),
    },
    ...extra,
  });
  return { s, m, pushed, password: () => password };
}

describe('setup images step', () => {
  it('reads the registry as host[:port] and a path under it', () => {
    expect(parseRegistry({ host: 'https://reg:5000/', namespace: '/lb/velero/' })).toEqual({ host: 'reg:5000', namespace: 'lb/velero' });
    expect(parseRegistry({ host: 'reg' })).toEqual({ host: 'reg', namespace: undefined });
    expect(() => parseRegistry({ host: 'reg/x' })).toThrow(/not a registry host/);
  });

  it('with KOTS credentials: plans the images, says where the registry came from, and checks them', async () => {
    const { s, m, password } = step();
    expect(s.defaults()).toEqual({ host: 'reg:5000', namespace: 'lb', hasKotsCredentials: true });
    const r = await s.set({ host: 'reg:5000', namespace: 'lb', useKotsCredentials: true });
    expect(r.registry).toMatchObject({ host: 'reg:5000', username: 'kots', credentials: 'kots', source: expect.stringMatching(/^KOTS/) });
    expect(password()).toBe('kp');
    expect(m.w.images!.map((i) => [i.target, i.state])).toEqual([
      ['reg:5000/lb/velero:v1.18.3', 'present'],
      ['reg:5000/lb/velero-plugin-for-aws:v1.14.3', 'missing'],
    ]);
    await expect(s.set({ host: 'other:5000', useKotsCredentials: true })).rejects.toThrow(/no credentials issued for other:5000/);
  });

  it('a failed check marks every image with the reason', async () => {
    const { s, m } = step({
      registry: {
        check: async () => {
          throw new LifeboatError('REGISTRY_UNREACHABLE', 'TLS handshake');
        },
        push: async () => {
          throw new Error('no');
        },
      },
    });
    await expect(s.set({ host: 'reg2', password: 'p', username: 'u' })).rejects.toThrow(/TLS handshake/);
    expect(m.w.images!.map((i) => [i.state, i.message])).toEqual([
      ['error', 'TLS handshake'],
      ['error', 'TLS handshake'],
    ]);
    expect(m.w.registry?.credentials).toBe('entered');
  });

  it('pushes what is missing in the background, one push at a time', async () => {
    const { s, m, pushed } = step();
    await s.set({ host: 'reg:5000', namespace: 'lb', username: 'u', password: 'pw' });
    for (const i of m.w.images!) i.archive = '/a.oci.tar';
    s.push();
    expect(() => s.push()).toThrow(/being pushed already/);
    await s.pushing;
    expect(pushed).toEqual(['u:pw@reg:5000/lb/velero-plugin-for-aws:v1.14.3']);
    expect(m.w.images!.map((i) => i.state)).toEqual(['present', 'pushed']);
    expect(s.pushing).toBeUndefined();
  });

  it('refuses to push an image Lifeboat has no archive of', async () => {
    const { s, m } = step();
    await s.set({ host: 'reg:5000' });
    for (const i of m.w.images!) i.archive = undefined;
    expect(() => s.push()).toThrow(/no archive of velero\/velero-plugin-for-aws:v1\.14\.3/);
  });
});
