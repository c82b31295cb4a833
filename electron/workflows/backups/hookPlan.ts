/**
 * Which backup hooks will run in the next full backup, before it is taken: pod annotation hooks on
 * the pods a full backup selects, and the vendor's hooks as KOTS put them into the last full
 * backup (hooks.ts has the parsing).
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { BackupHook, HookPlan } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { lastInstanceBackupSpec, podAnnotationHooks, specHooks, type PodLike } from './hooks.js';
import type { BackupScope } from './scope.js';

export async function planHooks(scope: BackupScope): Promise<HookPlan> {
  const kc = scope.kubeConfig();
  const env = scope.env();
  const kotsNs = env?.kots.namespace;
  if (!kotsNs)
    throw new LifeboatError(
      'VELERO_NOT_READY',
      'No KOTS admin console found, so there is no KOTS backup to plan.',
      'Connect to the cluster where the application is installed.',
    );
  const core = kc.makeApiClient(CoreV1Api);
  const notes: string[] = [];
  const namespaces = new Set<string>([kotsNs, ...(env?.kots.apps ?? []).map((a) => a.namespace).filter((n): n is string => !!n)]);
  // Vendor hooks: as KOTS merged them into the last full backup (hooks.ts lastInstanceBackupSpec);
  // the vendor Backup itself is inside kotsadm's release, which the cluster API does not expose.
  const last = lastInstanceBackupSpec(scope.backups());
  if (last) {
    for (const n of last.namespaces) namespaces.add(n);
    notes.push(`Vendor hooks are those KOTS put into the last full backup, ${last.backup}; a release deployed since may have changed them.`);
  } else {
    notes.push(
      'Vendor hooks show once KOTS has made a full backup (KOTS copies them into it from the release inside the admin console). Pod annotation hooks are listed now.',
    );
  }
  const pods = await backedUpPods(core, namespaces, notes);
  const hooks: BackupHook[] = [];
  for (const p of pods) hooks.push(...podAnnotationHooks(p));
  if (last) hooks.push(...specHooks(last.resources, pods, `vendor hooks, as in backup ${last.backup}`));
  if (!hooks.length) notes.push('No backup hooks will run: no pod in the backed-up namespaces has hook annotations, and no vendor spec defines any.');
  return { hooks, namespaces: [...namespaces].sort(), notes };
}

/** The pods a full backup takes, namespace by namespace; a namespace that cannot be listed is a note. */
async function backedUpPods(core: Pick<CoreV1Api, 'listNamespacedPod'>, namespaces: Iterable<string>, notes: string[]): Promise<PodLike[]> {
  const pods: PodLike[] = [];
  for (const ns of namespaces) {
    try {
      const list = await core.listNamespacedPod({ namespace: ns });
      // Full backups select kots.io/backup=velero (Embedded Cluster: replicated.com/disaster-recovery).
      pods.push(
        ...(list.items.filter(
          (p) => p.metadata?.labels?.['kots.io/backup'] === 'velero' || p.metadata?.labels?.['replicated.com/disaster-recovery'] !== undefined,
        ) as PodLike[]),
      );
    } catch (e) {
      notes.push(`Pods in ${ns} could not be listed: ${(e as Error).message?.split('\n')[0]}.`);
    }
  }
  return pods;
}
