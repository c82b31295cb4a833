import { describe, expect, it } from 'vitest';
import { checkPermissions, missing, NEEDED, resolveNeeded, reviewBody, type Reviewer } from './permissions';

describe('permissions', () => {
  it('covers every resource Lifeboat uses, each with a purpose', () => {
    const keys = new Set(NEEDED.map((n) => `${n.verb} ${n.group}/${n.resource}`));
    for (const k of [
      'list velero.io/backups',
      'watch velero.io/backups',
      'create velero.io/backups',
      'delete velero.io/backups',
      'create velero.io/restores',
      'create velero.io/deletebackuprequests',
      'create velero.io/downloadrequests',
      'create velero.io/serverstatusrequests',
      'list velero.io/backupstoragelocations',
      'list apps/deployments',
      'list apps/daemonsets',
      'list /pods',
      'get /secrets',
      'list /configmaps',
      'list /namespaces',
      'create /pods/portforward',
      'get apiextensions.k8s.io/customresourcedefinitions',
    ])
      expect(keys, k).toContain(k);
    for (const n of NEEDED) expect(n.purpose.length).toBeGreaterThan(10);
  });

  it('scopes velero.io resources to the Velero namespace and port-forward to the KOTS namespace', () => {
    const r = resolveNeeded({ velero: 'velero-system', kots: 'default' });
    expect(r.find((p) => p.resource === 'backups')?.namespace).toBe('velero-system');
    expect(r.find((p) => p.resource === 'pods/portforward')?.namespace).toBe('default');
    expect(r.find((p) => p.resource === 'deployments')?.namespace).toBeUndefined();
    expect(reviewBody({ verb: 'create', group: '', resource: 'pods/portforward', namespace: 'default', purpose: '' }).spec.resourceAttributes).toEqual({
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'portforward',
      namespace: 'default',
    });
  });

  it('a user who may only read namespaces is missing everything else, with reasons', async () => {
    const asked: unknown[] = [];
    const api: Reviewer = {
      createSelfSubjectAccessReview: async ({ body }) => {
        asked.push(body.spec.resourceAttributes);
        const a = body.spec.resourceAttributes!;
        return { ...body, status: { allowed: a.resource === 'namespaces' && a.verb === 'list' } };
      },
    } as Reviewer;
    const checks = await checkPermissions(api, { velero: 'velero', kots: 'kots' });
    expect(asked).toHaveLength(NEEDED.length);
    const m = missing(checks);
    expect(m).toHaveLength(NEEDED.length - 1);
    expect(m.find((c) => c.resource === 'backups' && c.verb === 'create')).toMatchObject({ allowed: false, namespace: 'velero', purpose: 'Take a backup' });
    expect(checks.find((c) => c.resource === 'namespaces')?.allowed).toBe(true);
  });
});
