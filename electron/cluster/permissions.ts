/**
 * Every permission Lifeboat needs, with the reason in the operator's words, checked with
 * SelfSubjectAccessReview (the API server answers for the current user; nothing is guessed).
 */
import type { AuthorizationV1Api, V1SelfSubjectAccessReview } from '@kubernetes/client-node';
import type { PermissionCheck } from '../api/contract.js';

export interface Needed {
  verb: string;
  group: string;
  resource: string;
  /** 'velero' | 'kots' → the detected namespace; undefined → cluster-wide. */
  scope?: 'velero' | 'kots';
  purpose: string;
}

const v = (resource: string, verbs: string[], purpose: string): Needed[] =>
  verbs.map((verb) => ({ verb, group: 'velero.io', resource, scope: 'velero', purpose }));

export const NEEDED: Needed[] = [
  ...v('backups', ['list', 'watch'], 'Show the backups Velero holds and follow their progress'),
  ...v('backups', ['create'], 'Take a backup'),
  ...v('backups', ['delete'], 'Clean up a backup object'),
  ...v('restores', ['list', 'watch'], 'Show restores and follow their progress'),
  ...v('restores', ['create'], 'Restore from a backup'),
  ...v('restores', ['delete'], 'Clean up finished restore objects'),
  ...v('deletebackuprequests', ['create', 'list'], 'Delete a backup together with its stored data'),
  ...v('downloadrequests', ['create', 'get'], 'Download backup and restore logs and results'),
  ...v('serverstatusrequests', ['create', 'get'], 'Read the Velero server version and plugins'),
  ...v('backupstoragelocations', ['list', 'watch'], 'Show whether the backup storage is available'),
  ...v('backupstoragelocations', ['create', 'update'], 'Configure where backups are stored'),
  ...v('schedules', ['list', 'create', 'update'], 'Show and set the backup schedule'),
  ...v('podvolumebackups', ['list'], 'Show progress of volume (file-system) backups'),
  { verb: 'list', group: 'apps', resource: 'deployments', purpose: 'Find the KOTS admin console and the Velero server' },
  { verb: 'watch', group: 'apps', resource: 'deployments', purpose: 'Notice when Velero or the admin console change' },
  { verb: 'list', group: 'apps', resource: 'daemonsets', purpose: 'Check the Velero node agent used for volume backups' },
  { verb: 'watch', group: 'apps', resource: 'daemonsets', purpose: 'Notice when the node agent becomes ready' },
  { verb: 'list', group: '', resource: 'pods', purpose: 'Find the admin console and Velero pods and their state' },
  { verb: 'list', group: '', resource: 'namespaces', purpose: 'Tell kURL, Embedded Cluster and other installs apart' },
  { verb: 'list', group: '', resource: 'configmaps', purpose: 'Read KOTS settings (air gap registry, Velero namespace)' },
  { verb: 'watch', group: '', resource: 'configmaps', purpose: 'Notice KOTS settings changes' },
  { verb: 'get', group: '', resource: 'secrets', scope: 'velero', purpose: 'Read the backup storage credentials Velero uses' },
  { verb: 'get', group: '', resource: 'secrets', scope: 'kots', purpose: "Read the admin console's registry settings" },
  { verb: 'create', group: '', resource: 'pods/portforward', scope: 'kots', purpose: 'Reach the admin console API for schedules and retention' },
  { verb: 'get', group: '', resource: 'pods/log', scope: 'velero', purpose: 'Show Velero server logs when something fails' },
  { verb: 'get', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', purpose: "Check that Velero's resource types are installed" },
  { verb: 'create', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', purpose: 'Install Velero' },
];

export interface Namespaces {
  velero?: string;
  kots?: string;
}

export function resolveNeeded(ns: Namespaces): Array<Omit<PermissionCheck, 'allowed'>> {
  return NEEDED.map((n) => ({
    verb: n.verb,
    group: n.group,
    resource: n.resource,
    namespace: n.scope === 'velero' ? (ns.velero ?? 'velero') : n.scope === 'kots' ? ns.kots : undefined,
    purpose: n.purpose,
  }));
}

export type Reviewer = Pick<AuthorizationV1Api, 'createSelfSubjectAccessReview'>;

export function reviewBody(p: Omit<PermissionCheck, 'allowed'>): V1SelfSubjectAccessReview {
  const [resource, subresource] = p.resource.split('/');
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { verb: p.verb, group: p.group, resource, subresource, namespace: p.namespace } },
  };
}

/** Asks the API server about each needed permission, in parallel. Errors propagate (caller maps them). */
export async function checkPermissions(api: Reviewer, ns: Namespaces): Promise<PermissionCheck[]> {
  const needed = resolveNeeded(ns);
  return Promise.all(
    needed.map(async (p) => {
      const res = await api.createSelfSubjectAccessReview({ body: reviewBody(p) });
      return { ...p, allowed: res.status?.allowed === true };
    }),
  );
}

export function missing(checks: PermissionCheck[]): PermissionCheck[] {
  return checks.filter((c) => !c.allowed);
}
