import { describe, expect, it } from 'vitest';
import { computeImpact, parseResourceList, refKey, refsOf, sideOf } from './impact.js';

const list = parseResourceList(JSON.stringify({
  'v1/Namespace': ['kotsadm', 'sample-app'],
  'v1/ConfigMap': ['kotsadm/kotsadm-confg', 'sample-app/sample-config'],
  'apps/v1/Deployment': ['kotsadm/kotsadm', 'sample-app/sample-web'],
  'v1/Pod': ['sample-app/sample-web-1'],
  'rbac.authorization.k8s.io/v1/ClusterRole': ['kotsadm-role'],
}));

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
      backup: 'b', type: 'app', kotsadmNamespace: 'kotsadm', appSlugs: ['sample-app'], appNamespaces: ['sample-app'], resourceList: list,
      toDelete: [{ kind: 'PersistentVolumeClaim', namespace: 'sample-app', name: 'data-sample-db-0' }, { kind: 'Deployment', namespace: 'sample-app', name: 'sample-web' }],
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
    const a = computeImpact({ backup: 'b', type: 'admin-console', kotsadmNamespace: 'kotsadm', appSlugs: ['sample-app'], appNamespaces: ['sample-app'], resourceList: list, toDelete: [], existing: new Set() });
    expect(a.toRestore.every((r) => r.namespace === 'kotsadm' || r.name.startsWith('kotsadm'))).toBe(true);
    expect(a.namespacesCleared).toEqual([]);
    expect(a.consequences.join(' ')).toMatch(/sample-app is left running/);
    const f = computeImpact({ backup: 'b', type: 'full', kotsadmNamespace: 'kotsadm', appSlugs: ['sample-app'], appNamespaces: ['sample-app'], resourceList: list, toDelete: [], existing: new Set() });
    expect(f.toRestoreTotal).toBe(7);
  });

  it('without a resource list it still explains the consequences and says why the list is short', () => {
    const i = computeImpact({ backup: 'b', type: 'app', kotsadmNamespace: 'kotsadm', appSlugs: ['x'], appNamespaces: ['x'], resourceListProblem: 'storage unreachable', toDelete: [], existing: new Set() });
    expect(i.resourceListRead).toBe(false);
    expect(i.notes[0]).toContain('storage unreachable');
    expect(i.consequences.length).toBeGreaterThan(0);
  });
});
