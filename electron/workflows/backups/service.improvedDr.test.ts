/**
 * Improved disaster recovery through the backups service: the list, "Back up now" and following,
 * on the two Velero Backups kots pkg/kotsadmsnapshot/backup.go at v1.131.4 (CreateInstanceBackup)
 * writes for one backup (improvedDr.test-fixtures.ts). The cluster is a fake Velero watch; the
 * kots CLI a fake tool that "creates" the pair and prints what kotsadm answers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Services } from '../services.js';
import type { WatchListener } from '../../velero/resources.js';
import type { VeleroBackup } from '../../velero/types.js';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup, running } from './improvedDr.test-fixtures.js';

const cluster = vi.hoisted(() => ({
  backups: new Map<string, unknown>(),
  listeners: new Set<(kind: string, verb: string, obj: unknown) => void>(),
  sizes: new Map<string, number>(),
  deleted: [] as string[],
}));

vi.mock('../../velero/resources.js', async (orig) => {
  const actual = await orig<typeof import('../../velero/resources.js')>();
  class FakeWatch {
    synced = true;
    on(l: WatchListener) {
      cluster.listeners.add(l as never);
      return () => cluster.listeners.delete(l as never);
    }
    async start() {}
    async stop() {}
    backups(ns?: string) {
      return [...cluster.backups.values()].filter((b) => !ns || (b as VeleroBackup).metadata.namespace === ns);
    }
    get(kind: string, ns: string, name: string) {
      return kind === 'backups'
        ? [...cluster.backups.values()].find((b) => (b as VeleroBackup).metadata.namespace === ns && (b as VeleroBackup).metadata.name === name)
        : undefined;
    }
    list() {
      return [];
    }
    count() {
      return 0;
    }
    podVolumeBackupsFor() {
      return [];
    }
    locations() {
      return [{ metadata: { name: 'default', namespace: 'velero' }, spec: { default: true }, status: { phase: 'Available' } }];
    }
  }
  const requestBackupDeletion = async (_api: unknown, b: VeleroBackup) => {
    cluster.deleted.push(b.metadata.name);
    return `delete-${b.metadata.name}`;
  };
  return { ...actual, VeleroWatch: FakeWatch, requestBackupDeletion };
});

vi.mock('../../velero/sizes.js', () => ({
  BackupSizes: class {
    info(b: VeleroBackup) {
      const bytes = cluster.sizes.get(b.metadata.name);
      return bytes === undefined
        ? { note: 'Known once the backup has finished uploading.' }
        : { bytes, note: "The objects in this backup's folder of the store (backups/<its name>/)." };
    }
    locationChanged() {}
  },
}));

const { BackupsService } = await import('./service.js');

/** KOTS (or Velero) writes a Backup: the watch hears it. */
function put(b: VeleroBackup) {
  const verb = cluster.backups.has(b.metadata.name) ? 'update' : 'add';
  cluster.backups.set(b.metadata.name, b);
  for (const l of [...cluster.listeners]) l('backups', verb, b as KubernetesObject);
}

/** A Backup is gone from the cluster. */
function drop(name: string) {
  const b = cluster.backups.get(name);
  cluster.backups.delete(name);
  for (const l of [...cluster.listeners]) l('backups', 'delete', b as KubernetesObject);
}

const tick = () => new Promise((r) => setTimeout(r, 10));

const journaled: Array<{ tool: string; args: string[]; outcome: string }> = [];

function services(onBackup: () => string) {
  const emitted: Array<[string, unknown]> = [];
  const env = {
    flavour: 'embedded-cluster',
    kots: { found: true, namespace: 'kotsadm', apps: [{ slug: 'my-app', namespace: 'kotsadm' }] },
    velero: {
      installed: true,
      ready: true,
      version: 'v1.15.2',
      namespace: 'velero',
      storageLocations: [{ name: 'default', isDefault: true, phase: 'Available' }],
    },
  };
  const s = {
    dataDir: mkdtempSync(join(tmpdir(), 'lb-dr-')),
    env: {},
    bus: { emit: (e: string, p: unknown) => emitted.push([e, p]) },
    cluster: { kubeConfig: () => ({ makeApiClient: () => ({}) }) as unknown as KubeConfig, isConnected: () => true, onConnectionChange: () => () => {} },
    detector: { get: () => env },
    tools: { start: async () => ({ runId: 'run-1', done: Promise.resolve({ stdout: onBackup(), stderr: '', code: 0 }) }) },
    journal: { record: (e: { tool: string; args: string[]; outcome: string }) => journaled.push(e) },
  } as unknown as Services;
  return { s, emitted };
}

async function connected(onBackup: () => string = () => '') {
  const { s, emitted } = services(onBackup);
  const svc = new BackupsService(s, { appearMs: 200, deltaMs: 1, adminApi: {} as never });
  await svc.attach({} as KubeConfig);
  return { svc, emitted };
}

beforeEach(() => {
  cluster.backups.clear();
  cluster.listeners.clear();
  cluster.sizes.clear();
  cluster.deleted.length = 0;
});

describe('the backups list with improved disaster recovery (two Velero Backups per backup)', () => {
  it('shows ONE row, named by replicated.com/backup-name, with both Velero Backups kept', async () => {
    put(infraBackup(completed(400)));
    put(appBackup(running(30, 120)));
    const { svc } = await connected();
    const list = svc.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: DR_NAME, type: 'full', phase: 'InProgress', expectedBackups: 2 });
    expect(list[0]!.veleroBackups?.map((v) => [v.name, v.type, v.phase])).toEqual([
      [INFRA, 'infra', 'Completed'],
      [APP, 'app', 'InProgress'],
    ]);
  });

  it('is Completed only when both are, with items, volumes and sizes summed', async () => {
    put(infraBackup(completed(400, '2026-11-23T10:01:00Z', { warnings: 1 })));
    put(appBackup(completed(120, '2026-11-23T10:02:30Z', { errors: 0, warnings: 2 })));
    cluster.sizes.set(INFRA, 1000);
    cluster.sizes.set(APP, 234);
    const { svc } = await connected();
    const [row, ...rest] = svc.list();
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      name: DR_NAME,
      phase: 'Completed',
      itemsBackedUp: 520,
      totalItems: 520,
      warnings: 3,
      errors: 0,
      sizeBytes: 1234,
      completedAt: '2026-11-23T10:02:30Z',
      apps: [{ slug: 'my-app', version: '1.2.0' }],
    });
  });

  it('is Failed when KOTS made fewer Velero Backups than replicated.com/backup-count says (upstream rule)', async () => {
    put(infraBackup(completed(400)));
    const { svc } = await connected();
    const [row] = svc.list();
    expect(row).toMatchObject({ name: DR_NAME, phase: 'Failed', expectedBackups: 2 });
    expect(row!.failureReason).toMatch(/1 of the 2 Velero Backups/);
  });

  it('a legacy instance backup (kots.io/instance) is still one row under its own Velero name', async () => {
    const legacy = infraBackup(completed(10), 'instance-legcy');
    delete legacy.metadata.labels;
    legacy.metadata.annotations = { 'kots.io/instance': 'true', 'kots.io/snapshot-trigger': 'manual' };
    put(legacy);
    const { svc } = await connected();
    expect(svc.list().map((b) => [b.name, b.veleroBackups])).toEqual([['instance-legcy', undefined]]);
  });
});

describe('"Back up now" with improved disaster recovery', () => {
  it('follows the pair: not done while the application backup still runs, done when both are', async () => {
    // kotsadm creates infra then app, and answers with the infra Backup's own name.
    const { svc } = await connected(() => {
      put(infraBackup({}));
      put(appBackup({}));
      return JSON.stringify({ success: true, backupName: INFRA });
    });
    const f = await svc.create({ kind: 'full', exportRegistry: false });
    expect(f).toMatchObject({ state: 'running', kotsName: INFRA });

    put(infraBackup(completed(400)));
    put(appBackup(running(30, 120)));
    expect(svc.followed()).toMatchObject({ state: 'running', summary: { name: DR_NAME, phase: 'InProgress' } });
    expect(svc.followed()).toMatchObject({ backupName: DR_NAME, summary: { veleroBackups: [{ name: INFRA }, { name: APP }] } });

    put(appBackup(completed(120, '2026-11-23T10:02:30Z')));
    expect(svc.followed()).toMatchObject({ state: 'succeeded', finishedAt: '2026-11-23T10:02:30Z', summary: { phase: 'Completed', itemsBackedUp: 520 } });
  });

  it('a failed application backup fails the followed backup even though the infra one completed', async () => {
    const { svc } = await connected(() => {
      put(infraBackup({}));
      put(appBackup({}));
      return JSON.stringify({ success: true, backupName: INFRA });
    });
    await svc.create({ kind: 'full', exportRegistry: false });
    put(infraBackup(completed(400)));
    put(appBackup({ ...completed(3), phase: 'PartiallyFailed', errors: 2 }));
    expect(svc.followed()).toMatchObject({ state: 'attention', summary: { phase: 'PartiallyFailed', errors: 2 } });
  });
});

describe('the pair by its name: live updates, delete', () => {
  it('updates and removes the ONE row as its Velero Backups change and go', async () => {
    put(infraBackup(completed(400)));
    put(appBackup(running()));
    const { svc, emitted } = await connected();
    expect(svc.list()).toHaveLength(1);
    const deltas = () =>
      emitted.filter(([e]) => e === 'backups.delta').map(([, p]) => p as { upserted: Array<{ name: string; phase: string }>; removed: string[] });
    put(appBackup(completed(120)));
    await tick();
    expect(deltas().at(-1)).toMatchObject({ upserted: [{ name: DR_NAME, phase: 'Completed' }], removed: [] });
    drop(INFRA);
    await tick();
    expect(deltas().at(-1)).toMatchObject({ upserted: [{ name: DR_NAME, phase: 'Failed' }], removed: [] });
    drop(APP);
    await tick();
    expect(deltas().at(-1)).toEqual({ upserted: [], removed: [DR_NAME] });
  });

  it('deleting the backup by its name asks Velero to delete both, as upstream DeleteBackup does', async () => {
    put(infraBackup(completed(400)));
    put(appBackup(completed(120)));
    const { svc } = await connected();
    await expect(svc.delete(DR_NAME, INFRA)).rejects.toThrow(/does not match/);
    expect(await svc.delete(DR_NAME, DR_NAME)).toEqual({ requested: true, request: `delete-${INFRA}, delete-${APP}` });
    expect(cluster.deleted).toEqual([INFRA, APP]);
    // Lifeboat's own cluster writes are in the operation journal (Activity).
    expect(journaled.filter((e) => e.tool === 'kubernetes-api').map((e) => [e.args[0], e.outcome])).toEqual([
      ['POST', 'succeeded'],
      ['POST', 'succeeded'],
    ]);
    expect(journaled.at(-1)!.args[1]).toContain(`deletebackuprequests (backup ${APP})`);
  });

  it('refuses to delete while one of the two still runs, naming it', async () => {
    put(infraBackup(completed(400)));
    put(appBackup(running()));
    const { svc } = await connected();
    await expect(svc.delete(DR_NAME, DR_NAME)).rejects.toThrow(new RegExp(`its Velero Backup ${APP}\\) is still InProgress`));
    expect(cluster.deleted).toEqual([]);
  });
});
