import { describe, expect, it } from 'vitest';
import { appsInRestore, computeImpact, parseResourceList, refKey, refsOf, sideOf } from './impact.js';

const list = parseResourceList(
  JSON.stringify({
    'v1/Namespace': ['kotsadm', 'sample-app'],
    'v1/ConfigMap': ['kotsadm/kotsadm-confg', 'sample-app/sample-config'],
    'apps/v1/Deployment': ['kotsadm/kotsadm', 'sample-app/sample-web'],
    'v1/Pod': ['sample-app/sample-web-1'],
    'rbac.authorization.k8s.io/v1/ClusterRole': ['kotsadm-role'],
  }),
);

describe('restore impact preview', () => {
  it('parses the resource list into refs and assigns sides by namespace, cluster-wide objects by name', () => {
    expect(refsOf(list)).toContainEqual({ kind: 'Deployment', namespace: 'sample-app', name: 'sample-web' });
    expect(refsOf(list)).toContainEqual({ kind: 'Namespace', name: 'kotsadm' });
    expect(sideOf({ kind: 'ConfigMap', namespace: 'kotsadm', name: 'x' }, 'kotsadm')).toBe('admin-console');
    expect(sideOf({ kind: 'Namespace', name: 'sample-app' }, 'kotsadm')).toBe('app');
    expect(sideOf({ kind: 'ClusterRole', name: 'kotsadm-role' }, 'kotsadm')).toBe('admin-console');
    expect(() => parseResourceList('[]')).toThrow();
  });

  it('application only: restores the app side, deletes the app objects, warns in plain words', () => {
    const i = computeImpact({
      backup: 'b',
      type: 'app',
      kotsadmNamespace: 'kotsadm',
      appSlugs: ['sample-app'],
      appNamespaces: ['sample-app'],
      resourceList: list,
      toDelete: [
        { kind: 'PersistentVolumeClaim', namespace: 'sample-app', name: 'data-sample-db-0' },
        { kind: 'Deployment', namespace: 'sample-app', name: 'sample-web' },
      ],
      existing: new Set([refKey({ kind: 'Namespace', name: 'sample-app' })]),
    });
    expect(i.toRestore.map((r) => `${r.kind}:${r.name}`).sort()).toEqual(['ConfigMap:sample-config', 'Deployment:sample-web', 'Namespace:sample-app']);
    expect(i.toRestore.find((r) => r.kind === 'Namespace')?.existsNow).toBe(true);
    expect(i.namespacesCleared).toEqual(['sample-app']);
    expect(i.toDeleteTotal).toBe(2);
    expect(i.consequences[0]).toMatch(/deletes sample-app .*1 persistent volume claim .*cannot be undone/);
    expect(i.consequences.join(' ')).toMatch(/admin console is left as it is/);
  });

  it('admin console only and full', () => {
    const a = computeImpact({
      backup: 'b',
      type: 'admin-console',
      kotsadmNamespace: 'kotsadm',
      appSlugs: ['sample-app'],
      appNamespaces: ['sample-app'],
      resourceList: list,
      toDelete: [],
      existing: new Set(),
    });
    expect(a.toRestore.every((r) => r.namespace === 'kotsadm' || r.name.startsWith('kotsadm'))).toBe(true);
    expect(a.namespacesCleared).toEqual([]);
    expect(a.consequences.join(' ')).toMatch(/sample-app is left running/);
    const f = computeImpact({
      backup: 'b',
      type: 'full',
      kotsadmNamespace: 'kotsadm',
      appSlugs: ['sample-app'],
      appNamespaces: ['sample-app'],
      resourceList: list,
      toDelete: [],
      existing: new Set(),
    });
    expect(f.toRestoreTotal).toBe(7);
  });

  it('without a resource list it still explains the consequences and says why the list is short', () => {
    const i = computeImpact({
      backup: 'b',
      type: 'app',
      kotsadmNamespace: 'kotsadm',
      appSlugs: ['x'],
      appNamespaces: ['x'],
      resourceListProblem: 'storage unreachable',
      toDelete: [],
      existing: new Set(),
    });
    expect(i.resourceListRead).toBe(false);
    expect(i.notes[0]).toContain('storage unreachable');
    expect(i.consequences.length).toBeGreaterThan(0);
  });

  // kots pkg/handlers/restore.go RestoreApps at v1.131.4 (called with restoreAll by the CLI,
  // pkg/snapshot/restore.go) restores every app the admin console has installed *then*
  // (store.ListInstalledApps), not the apps in the backup; pkg/operator/operator.go first undeploys
  // each (ClearPVCs) and then creates `<backup>.<slug>`, whose selector kots.io/app-slug=<slug>
  // restores nothing for an app the backup does not hold.
  describe('which apps a restore touches, as KOTS decides it', () => {
    it('application only: the apps installed now; one installed after the backup is deleted for good', () => {
      const a = appsInRestore('app', ['sample-app'], ['sample-app', 'later-app']);
      expect(a).toEqual({
        restoreNames: ['sample-app', 'later-app'],
        comesBack: ['sample-app'],
        deletedForGood: ['later-app'],
        notRestored: [],
        leftUnmanaged: [],
      });
      const i = computeImpact({
        backup: 'b',
        type: 'app',
        kotsadmNamespace: 'kotsadm',
        appSlugs: ['sample-app'],
        installedNow: ['sample-app', 'later-app'],
        appNamespaces: ['sample-app'],
        resourceList: list,
        toDelete: [],
        existing: new Set(),
      });
      expect(i.consequences.join(' ')).toMatch(/later-app .*installed after backup b.*deleted with its data.*nothing of it/);
    });

    it('application only: an app in the backup but not installed now does not come back', () => {
      const a = appsInRestore('app', ['sample-app', 'old-app'], ['sample-app']);
      expect(a).toMatchObject({ restoreNames: ['sample-app'], comesBack: ['sample-app'], notRestored: ['old-app'] });
      const i = computeImpact({
        backup: 'b',
        type: 'app',
        kotsadmNamespace: 'kotsadm',
        appSlugs: ['sample-app', 'old-app'],
        installedNow: ['sample-app'],
        appNamespaces: ['sample-app'],
        resourceList: list,
        toDelete: [],
        existing: new Set(),
      });
      expect(i.consequences.join(' ')).toMatch(/old-app is in the backup but not installed now.*full restore/);
    });

    it("full: the restored admin console restores the backup's apps; one installed since is left unmanaged", () => {
      expect(appsInRestore('full', ['sample-app'], ['sample-app', 'later-app'])).toEqual({
        restoreNames: ['sample-app'],
        comesBack: ['sample-app'],
        deletedForGood: [],
        notRestored: [],
        leftUnmanaged: ['later-app'],
      });
      const i = computeImpact({
        backup: 'b',
        type: 'full',
        kotsadmNamespace: 'kotsadm',
        appSlugs: ['sample-app'],
        installedNow: ['sample-app', 'later-app'],
        appNamespaces: ['sample-app'],
        resourceList: list,
        toDelete: [],
        existing: new Set(),
      });
      expect(i.consequences.join(' ')).toMatch(/later-app .*not known to the restored admin console/);
    });

    it("nothing known about the cluster (rebuilt, or the list could not be read): the backup's apps", () => {
      expect(appsInRestore('app', ['sample-app'], undefined)).toEqual({
        restoreNames: ['sample-app'],
        comesBack: ['sample-app'],
        deletedForGood: [],
        notRestored: [],
        leftUnmanaged: [],
      });
      expect(appsInRestore('admin-console', ['sample-app'], ['x']).restoreNames).toEqual([]);
    });
  });
});
