import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../../api/errors.js';
import type { RegistryClient } from '../../registry/client.js';
import type { Access } from './access.js';
import type { RegistrySnapshot } from './detect.js';
import { countTags, describeRegistry, errView } from './detection.js';

const snap = (over: Partial<RegistrySnapshot> = {}): RegistrySnapshot => ({
  flavour: 'kurl',
  airgapped: true,
  namespaces: ['kurl'],
  registryCreds: { namespace: 'kurl', host: 'reg:443', labels: {} },
  credentials: [],
  backupAnnotationHosts: [],
  fileSystemBackup: false,
  ...over,
});

function fakeClient(tags: Record<string, string[] | Error>) {
  const state = { closed: false };
  const client = {
    catalog: async () => Object.keys(tags),
    tags: async (repo: string) => {
      const t = tags[repo]!;
      if (t instanceof Error) throw t;
      return t;
    },
    close: () => {
      state.closed = true;
    },
  } as unknown as RegistryClient;
  return { client, state };
}
const access: Access = {
  host: 'reg:443',
  credential: { host: 'reg:443', username: 'u', password: 'p', source: 'Secret kurl/registry-creds' },
  caSource: 'system roots',
};

describe('describeRegistry', () => {
  it('lists repositories sorted with their tag counts (0 when unlistable), and closes the client', async () => {
    const { client, state } = fakeClient({ zeta: ['1'], alpha: ['1', '2'], broken: new Error('nope') });
    const info = await describeRegistry(snap(), async () => ({ access, client }));
    expect(info).toMatchObject({
      found: true,
      host: 'reg:443',
      reachable: true,
      credentialsSource: 'Secret kurl/registry-creds',
      caSource: 'system roots',
      tagCount: 3,
    });
    expect(info.repositories).toEqual([
      { name: 'alpha', tags: 2 },
      { name: 'broken', tags: 0 },
      { name: 'zeta', tags: 1 },
    ]);
    expect(state.closed).toBe(true);
    expect(await countTags(fakeClient({ b: [], a: ['x'] }).client)).toEqual([
      { name: 'a', tags: 1 },
      { name: 'b', tags: 0 },
    ]);
  });

  it('without an address: reports what it found, contacts nothing', async () => {
    let opened = false;
    const info = await describeRegistry(snap({ registryCreds: undefined }), async () => ((opened = true), { access, client: fakeClient({}).client }));
    expect(opened).toBe(false);
    expect(info).toMatchObject({ reachable: false, host: undefined, repositories: [] });
  });

  it('a failure to log in becomes a coverage check; an unconfirmed address asks for confirmation instead; BAD_INPUT is thrown', async () => {
    const unreachable = await describeRegistry(snap(), async () => {
      throw new LifeboatError('REGISTRY_UNREACHABLE', 'refused', 'start it');
    });
    expect(unreachable.error).toEqual({ code: 'REGISTRY_UNREACHABLE', message: 'refused', hint: 'start it' });
    expect(unreachable.coverage.at(-1)).toMatchObject({
      ok: false,
      severity: 'error',
      title: expect.stringContaining('reg:443'),
      reason: 'refused',
      fix: 'start it',
    });
    const annotated = snap({ registryCreds: undefined, backupAnnotationHosts: ['http://10.0.0.5:5000'] });
    const unconfirmed = await describeRegistry(annotated, async () => {
      throw new LifeboatError('CONFIRMATION_MISMATCH', 'confirm it');
    });
    expect(unconfirmed.hostConfirmation).toEqual({ host: '10.0.0.5:5000', source: expect.stringContaining('kots.io/embedded-registry'), plainHttp: true });
    expect(unconfirmed.coverage.some((c) => c.title.startsWith('Lifeboat cannot read'))).toBe(false);
    await expect(
      describeRegistry(snap(), async () => {
        throw new LifeboatError('BAD_INPUT', 'bad CA path');
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('errView keeps code, message and hint only', () => {
    expect(errView(new LifeboatError('REGISTRY_FAILED', 'm', 'h', { secret: 'x' }))).toEqual({ code: 'REGISTRY_FAILED', message: 'm', hint: 'h' });
    expect(errView(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('boom') });
  });
});
