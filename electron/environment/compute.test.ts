import { describe, expect, it } from 'vitest';
import { computeEnvironment, imageTag } from './compute';
import { bsl, configMap, kotsadm, kotsadmStatefulSet, nodeAgent, ns, snapshot, veleroDeploy } from './fixtures';

const x = { kubernetesVersion: 'v1.36.3', cliVersion: '1.18.3', serverVersion: 'v1.18.3' };

describe('imageTag', () => {
  it('handles registries with ports, digests and missing tags', () => {
    expect(imageTag('registry.local:5000/velero/velero:v1.18.3')).toBe('v1.18.3');
    expect(imageTag('kotsadm/kotsadm:v1.131.4@sha256:abc')).toBe('v1.131.4');
    expect(imageTag('registry.local:5000/velero/velero')).toBeUndefined();
  });
});

describe('computeEnvironment', () => {
  it('a healthy existing cluster: KOTS, Velero with node agent and an available BSL, compatible', () => {
    const env = computeEnvironment(snapshot(), x);
    expect(env.kots).toMatchObject({ found: true, namespace: 'default', version: 'v1.131.4', ready: true });
    expect(env.flavour).toBe('existing');
    expect(env.airgap.airgapped).toBe(false);
    expect(env.velero).toMatchObject({ installed: true, namespace: 'velero', version: 'v1.18.3', versionSource: 'server', ready: true });
    expect(env.velero.plugins).toEqual([{ name: 'velero-velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.14.3' }]);
    expect(env.velero.fileSystemBackup).toEqual({ kind: 'node-agent', ready: true, desired: 1, available: 1 });
    expect(env.velero.storageLocations[0]).toMatchObject({
      name: 'default',
      phase: 'Available',
      isDefault: true,
      bucket: 'lifeboat',
      lastSyncedTime: '2026-01-01T00:00:00Z',
    });
    expect(env.compatibility.verdict).toBe('compatible');
    expect(env.problems).toEqual([]);
  });

  it('kURL: ConfigMap kurl-config in kube-system, or namespace kurl', () => {
    expect(computeEnvironment(snapshot({ configmaps: [configMap('kurl-config', 'kube-system', {})] }), x)).toMatchObject({
      flavour: 'kurl',
      flavourReason: expect.stringMatching(/kurl-config/),
    });
    expect(computeEnvironment(snapshot({ namespaces: [ns('kurl'), ns('default')] }), x).flavour).toBe('kurl');
  });

  it('Embedded Cluster: namespace embedded-cluster or kots.io/embedded-cluster markers', () => {
    expect(computeEnvironment(snapshot({ namespaces: [ns('embedded-cluster'), ns('kotsadm')] }), x).flavour).toBe('embedded-cluster');
    const k = kotsadm('kotsadm');
    k.spec!.template.metadata!.annotations = { 'kots.io/embedded-cluster-id': 'abc' };
    expect(computeEnvironment(snapshot({ deployments: [k, veleroDeploy()] }), x).flavour).toBe('embedded-cluster');
  });

  it('air gap from kotsadm-confg: kotsadm-registry, or is-airgap', () => {
    const env = computeEnvironment(snapshot({ configmaps: [configMap('kotsadm-confg', 'default', { 'kotsadm-registry': 'registry.local:5000/myapp' })] }), x);
    expect(env.airgap).toMatchObject({ airgapped: true, reason: expect.stringMatching(/registry.local:5000\/myapp/) });
    expect(env.kots.registry).toEqual({ host: 'registry.local:5000', namespace: 'myapp', hasCredentials: false });
    expect(computeEnvironment(snapshot({ configmaps: [configMap('kotsadm-confg', 'default', { 'is-airgap': 'true' })] }), x).airgap.airgapped).toBe(true);
  });

  // kots pkg/kotsadm/objects/kotsadm_objects.go at v1.131.4 sets DISABLE_OUTBOUND_CONNECTIONS=true on
  // the kotsadm container for an air-gapped install or one with a private registry; kotsadm writes
  // that into each backup's kots.io/is-airgap (pkg/kotsadm/main.go IsAirgap).
  it('outbound connections: read from the running kotsadm, never guessed without one', () => {
    const withEnv = kotsadm();
    withEnv.spec!.template.spec!.containers[0]!.env = [{ name: 'DISABLE_OUTBOUND_CONNECTIONS', value: 'true' }];
    expect(computeEnvironment(snapshot({ deployments: [withEnv] }), x).airgap.outboundDisabled).toBe(true);
    expect(computeEnvironment(snapshot({ deployments: [kotsadm()] }), x).airgap.outboundDisabled).toBe(false);
    expect(computeEnvironment(snapshot({ deployments: [], kotsadmPods: [] }), x).airgap.outboundDisabled).toBeUndefined();
  });

  it('Velero namespace from kotsadm-velero-namespace; restic DaemonSet told apart by name', () => {
    const env = computeEnvironment(
      snapshot({
        deployments: [kotsadm(), veleroDeploy('backup-system', 'velero/velero:v1.9.5')],
        daemonsets: [nodeAgent('backup-system', 'restic', 0, 2)],
        configmaps: [configMap('kotsadm-velero-namespace', 'default', { veleroNamespace: 'backup-system' })],
        bsls: [bsl('default', 'Available', {}, 'backup-system')],
      }),
      { kubernetesVersion: 'v1.30.0' },
    );
    expect(env.velero).toMatchObject({ namespace: 'backup-system', version: 'v1.9.5', versionSource: 'image' });
    expect(env.velero.fileSystemBackup).toEqual({ kind: 'restic', ready: false, desired: 2, available: 0 });
    expect(env.problems.map((p) => p.title)).toContain('Restic is not working');
  });

  it('problems: Velero not running, no node agent, BSL unavailable, incompatible versions — each with a fix', () => {
    const env = computeEnvironment(
      snapshot({
        deployments: [kotsadm('default', 'v1.131.4'), veleroDeploy('velero', 'velero/velero:v1.19.0', 0)],
        daemonsets: [],
        bsls: [bsl('default', 'Unavailable')],
      }),
      { kubernetesVersion: 'v1.36.3', cliVersion: '1.18.3' },
    );
    const titles = env.problems.map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Velero is not running',
        'Node Agent integration not found',
        'Backup storage default is Unavailable',
        'KOTS and Velero versions',
      ]),
    );
    expect(env.problems.find((p) => p.title.startsWith('Backup storage default'))?.reason).toMatch(/bucket not found/);
    for (const p of env.problems) expect(p.fix).toBeTruthy();
    expect(env.compatibility).toMatchObject({ verdict: 'incompatible', reason: expect.stringMatching(/1\.19/) });
  });

  it('a user who may not list Deployments gets "cannot tell", not "not installed"', () => {
    const env = computeEnvironment(snapshot({ deployments: [], kotsadmPods: [], blind: ['deployments', 'kotsadmPods'] }), x);
    expect(env.problems.map((p) => p.title)).toEqual(['Cannot tell whether KOTS is installed', 'Cannot tell whether Velero is installed']);
  });

  it('a node agent DaemonSet with nothing scheduled says so', () => {
    const env = computeEnvironment(snapshot({ daemonsets: [nodeAgent('velero', 'node-agent', 0, 0)] }), x);
    expect(env.problems.find((p) => p.title === 'Node Agent is not working')?.reason).toMatch(/no pods scheduled/);
  });

  it('no KOTS, no Velero', () => {
    const env = computeEnvironment(snapshot({ deployments: [], daemonsets: [], bsls: [] }), x);
    expect(env.kots.found).toBe(false);
    expect(env.velero.installed).toBe(false);
    expect(env.compatibility.verdict).toBe('unknown');
    expect(env.problems.map((p) => p.title)).toEqual(['KOTS admin console not found', 'Velero is not installed']);
  });

  it('a Velero version that cannot be read is a warning with the reason', () => {
    const env = computeEnvironment(snapshot({ deployments: [kotsadm(), veleroDeploy('velero', 'registry.local:5000/velero/velero')] }), {
      kubernetesVersion: 'v1.36.3',
      serverVersionProblem: 'The Velero server did not answer a ServerStatusRequest within 10 s.',
    });
    expect(env.velero.versionSource).toBe('unknown');
    expect(env.compatibility).toMatchObject({ verdict: 'warning', reason: expect.stringMatching(/ServerStatusRequest/) });
    const fallback = computeEnvironment(snapshot(), { kubernetesVersion: 'v1.36.3', serverVersionProblem: 'No answer.' });
    expect(fallback.velero.versionSource).toBe('image');
    expect(fallback.problems.map((p) => p.title)).toContain('Velero server version read from the image');
  });

  it('local-volume-provider storage on Velero 1.17+ is incompatible', () => {
    const env = computeEnvironment(snapshot({ bsls: [bsl('default', 'Available', { provider: 'replicated.com/hostpath' })] }), x);
    expect(env.compatibility.verdict).toBe('incompatible');
  });
});

// Without MinIO, KOTS deploys kotsadm as a StatefulSet, not a Deployment (kots pkg/kotsadm/kotsadm.go
// ensureKotsadmComponent at v1.131.4; the Deployment is deleted by removeKotsadmMinio in
// pkg/kotsadm/main.go), and finds it by either kind (pkg/k8sutil/kotsadm.go FindKotsadmImage).
describe('computeEnvironment: kotsadm as a StatefulSet (kots pkg/kotsadm/objects/kotsadm_objects.go KotsadmStatefulSet)', () => {
  it('finds the admin console, its namespace, version and readiness from StatefulSet kotsadm', () => {
    const env = computeEnvironment(snapshot({ deployments: [veleroDeploy()], statefulsets: [kotsadmStatefulSet('kotsadm', 'v1.131.4')] }), x);
    expect(env.kots).toMatchObject({ found: true, namespace: 'kotsadm', version: 'v1.131.4', image: 'kotsadm/kotsadm:v1.131.4', ready: true });
    expect(env.problems.map((p) => p.title)).not.toContain('KOTS admin console not found');
    expect(env.compatibility.verdict).toBe('compatible');
  });

  it('a StatefulSet with no ready replica is not ready, and says which kind', () => {
    const env = computeEnvironment(snapshot({ deployments: [veleroDeploy()], statefulsets: [kotsadmStatefulSet('default', 'v1.131.4', 0)] }), x);
    expect(env.kots).toMatchObject({ found: true, ready: false });
    expect(env.problems.find((p) => p.title === 'KOTS admin console is not ready')?.reason).toMatch(/StatefulSet kotsadm in default: 0 of 1 replicas ready/);
  });

  it('a user who may not list StatefulSets or pods cannot tell whether KOTS is installed', () => {
    const env = computeEnvironment(snapshot({ deployments: [veleroDeploy()], statefulsets: [], kotsadmPods: [], blind: ['statefulsets', 'kotsadmPods'] }), x);
    expect(env.problems.map((p) => p.title)).toContain('Cannot tell whether KOTS is installed');
  });
});

describe('installedApps', () => {
  it('lists each app slug once per namespace from labelled workloads, never the admin console', async () => {
    const { installedApps } = await import('./compute.js');
    const w = (name: string, ns: string, labels: Record<string, string>) => ({ metadata: { name, namespace: ns, labels } });
    const apps = installedApps({
      deployments: [
        w('sample-web', 'sample-app', { 'kots.io/app-slug': 'sample-app' }),
        w('sample-api', 'sample-app', { 'kots.io/app-slug': 'sample-app' }),
        w('kotsadm', 'kotsadm', { 'kots.io/kotsadm': 'true', 'kots.io/app-slug': 'x' }),
        w('other', 'default', {}),
      ] as any,
      daemonsets: [w('agent', 'monitoring', { 'kots.io/app-slug': 'metrics' })] as any,
    });
    expect(apps).toEqual([
      { slug: 'metrics', namespace: 'monitoring' },
      { slug: 'sample-app', namespace: 'sample-app' },
    ]);
  });
});
