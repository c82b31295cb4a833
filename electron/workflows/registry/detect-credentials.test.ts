/**
 * Which credentials detection offers for the registry address, read from a fake API server: a
 * credential goes only to the host it was issued for (never the license login, never "all of
 * KOTS's"), and an address taken only from a backup annotation is unconfirmed.
 */
import { describe, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { readRegistrySnapshot, registryAddress, registryCredentials } from './detect.js';

const dockerConfig = (auths: Record<string, [string, string]>) =>
  Buffer.from(
    JSON.stringify({ auths: Object.fromEntries(Object.entries(auths).map(([h, [u, p]]) => [h, { auth: Buffer.from(`${u}:${p}`).toString('base64') }])) }),
  ).toString('base64');

/** A KubeConfig whose every API client answers from these objects (404 for anything else). */
function fakeKube(objs: { secrets?: Record<string, string>; namespaces?: string[]; backups?: Array<Record<string, string>> }): KubeConfig {
  const notFound = () => Promise.reject(Object.assign(new Error('not found'), { code: 404 }));
  const api = {
    readNamespace: ({ name }: { name: string }) => (objs.namespaces?.includes(name) ? Promise.resolve({ metadata: { name } }) : notFound()),
    readNamespacedDeployment: notFound,
    readNamespacedService: notFound,
    readNamespacedSecret: ({ name, namespace }: { name: string; namespace: string }) => {
      const data = objs.secrets?.[`${namespace}/${name}`];
      return data ? Promise.resolve({ metadata: { name, namespace, labels: {} }, data: { '.dockerconfigjson': data } }) : notFound();
    },
    listNamespacedCustomObject: () =>
      Promise.resolve({
        items: (objs.backups ?? []).map((annotations, i) => ({ metadata: { creationTimestamp: `2026-01-0${i + 1}T00:00:00Z`, annotations } })),
      }),
  };
  return { makeApiClient: () => api } as unknown as KubeConfig;
}

const env = { flavour: 'kurl' as const, airgapped: true, kotsNamespace: 'default' };
const KOTS = {
  'default/kotsadm-private-registry': dockerConfig({ 'elsewhere.example:5000': ['kots-push', 'push-secret'] }),
  'default/kotsadm-replicated-registry': dockerConfig({
    'proxy.replicated.com': ['license-id', 'license-id'],
    'registry.replicated.com': ['license-id', 'license-id'],
  }),
};

describe('readRegistrySnapshot / registryCredentials', () => {
  it('registry-creds missing, address from a backup annotation: no credential issued for another host is offered, and the address is unconfirmed', async () => {
    const snap = await readRegistrySnapshot(
      fakeKube({ namespaces: ['kurl'], secrets: KOTS, backups: [{ 'kots.io/embedded-registry': '10.96.0.12:5000' }] }),
      env,
    );
    const addr = registryAddress(snap);
    expect(addr).toMatchObject({ host: '10.96.0.12:5000', unconfirmed: true, plainHttp: false });
    expect(registryCredentials(snap, addr.host!)).toEqual([]);
  });

  it("only the entry issued for exactly the annotation's host is offered", async () => {
    const secrets = {
      ...KOTS,
      'default/kotsadm-private-registry': dockerConfig({ 'elsewhere.example:5000': ['kots-push', 'push-secret'], '10.96.0.12:5000': ['kurl', 'right'] }),
    };
    const snap = await readRegistrySnapshot(
      fakeKube({ namespaces: ['kurl'], secrets, backups: [{ 'kots.io/embedded-registry': 'http://10.96.0.12:5000' }] }),
      env,
    );
    const addr = registryAddress(snap);
    expect(addr).toMatchObject({ host: '10.96.0.12:5000', unconfirmed: true, plainHttp: true });
    expect(registryCredentials(snap, addr.host!).map((c) => [c.username, c.password, c.source])).toEqual([
      ['kurl', 'right', 'Secret default/kotsadm-private-registry'],
    ]);
  });

  it('registry-creds present: its host is confirmed; KOTS entries for the same host are fallbacks, the license login never', async () => {
    const secrets = {
      ...KOTS,
      'default/registry-creds': dockerConfig({ '10.96.0.10': ['kurl', 'kurl-pass'] }),
      'default/kotsadm-private-registry': dockerConfig({ 'https://10.96.0.10/': ['kots-push', 'push-secret'], 'elsewhere.example:5000': ['x', 'y'] }),
    };
    const snap = await readRegistrySnapshot(fakeKube({ namespaces: ['kurl'], secrets }), env);
    const addr = registryAddress(snap);
    expect(addr).toMatchObject({ host: '10.96.0.10', source: 'Secret default/registry-creds' });
    expect(addr.unconfirmed).toBeFalsy();
    expect(registryCredentials(snap, addr.host!).map((c) => c.username)).toEqual(['kurl', 'kots-push']);
  });
});
