import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../api/contract.js';
import { KubeRestError, type SetupKube } from '../../cluster/rest.js';
import { startApply } from './machine.js';
import { DEFAULT_TIMEOUTS, patchPhase, preparePhase, refuseSecondInstall, runPhase, uninstallPhase, type PhaseDeps } from './phases.js';

const creds = { held: false, remembered: false, rememberAvailable: false, rememberNote: '' };
const airgap: SetupWizard = {
  step: 'apply',
  veleroNamespace: 'velero',
  credentials: creds,
  updatedAt: '',
  mode: 'install',
  preflight: { checks: [], at: '', airgap: true },
  destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'http://m:9000' },
  registry: { host: 'reg:5000', namespace: 'lb', username: 'u', credentials: 'entered', source: 'entered' },
};

/** The API server: objects by path; writes recorded; a POST of an existing path answers 409. */
function cluster(objects: Record<string, any> = {}) {
  const writes: Array<[string, string, any]> = [];
  const kube = {
    find: async (p: string) => objects[p],
    get: async (p: string) => objects[p] ?? { items: [] },
    post: async (p: string, body: any) => {
      writes.push(['post', p, body]);
      if (objects[`${p}/${body.metadata?.name}`]) throw new KubeRestError(409, {}, 'POST', p);
      return body;
    },
    patch: async (p: string, body: any) => (writes.push(['patch', p, body]), body),
  } as unknown as SetupKube;
  return { kube, writes };
}

const tool = (stdout: string) => ({ runId: 'run-1', done: Promise.resolve({ runId: 'run-1', stdout, stderr: '', code: 0 }) });

describe('setup apply phases', () => {
  it("prepare creates the namespace (with velero install's labels) and the pull secret", async () => {
    const { kube, writes } = cluster();
    const r = await preparePhase(kube, airgap, 'pw');
    expect(r.message).toBe('Created namespace velero. Secret registry-credentials for reg:5000.');
    expect(writes.map(([v, p]) => [v, p])).toEqual([
      ['post', '/api/v1/namespaces'],
      ['post', '/api/v1/namespaces/velero/secrets'],
    ]);
    expect(writes[0]![2].metadata.labels).toMatchObject({ component: 'velero', 'pod-security.kubernetes.io/enforce': 'privileged' });
  });

  it('prepare run again updates the secret an earlier run created', async () => {
    const { kube, writes } = cluster({ '/api/v1/namespaces/velero': {}, '/api/v1/namespaces/velero/secrets/registry-credentials': {} });
    expect((await preparePhase(kube, airgap, 'pw')).message).toBe('Secret registry-credentials for reg:5000.');
    expect(writes.map(([v, p]) => [v, p])).toEqual([
      ['post', '/api/v1/namespaces/velero/secrets'],
      ['patch', '/api/v1/namespaces/velero/secrets/registry-credentials'],
    ]);
    expect((await preparePhase(kube, airgap, undefined)).message).toMatch(/anonymous pulls/);
  });

  it("patch sets IfNotPresent and the pull secret on what exists; public images keep Velero's policy", async () => {
    const dep = { spec: { template: { spec: { containers: [{ name: 'velero' }], initContainers: [{ name: 'velero-plugin-for-aws' }] } } } };
    const { kube, writes } = cluster({ '/apis/apps/v1/namespaces/velero/deployments/velero': dep });
    const r = await patchPhase(kube, 'velero', { host: 'reg:5000' }, true);
    expect(r.message).toMatch(/IfNotPresent .*imagePullSecrets registry-credentials/);
    expect(writes).toEqual([
      [
        'patch',
        '/apis/apps/v1/namespaces/velero/deployments/velero',
        {
          spec: {
            template: {
              spec: {
                imagePullSecrets: [{ name: 'registry-credentials' }],
                containers: [{ name: 'velero', imagePullPolicy: 'IfNotPresent' }],
                initContainers: [{ name: 'velero-plugin-for-aws', imagePullPolicy: 'IfNotPresent' }],
              },
            },
          },
        },
      ],
    ]);
    expect(await patchPhase(kube, 'velero', undefined, true)).toMatchObject({ skipped: true });
  });

  it('never installs over a Velero that is there', async () => {
    const { kube } = cluster({ '/apis/apps/v1/namespaces/velero/deployments/velero': {} });
    await expect(refuseSecondInstall(kube, 'velero')).rejects.toThrow(/does not start a second install/);
    await expect(refuseSecondInstall(cluster().kube, 'velero')).resolves.toBeUndefined();
    const started: string[][] = [];
    const m = {
      w: startApply(airgap, 'install', 's'),
      save(n: SetupWizard) {
        this.w = n;
        return n;
      },
    };
    const deps = {
      m,
      kube: () => kube,
      tools: { start: async (_: string, a: string[]) => (started.push(a), tool('')) },
      secrets: { values: () => [] },
      processEnv: {},
      t: DEFAULT_TIMEOUTS,
    } as unknown as PhaseDeps;
    expect(await runPhase(deps, 'install', new AbortController().signal, () => {})).toMatchObject({ skipped: true });
    expect(started).toEqual([]);
  });

  it('install runs velero install and checks it said so and created the Deployment', async () => {
    const objects: Record<string, unknown> = {};
    const { kube } = cluster(objects);
    const w = startApply(airgap, 'install', 's');
    w.apply!.phases[1]!.state = 'running';
    const m = {
      w,
      save(n: SetupWizard) {
        this.w = n;
        return n;
      },
    };
    const runs: string[] = [];
    const start = async () => ((objects['/apis/apps/v1/namespaces/velero/deployments/velero'] = {}), tool('Velero is installed! ⛵'));
    const deps = { m, kube: () => kube, tools: { start }, secrets: { values: () => ['pw'] }, processEnv: {}, t: DEFAULT_TIMEOUTS } as unknown as PhaseDeps;
    expect(await runPhase(deps, 'install', new AbortController().signal, (id) => runs.push(id))).toEqual({
      message: 'Velero objects created.',
      runId: 'run-1',
    });
    expect(runs).toEqual(['run-1']);
    expect(m.w.apply!.phases[1]!.runId).toBe('run-1');
    const silent = {
      ...deps,
      m: { w: startApply(airgap, 'upgrade', 's'), save: (n: SetupWizard) => n },
      tools: { start: async () => tool('') },
    } as unknown as PhaseDeps;
    await expect(runPhase(silent, 'install', new AbortController().signal, () => {})).rejects.toThrow(/without saying Velero is installed/);
  });

  it('uninstall fails while Velero CRDs are left', async () => {
    const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions?labelSelector=component%3Dvelero';
    await expect(uninstallPhase({ start: async () => tool('') } as never, cluster({ [crds]: { items: [{}] } }).kube, 'velero', () => {})).rejects.toThrow(
      /1 Velero CRD\(s\) are still there/,
    );
    expect((await uninstallPhase({ start: async () => tool('') } as never, cluster().kube, 'velero', () => {})).message).toBe(
      'Namespace velero and the Velero CRDs are gone.',
    );
  });
});
