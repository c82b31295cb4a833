/**
 * Restore verification of the admin console when kotsadm is a StatefulSet: KOTS without MinIO
 * deploys it so (kots pkg/kotsadm/kotsadm.go ensureKotsadmComponent at v1.131.4; the object is
 * KotsadmStatefulSet in pkg/kotsadm/objects/kotsadm_objects.go), and a restore brings back that
 * StatefulSet, never a Deployment.
 */
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract';
import { parseKubeconfig } from '../../cluster/kubeconfig';
import { kubeconfigYaml } from '../../cluster/test-fixtures';
import { kotsadm, kotsadmStatefulSet } from '../../environment/fixtures';
import { EventBus } from '../../events';
import type { Services } from '../services';
import { RestoreService } from './service';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** An API server stand-in that answers GETs of single objects by path; anything else is 404. */
async function apiServer(objects: Record<string, unknown>) {
  const srv = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && path in objects) return res.end(JSON.stringify(objects[path]));
    res.statusCode = 404;
    res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: `${path} not found` }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => srv.close(r)));
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

/** A RestoreService whose persisted wizard holds a finished admin-console restore into `ns`. */
async function serviceAfterRestore(objects: Record<string, unknown>, ns = 'default') {
  const server = await apiServer(objects);
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeboat-verify-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const now = new Date().toISOString();
  const wizard: RestoreWizard = {
    step: 'report',
    readOnlyDuringRestore: false,
    backup: 'instance-abc',
    type: 'admin-console',
    run: {
      id: 'r1',
      backup: 'instance-abc',
      type: 'admin-console',
      appSlugs: [],
      kotsadmNamespace: ns,
      veleroNamespace: 'velero',
      startedAt: now,
      finishedAt: now,
      state: 'succeeded',
      steps: [],
      restores: [],
    },
    updatedAt: now,
  };
  mkdirSync(join(dataDir, 'restore'), { recursive: true });
  writeFileSync(join(dataDir, 'restore', 'wizard.json'), JSON.stringify(wizard));
  const { kc } = parseKubeconfig(kubeconfigYaml({ server }));
  const services = {
    bus: new EventBus(),
    dataDir,
    env: {},
    journal: { record: () => {} },
    detector: { get: () => null },
    cluster: { kubeConfig: () => kc, isConnected: () => false, onConnectionChange: () => () => {} },
  } as unknown as Services;
  const svc = new RestoreService(services, { timeouts: { readyMs: 0, pollMs: 10 } });
  cleanup.push(() => svc.dispose());
  return svc;
}

const adminCheck = (w: RestoreWizard) => w.run?.verification?.checks.find((c) => c.title.startsWith('Admin console'));

describe('restore verification: the admin console back after the restore', () => {
  it('accepts StatefulSet kotsadm with its replicas ready (no Deployment kotsadm exists)', async () => {
    const svc = await serviceAfterRestore({ '/apis/apps/v1/namespaces/default/statefulsets/kotsadm': kotsadmStatefulSet('default', 'v1.131.4', 1) });
    const w = await svc.verify();
    expect(adminCheck(w)).toMatchObject({
      ok: true,
      severity: 'ok',
      title: 'Admin console ready',
      reason: expect.stringMatching(/StatefulSet kotsadm in default/),
    });
    expect(w.run?.state).toBe('succeeded');
  });

  it('a StatefulSet kotsadm with no ready replica is not ready, and the reason names the StatefulSet', async () => {
    const svc = await serviceAfterRestore({ '/apis/apps/v1/namespaces/default/statefulsets/kotsadm': kotsadmStatefulSet('default', 'v1.131.4', 0) });
    const w = await svc.verify();
    expect(adminCheck(w)).toMatchObject({
      ok: false,
      severity: 'error',
      title: 'Admin console not ready',
      reason: expect.stringMatching(/StatefulSet kotsadm in default: 0 of 1 replicas ready/),
    });
  });

  it('still accepts Deployment kotsadm (KOTS with MinIO)', async () => {
    const svc = await serviceAfterRestore({ '/apis/apps/v1/namespaces/default/deployments/kotsadm': kotsadm('default') });
    const w = await svc.verify();
    expect(adminCheck(w)).toMatchObject({ ok: true, title: 'Admin console ready', reason: expect.stringMatching(/Deployment kotsadm in default/) });
  });

  it('neither kind: says there is no kotsadm Deployment or StatefulSet', async () => {
    const svc = await serviceAfterRestore({});
    const w = await svc.verify();
    expect(adminCheck(w)).toMatchObject({
      ok: false,
      title: 'Admin console not ready',
      reason: 'There is no Deployment or StatefulSet named kotsadm in default.',
    });
  });
});
