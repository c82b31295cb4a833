/**
 * The setup wizard refuses an NFS / host-path destination that KOTS would configure through the
 * local-volume provider on a Velero that refuses it (1.17+), before anything changes. The cluster
 * is shaped as `kubectl kots install --with-minio=false` leaves it: StatefulSet kotsadm (kots
 * pkg/kotsadm/objects/kotsadm_objects.go) and kotsadm-confg minio-enabled-snapshots=false (kots
 * pkg/kotsadm/objects/configmaps_objects.go), which kots pkg/snapshot/filesystem_lvp.go
 * IsFileSystemMinioDisabled reads.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../api/contract';
import { parseKubeconfig } from '../../cluster/kubeconfig';
import { kubeconfigYaml } from '../../cluster/test-fixtures';
import { computeEnvironment } from '../../environment/compute';
import { bsl, kotsadm, kotsadmConfg, kotsadmStatefulSet, nodeAgent, snapshot, veleroDeploy } from '../../environment/fixtures';
import { EventBus } from '../../events';
import type { Services } from '../services';
import { SetupService } from './service';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** The API server: every SelfSubjectAccessReview allowed; nothing else is asked before review. */
async function apiServer() {
  const srv = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url?.includes('selfsubjectaccessreviews')) return res.end(JSON.stringify({ status: { allowed: true } }));
    res.statusCode = 404;
    res.end(JSON.stringify({ kind: 'Status', code: 404 }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => srv.close(r)));
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

async function wizard(env: Environment, bundled = '1.18.3') {
  const server = await apiServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeboat-setup-fs-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { kc } = parseKubeconfig(kubeconfigYaml({ server }));
  const services = {
    bus: new EventBus(),
    dataDir,
    env: {},
    journal: { record: () => {} },
    detector: { get: () => env, refresh: async () => env },
    cluster: { kubeConfig: () => kc, status: () => ({ state: 'connected', server, kubernetesVersion: 'v1.36.3', context: 'default' }) },
    binaries: { version: async () => bundled, list: async () => [] },
  } as unknown as Services;
  const svc = new SetupService(services);
  cleanup.push(() => svc.dispose());
  return svc;
}

const x = { kubernetesVersion: 'v1.36.3', cliVersion: '1.18.3', serverVersion: 'v1.18.3' };
/** KOTS installed with --with-minio=false, no Velero yet. */
const withoutMinio = () =>
  computeEnvironment(
    snapshot({ deployments: [], statefulsets: [kotsadmStatefulSet('default')], daemonsets: [], bsls: [], configmaps: [kotsadmConfg('default', false)] }),
    x,
  );
const FS = 'File-system destination (NFS, host path)';

describe('setup: NFS / host path when KOTS would use the local-volume provider', () => {
  it('preflight says up front that NFS and host path cannot work with the Velero to be installed', async () => {
    const svc = await wizard(withoutMinio());
    const w = await svc.preflight();
    const c = w.preflight?.checks.find((k) => k.title === FS);
    expect(c).toMatchObject({ ok: true, severity: 'warning' });
    expect(c?.reason).toMatch(/local-volume provider.*Velero 1\.18\.3 refuses/);
    // it warns, it does not block object-store destinations
    expect(() => svc.chooseMode('install')).not.toThrow();
  });

  it('refuses the NFS destination with reason and fix, and stays on the destination step', async () => {
    const svc = await wizard(withoutMinio());
    await svc.preflight();
    svc.chooseMode('install');
    const w = await svc.validateDestination({ provider: 'nfs', server: 'nfs.example.internal', path: '/exports/velero' }, undefined);
    expect(w.step).toBe('destination');
    expect(w.validation?.ok).toBe(false);
    const c = w.validation?.checks.find((k) => k.title === FS);
    expect(c).toMatchObject({ ok: false, severity: 'error' });
    expect(c?.reason).toMatch(
      /KOTS would configure the NFS through the local-volume provider \(the replicated\.com\/nfs plugin\), because ConfigMap kotsadm-confg in default has minio-enabled-snapshots=false/,
    );
    expect(c?.reason).toMatch(/Velero 1\.18\.3 refuses the local-volume provider/);
    expect(c?.fix).toMatch(/object-store destination/);
    // the MinIO-only note does not contradict it
    expect(w.validation?.checks.map((k) => k.title)).not.toContain("Only through KOTS's MinIO on this Velero version");
  });

  it('reconfigure on an installed Velero 1.16 with the local-volume-provider plugin: allowed, with a warning', async () => {
    const velero = veleroDeploy('velero', 'velero/velero:v1.16.2');
    velero.spec!.template.spec!.initContainers!.push({ name: 'replicated-local-volume-provider', image: 'replicated/local-volume-provider:v0.6.9' });
    const env = computeEnvironment(
      snapshot({
        deployments: [velero],
        statefulsets: [kotsadmStatefulSet('default')],
        daemonsets: [nodeAgent()],
        bsls: [bsl()],
        configmaps: [kotsadmConfg('default', false)],
      }),
      { ...x, serverVersion: 'v1.16.2' },
    );
    const svc = await wizard(env);
    await svc.preflight();
    svc.chooseMode('reconfigure');
    const w = await svc.validateDestination({ provider: 'hostpath', path: '/var/backups/velero' }, undefined);
    expect(w.validation?.ok).toBe(true);
    expect(w.validation?.checks.find((k) => k.title === FS)).toMatchObject({ ok: true, severity: 'warning' });
  });

  it('KOTS with its MinIO: NFS passes as before', async () => {
    const env = computeEnvironment(snapshot({ deployments: [kotsadm()], daemonsets: [], bsls: [], configmaps: [kotsadmConfg('default', true)] }), x);
    const svc = await wizard(env);
    await svc.preflight();
    svc.chooseMode('install');
    const w = await svc.validateDestination({ provider: 'nfs', server: 'nfs.example.internal', path: '/exports/velero' }, undefined);
    expect(w.validation?.ok).toBe(true);
    expect(w.validation?.checks.find((k) => k.title === FS)).toBeUndefined();
  });
});
