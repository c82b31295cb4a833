import { describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { existingNow, liveToDelete, previewRestore, readResourceList } from './preview.js';
import { legacyBackup, mapKube } from './restore.test-fixtures.js';
import type { VeleroBackup } from '../../velero/types.js';

const q = (s: string) => encodeURIComponent(s);
const items = (...names: string[]) => ({ items: names.map((name) => ({ metadata: { name } })) });
const list = { 'v1/Namespace': ['my-app', 'kotsadm'], 'apps/v1/Deployment': ['my-app/web', 'kotsadm/kotsadm'] };
const wizard = (type: RestoreWizard['type']): RestoreWizard => ({
  step: 'confirm',
  readOnlyDuringRestore: false,
  backup: 'instance-abc',
  type,
  appSlug: 'my-app',
  updatedAt: 't',
});
const velero =
  (b: VeleroBackup | undefined, download: () => Promise<Buffer | undefined> = async () => Buffer.from(JSON.stringify(list))) =>
  () => ({ backup: async () => b, download });

describe('previewRestore', () => {
  it("application only: the app's live objects go first, and what exists now is marked", async () => {
    const seen: string[] = [];
    const kube = mapKube(
      {
        [`/apis/apps/v1/namespaces/my-app/deployments?labelSelector=${q('kots.io/app-slug=my-app')}`]: items('web'),
        '/api/v1/namespaces/my-app': { metadata: { name: 'my-app' } },
      },
      seen,
    );
    const impact = await previewRestore({ wizard: () => wizard('app'), kube: () => kube, velero: velero(legacyBackup()), kotsNamespace: () => 'elsewhere' });
    expect(impact).toMatchObject({
      backup: 'instance-abc',
      type: 'app',
      namespacesCleared: ['my-app'],
      toDelete: [{ kind: 'Deployment', namespace: 'my-app', name: 'web' }],
      resourceListRead: true,
    });
    expect(impact.toRestore).toEqual(
      expect.arrayContaining([
        { kind: 'Namespace', name: 'my-app', existsNow: true },
        { kind: 'Deployment', namespace: 'my-app', name: 'web', existsNow: true },
      ]),
    );
    expect(seen.some((p) => p.includes('kots.io%2Fkotsadm'))).toBe(false);
  });

  it('a backup gone from the cluster is refused', async () => {
    await expect(
      previewRestore({ wizard: () => wizard('full'), kube: () => mapKube({}), velero: velero(undefined), kotsNamespace: () => undefined }),
    ).rejects.toMatchObject({ code: 'BACKUP_NOT_RESTORABLE', message: 'Backup instance-abc is gone from this cluster.' });
  });
});

describe('liveToDelete', () => {
  it('admin console only: the kotsadm-labelled objects, namespaced then cluster-wide', async () => {
    const sel = q('kots.io/kotsadm=true');
    const kube = mapKube({
      [`/apis/apps/v1/namespaces/kotsadm/deployments?labelSelector=${sel}`]: items('kotsadm'),
      [`/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=${sel}`]: items('kotsadm-role'),
      [`/apis/apps/v1/namespaces/my-app/deployments?labelSelector=${q('kots.io/app-slug=my-app')}`]: items('web'),
    });
    expect(await liveToDelete(kube, 'admin-console', { appNamespaces: ['my-app'], slugs: ['my-app'], kotsadmNs: 'kotsadm' })).toEqual([
      { kind: 'Deployment', namespace: 'kotsadm', name: 'kotsadm' },
      { kind: 'ClusterRole', name: 'kotsadm-role' },
    ]);
    expect(await liveToDelete(kube, 'full', { appNamespaces: ['my-app'], slugs: ['my-app'], kotsadmNs: 'kotsadm' })).toHaveLength(3);
  });
});

describe('readResourceList and existingNow', () => {
  it('a list that cannot be read is a problem in words, never a failure', async () => {
    expect(await readResourceList({ download: async () => undefined }, 'b')).toEqual({ problem: 'the backup storage has no resource list for this backup' });
    expect(await readResourceList({ download: async () => Promise.reject(new LifeboatError('TOOL_TIMEOUT', 'Velero did not answer', 'h')) }, 'b')).toEqual({
      problem: 'Velero did not answer',
    });
    expect((await readResourceList({ download: async () => Buffer.from('[]') }, 'b')).problem).toMatch(/not an object/);
    expect(await readResourceList({ download: async () => Buffer.from(JSON.stringify(list)) }, 'b')).toEqual({ resourceList: list });
  });

  it('without a list only what is deleted counts as existing', async () => {
    const s = await existingNow(mapKube({}), undefined, [{ kind: 'Secret', namespace: 'a', name: 's' }]);
    expect([...s]).toEqual(['Secret/a/s']);
  });
});
