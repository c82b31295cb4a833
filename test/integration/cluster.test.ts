/**
 * The cluster service against the lab's real kube-apiserver: connect with the admin and the
 * restricted kubeconfig, read the version, ask SelfSubjectAccessReview for every permission.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ClusterService } from '../../electron/cluster/service';
import { NEEDED } from '../../electron/cluster/permissions';
import { lab } from './lab';

const service = () => new ClusterService({ env: {}, home: mkdtempSync(join(tmpdir(), 'lb-int-home-')), probeTimeoutMs: 15_000 });

describe('cluster service against the lab', () => {
  it('connects with the admin kubeconfig: version and every permission allowed', async () => {
    const s = service();
    const st = await s.connect({ kubeconfigPath: lab().kubeconfig });
    s.dispose();
    expect(st.error).toBeUndefined();
    expect(st.state).toBe('connected');
    // Needs a version-stamped kube-apiserver: built without
    // `-X k8s.io/component-base/version.gitVersion=v1.36.3` (and gitMajor/gitMinor) it says v0.0.0-master.
    expect(st.kubernetesVersion).toBe(lab().kubernetesVersion);
    expect(st.server).toBe(lab().apiServer);
    expect(st.permissions).toHaveLength(NEEDED.length);
    expect(st.missingPermissions).toEqual([]);
  });

  it('the restricted user connects but lacks the permissions Lifeboat needs, each with its purpose', async () => {
    const s = service();
    const st = await s.connect({ kubeconfigPath: lab().restrictedKubeconfig });
    s.dispose();
    expect(st.state).toBe('connected');
    expect(st.missingPermissions.length).toBeGreaterThan(NEEDED.length - 3);
    expect(st.missingPermissions.find((p) => p.resource === 'backups' && p.verb === 'create')?.purpose).toBe('Take a backup');
    expect(st.permissions.find((p) => p.resource === 'namespaces' && p.verb === 'list')?.allowed).toBe(true);
  });

  it('an unknown context and a wrong token come back as clear errors', async () => {
    const s = service();
    expect((await s.connect({ kubeconfigPath: lab().kubeconfig, context: 'no-such-context' })).error?.code).toBe('CONTEXT_UNKNOWN');
    // same server and CA, a token the API server does not know
    const admin = new KubeConfig();
    admin.loadFromFile(lab().kubeconfig);
    const cluster = admin.getCurrentCluster()!;
    const bogus = new KubeConfig();
    bogus.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'bogus', token: 'not-a-real-token' }],
      contexts: [{ name: 'bogus', cluster: cluster.name, user: 'bogus' }],
      currentContext: 'bogus',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'lb-int-kc-')), 'bogus.yaml');
    writeFileSync(file, bogus.exportConfig());
    const st = await s.connect({ kubeconfigPath: file });
    expect(st.error).toMatchObject({ code: 'CLUSTER_AUTH_FAILED', hint: expect.any(String) });
    s.dispose();
  });
});
