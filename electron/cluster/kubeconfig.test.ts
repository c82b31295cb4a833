import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors';
import { expiredCert, kubeconfigYaml } from './test-fixtures';
import { checkClientCertificate, discoverKubeconfigs, loadKubeconfig, parseKubeconfig, useContext, watchKubeconfig } from './kubeconfig';

function expectError(fn: () => unknown, code: string): LifeboatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LifeboatError);
    expect((e as LifeboatError).code).toBe(code);
    expect((e as LifeboatError).hint).toBeTruthy();
    return e as LifeboatError;
  }
  throw new Error('expected an error');
}

describe('kubeconfig discovery', () => {
  it('lists KUBECONFIG entries, ~/.kube/config, and kURL/Embedded Cluster admin.conf when present', () => {
    const present = new Set(['/a/one', '/home/op/.kube/config', '/etc/kubernetes/admin.conf', '/var/lib/embedded-cluster/k0s/pki/admin.conf']);
    const list = discoverKubeconfigs({ env: { KUBECONFIG: ['/a/one', '/b/two', '/a/one'].join(':') }, home: '/home/op', exists: (p) => present.has(p) });
    expect(list).toEqual([
      { path: '/a/one', origin: 'KUBECONFIG', exists: true },
      { path: '/b/two', origin: 'KUBECONFIG', exists: false },
      { path: '/home/op/.kube/config', origin: 'home', exists: true },
      { path: '/etc/kubernetes/admin.conf', origin: 'kurl', exists: true },
      { path: '/var/lib/embedded-cluster/k0s/pki/admin.conf', origin: 'embedded-cluster', exists: true },
    ]);
  });
});

describe('kubeconfig parsing', () => {
  it('parses contexts with their servers', () => {
    const k = parseKubeconfig(kubeconfigYaml({ contexts: ['a', 'b'] }));
    expect(k.contexts.map((c) => c.name)).toEqual(['a', 'b']);
    expect(k.contexts[0]).toMatchObject({ cluster: 'c1', user: 'u1', namespace: 'default', server: 'https://127.0.0.1:6443' });
    expect(k.currentContext).toBe('a');
  });

  it('a missing file is KUBECONFIG_MISSING', () => {
    const e = expectError(() => loadKubeconfig('/nonexistent/kubeconfig'), 'KUBECONFIG_MISSING');
    expect(e.message).toMatch(/\/nonexistent\/kubeconfig/);
  });

  it('unparsable or empty YAML is KUBECONFIG_INVALID', () => {
    expectError(() => parseKubeconfig('clusters: [\n  - : :'), 'KUBECONFIG_INVALID');
    expectError(() => parseKubeconfig('just a string'), 'KUBECONFIG_INVALID');
    const e = expectError(() => parseKubeconfig('apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n'), 'KUBECONFIG_INVALID');
    expect(e.message).toMatch(/no contexts/);
  });

  it('an unknown context is CONTEXT_UNKNOWN naming the ones that exist', () => {
    const k = parseKubeconfig(kubeconfigYaml({ contexts: ['a', 'b'] }));
    const e = expectError(() => useContext(k, 'prod'), 'CONTEXT_UNKNOWN');
    expect(e.hint).toMatch(/a, b/);
    useContext(k, 'b');
    expect(k.kc.getCurrentContext()).toBe('b');
  });

  it('an expired client certificate is CERTIFICATE_EXPIRED', () => {
    const { cert, key } = expiredCert();
    const k = parseKubeconfig(kubeconfigYaml({ cert, key }));
    const e = expectError(() => checkClientCertificate(k.kc), 'CERTIFICATE_EXPIRED');
    expect(e.message).toMatch(/2020-01-02/);
    expect(checkClientCertificate(k.kc, new Date('2020-01-01T12:00:00Z'))?.toISOString()).toBe('2020-01-02T00:00:00.000Z');
  });

  it('watches the file and reloads on change (debounced)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-kc-'));
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfigYaml());
    let calls = 0;
    const stop = watchKubeconfig(file, () => calls++, 50);
    writeFileSync(file, kubeconfigYaml({ contexts: ['x'] }));
    writeFileSync(file, kubeconfigYaml({ contexts: ['y'] }));
    await new Promise((r) => setTimeout(r, 400));
    stop();
    expect(calls).toBe(1);
  });
});
