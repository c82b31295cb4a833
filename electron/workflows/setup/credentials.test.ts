import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../api/contract.js';
import { PULL_SECRET, kotsRegistryCredentials, needsSecrets, privateRegistry, pullSecret, redactCommand, registryAccess } from './credentials.js';
import type { SetupKube } from '../../cluster/rest.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const w: SetupWizard = {
  step: 'images',
  veleroNamespace: 'velero',
  credentials: creds,
  updatedAt: '',
  registry: { host: 'reg:5000', namespace: 'lb', username: 'u', credentials: 'entered', source: 'entered' },
};

describe('setup credentials', () => {
  it('knows which destinations cannot be configured without secrets held', () => {
    expect(needsSecrets({ provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'e' })).toBe(true);
    expect(needsSecrets({ provider: 'aws', auth: 'instance-role', bucket: 'b', region: 'r' })).toBe(false);
    expect(needsSecrets({ provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r' })).toBe(true);
    expect(needsSecrets({ provider: 'gcp', auth: 'workload-identity', bucket: 'b' })).toBe(false);
    expect(needsSecrets({ provider: 'nfs', server: 's', path: '/p' })).toBe(false);
  });

  it('builds the pull secret as a docker config for the registry host only', () => {
    const s = pullSecret('velero', 'reg:5000', 'u', 'p:w');
    expect(s.metadata).toMatchObject({ name: PULL_SECRET, namespace: 'velero' });
    expect(s.type).toBe('kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(Buffer.from(s.data['.dockerconfigjson'], 'base64').toString('utf8'));
    expect(cfg).toEqual({ auths: { 'reg:5000': { username: 'u', password: 'p:w', auth: Buffer.from('u:p:w').toString('base64') } } });
  });

  it('redacts secret arguments and quotes those with spaces', () => {
    expect(redactCommand(['velero', '--secret', 'S3CRET', '--name', 'a b'], ['S3CRET'])).toBe("velero --secret <redacted> --name 'a b'");
  });

  it('a private registry counts only on an air-gapped cluster', () => {
    expect(privateRegistry(w)).toBeUndefined();
    expect(privateRegistry({ ...w, preflight: { checks: [], at: '', airgap: true } })).toEqual({ host: 'reg:5000', namespace: 'lb' });
  });

  it('registry access needs the registry entered, and carries the password held', () => {
    expect(() => registryAccess({ ...w, registry: undefined }, 'p', {})).toThrow(/private registry first/);
    expect(registryAccess(w, 'p', {})).toEqual({ host: 'reg:5000', namespace: 'lb', username: 'u', password: 'p', caPem: undefined });
  });

  it('asks the cluster for KOTS credentials only when the KOTS namespace is known', async () => {
    let asked = 0;
    const kube = () => {
      asked++;
      return { find: async () => undefined } as unknown as SetupKube;
    };
    expect(await kotsRegistryCredentials(kube, undefined, 'reg')).toBeUndefined();
    expect(asked).toBe(0);
    expect(await kotsRegistryCredentials(kube, 'kotsadm', 'reg')).toBeUndefined();
    expect(asked).toBe(1);
  });
});
