/** Fakes shared by the restore modules' unit tests (never imported by shipped code). */
import type { RestoreRun, RestoreWizard } from '../../api/contract.js';
import type { KubeJson } from '../../cluster/rest.js';
import { WizardMachine } from './machine.js';
import { initialWizard } from './state.js';
import type { VeleroBackup, BackupStorageLocation } from '../../velero/types.js';

/** A machine over an in-memory file: `saved` holds every write, `announced` every announcement. */
export function memMachine(start: Partial<RestoreWizard> = {}) {
  const saved: RestoreWizard[] = [];
  const announced: RestoreWizard[] = [];
  let file: RestoreWizard = { ...initialWizard(), ...start };
  const m = new WizardMachine(
    {
      load: () => file,
      save: (w) => {
        file = { ...w, updatedAt: new Date().toISOString() };
        saved.push(file);
        return file;
      },
    },
    (w) => announced.push(w),
  );
  return { m, saved, announced, file: () => file };
}

/** GETs answered from `objects` by full path (query included); a missing path is undefined. */
export function mapKube(objects: Record<string, unknown>, seen: string[] = []): KubeJson {
  const get = async (p: string) => {
    seen.push(p);
    return objects[p] as any;
  };
  return {
    get: async (p) => (await get(p)) ?? { items: [] },
    getOrUndefined: get,
    post: async (_p, b) => b as any,
    mergePatch: async (_p, b) => b as any,
    delete: async () => undefined as any,
  };
}

export function run(over: Partial<RestoreRun> = {}): RestoreRun {
  return {
    id: 'r1',
    backup: 'instance-abc',
    type: 'app',
    appSlugs: ['my-app'],
    kotsadmNamespace: 'kotsadm',
    veleroNamespace: 'velero',
    startedAt: '2026-05-01T10:00:00.000Z',
    state: 'running',
    steps: [{ component: 'app', state: 'pending', restoreNames: ['instance-abc.my-app'] }],
    restores: [],
    ...over,
  };
}

/** A wizard at the run step for backup instance-abc of app my-app. */
export function atRun(over: Partial<RestoreWizard> = {}): Partial<RestoreWizard> {
  return { step: 'run', situation: 'same-cluster', backup: 'instance-abc', type: 'app', appSlug: 'my-app', ...over };
}

export const restore = (name: string, phase?: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, uid: `uid-${name}` },
  status: { phase, ...extra },
});

/** A completed KOTS instance backup (the legacy kind the kots CLI restores) in location default. */
export function legacyBackup(name = 'instance-abc', ann: Record<string, string> = {}, status: Record<string, unknown> = {}): VeleroBackup {
  return {
    metadata: {
      name,
      namespace: 'velero',
      annotations: {
        'kots.io/instance': 'true',
        'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
        'kots.io/kotsadm-deploy-namespace': 'kotsadm',
        'kots.io/apps-versions': '{"my-app":"1.1.0"}',
        ...ann,
      },
    },
    spec: { storageLocation: 'default', includedNamespaces: ['kotsadm', 'my-app'] },
    status: { phase: 'Completed', startTimestamp: '2026-04-30T00:00:00Z', expiration: '2099-12-30T00:00:00Z', ...status },
  };
}

export const location = (name = 'default', over: Partial<BackupStorageLocation> = {}): BackupStorageLocation => ({
  metadata: { name, namespace: 'velero' },
  spec: { provider: 'aws', default: true, objectStorage: { bucket: 'backups' } },
  status: { phase: 'Available', lastSyncedTime: '2026-05-01T00:00:00Z' },
  ...over,
});

/** Environment as detection reports it, only the parts the restore reads. */
export const env = (over: { veleroInstalled?: boolean; veleroReady?: boolean; kotsFound?: boolean; apps?: string[] } = {}) =>
  ({
    flavour: 'existing',
    airgap: { airgapped: false, reason: '', outboundDisabled: false },
    velero: { installed: over.veleroInstalled ?? true, ready: over.veleroReady ?? true, version: 'v1.18.3', namespace: 'velero' },
    kots: { found: over.kotsFound ?? true, namespace: 'kotsadm', apps: (over.apps ?? ['my-app']).map((slug) => ({ slug })) },
  }) as never;
