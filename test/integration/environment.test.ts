/**
 * Environment detection against the lab: KOTS (the real kotsadm, installed by `kubectl kots install`), flavour, air gap,
 * and the real Velero server (version through a ServerStatusRequest, node agent, BSL). A BSL created
 * during the test must show up through the watch, not a refresh.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../electron/api/contract';
import { createApp, type App } from '../../electron/app';
import { adminKube, ensureVelero, lab, waitUntil } from './lab';

let app: App;
const changes: Array<Environment | null> = [];

beforeAll(async () => {
  await ensureVelero();
  const home = mkdtempSync(join(tmpdir(), 'lb-int-env-'));
  app = createApp({ dataDir: join(home, 'data'), mode: 'web', version: 'test', toolsDir: lab().toolsDir, kubeconfig: lab().kubeconfig, env: {} });
  app.bus.on((e, p) => e === 'environment.changed' && changes.push(p as Environment | null));
  await app.start();
}, 400_000);

afterAll(async () => {
  await app?.dispose();
});

describe('environment detection against the lab', () => {
  it('finds KOTS, the flavour and air gap as the lab set them up', async () => {
    const env = (await app.handlers['environment.get']({})) as Environment;
    expect(env).not.toBeNull();
    expect(env.kots.found).toBe(true);
    expect(env.kots.namespace).toBe(lab().kotsNamespace);
    const flavour = lab().flavour === 'existing-airgap' ? 'existing' : lab().flavour;
    expect(env.flavour).toBe(flavour);
    expect(env.airgap.airgapped).toBe(lab().flavour === 'existing-airgap');
  });

  it('reads the Velero server version through a ServerStatusRequest, the node agent and the BSL', async () => {
    const env = await waitUntil(
      'server version',
      async () => {
        const e = app.detector.get();
        return e?.velero.versionSource === 'server' ? e : undefined;
      },
      60_000,
    );
    expect(env.velero).toMatchObject({ installed: true, namespace: 'velero', version: 'v1.18.3', ready: true });
    expect(env.velero.plugins.some((p) => p.image.includes('velero-plugin-for-aws'))).toBe(true);
    expect(env.velero.fileSystemBackup?.kind).toBe('node-agent');
    expect(env.velero.storageLocations.find((b) => b.name === 'default')).toMatchObject({ phase: 'Available', isDefault: true });
    expect(env.compatibility.verdict).not.toBe('incompatible');
  });

  it('the bundled-tool override reports the lab tools with versions read by running them', async () => {
    const tools = await app.handlers['tools.list']({});
    expect(tools.find((t) => t.name === 'velero')).toMatchObject({ source: 'override', status: 'unverified', version: '1.18.3' });
  });

  it('notices a new BackupStorageLocation through the watch', async () => {
    const kube = adminKube();
    const name = `lifeboat-watch-${Date.now().toString(36)}`;
    const before = changes.length;
    await kube.apply({
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name, namespace: 'velero' },
      spec: {
        provider: 'aws',
        objectStorage: { bucket: 'does-not-exist' },
        config: { region: lab().minio.region, s3ForcePathStyle: 'true', s3Url: lab().minio.endpoint },
      },
    });
    try {
      await waitUntil(
        'environment.changed with the new BSL',
        async () => changes.slice(before).some((e) => e?.velero.storageLocations.some((b) => b.name === name)),
        30_000,
        100,
      );
    } finally {
      await kube.delete(`/apis/velero.io/v1/namespaces/velero/backupstoragelocations/${name}`);
    }
    await waitUntil('BSL gone from the environment', async () => !app.detector.get()?.velero.storageLocations.some((b) => b.name === name), 30_000, 100);
  });
});
