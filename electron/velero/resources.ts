/**
 * Velero's objects as Lifeboat reads them (velero pkg/apis/velero/v1/*_types.go at v1.18.3): typed
 * shapes, a watch over Backups, PodVolumeBackups, BackupStorageLocations and DeleteBackupRequests
 * (client-node ListWatch informers: list once, then watch; never polling), the list summary of a
 * Backup, and the few writes the backups area makes (DeleteBackupRequest).
 *
 * A watch that fails (Velero's CRDs not installed yet, a dropped connection) is restarted with
 * backoff; a 404 means "no Velero CRDs", not an error of its own.
 */
import { CustomObjectsApi, type KubeConfig, ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { BackupSummary, BackupType, BackupVolumes } from '../api/contract.js';
import { statusOf } from '../cluster/connection.js';
import { startAttempt } from '../cluster/watchAttempt.js';
import type { KubeRest } from '../cluster/rest.js';
import { callEach } from '../events.js';
import { labelValue, type BackupStorageLocation, type LabelSelector, type PodVolumeBackup, type VeleroBackup } from './types.js';

/** full (instance / improved-DR), partial (one app), other (not made by KOTS): from kots.io annotations. */
export function backupType(b: Pick<VeleroBackup, 'metadata'>): BackupType {
  const a = b.metadata.annotations ?? {};
  if (a['kots.io/instance'] === 'true' || a['replicated.com/backup-type']) return 'full';
  if (a['kots.io/app-id'] || a['kots.io/app-sequence'] !== undefined) return 'partial';
  return 'other';
}

/**
 * The apps a backup holds. Full backups name them with their version labels
 * (`kots.io/apps-versions`). A partial backup carries no version label, only `kots.io/app-sequence`,
 * and its app is the `kots.io/app-slug` of its label selector (kots pkg/kotsadmsnapshot/backup.go
 * CreateApplicationBackup at v1.131.4); the
 * sequence stands in for the version there.
 */
export function backupApps(b: Pick<VeleroBackup, 'metadata' | 'spec'>): Array<{ slug: string; version?: string }> {
  const a = b.metadata.annotations ?? {};
  try {
    const v = JSON.parse(a['kots.io/apps-versions'] ?? '{}') as Record<string, unknown>;
    const apps = Object.entries(v).map(([slug, version]) => ({ slug, ...(typeof version === 'string' && version ? { version } : {}) }));
    if (apps.length) return apps.sort((x, y) => x.slug.localeCompare(y.slug));
  } catch {
    // malformed annotation: fall through
  }
  const slug = a['kots.io/app-slug'] ?? b.spec?.labelSelector?.matchLabels?.['kots.io/app-slug'];
  if (!slug) return [];
  const sequence = a['kots.io/app-sequence'];
  return [{ slug, ...(sequence !== undefined && /^\d+$/.test(sequence) ? { version: `sequence ${sequence}` } : {}) }];
}

export function volumeTotals(pvbs: readonly PodVolumeBackup[]): BackupVolumes {
  const v: BackupVolumes = { total: 0, completed: 0, failed: 0, bytesDone: 0, totalBytes: 0 };
  for (const p of pvbs) {
    v.total++;
    if (p.status?.phase === 'Completed') v.completed++;
    if (p.status?.phase === 'Failed' || p.status?.phase === 'Canceled') v.failed++;
    v.bytesDone += p.status?.progress?.bytesDone ?? 0;
    v.totalBytes += p.status?.progress?.totalBytes ?? 0;
  }
  return v;
}

export function summarizeBackup(b: VeleroBackup, pvbs: readonly PodVolumeBackup[] = [], sizeBytes?: number): BackupSummary {
  const a = b.metadata.annotations ?? {};
  const s = b.status ?? {};
  const opt = <K extends string, V>(k: K, v: V | undefined | null) => (v === undefined || v === null || v === '' ? {} : ({ [k]: v } as Record<K, V>));
  return {
    name: b.metadata.name,
    namespace: b.metadata.namespace,
    ...opt('uid', b.metadata.uid),
    type: backupType(b),
    phase: b.metadata.deletionTimestamp ? 'Deleting' : s.phase || 'New',
    ...opt('trigger', a['kots.io/snapshot-trigger']),
    ...opt('requestedAt', a['kots.io/snapshot-requested']),
    ...opt('createdAt', b.metadata.creationTimestamp),
    ...opt('startedAt', s.startTimestamp),
    ...opt('completedAt', s.completionTimestamp),
    ...opt('expiresAt', s.expiration),
    ...opt('storageLocation', b.spec?.storageLocation),
    apps: backupApps(b),
    ...opt('itemsBackedUp', s.progress?.itemsBackedUp),
    ...opt('totalItems', s.progress?.totalItems),
    errors: s.errors ?? 0,
    warnings: s.warnings ?? 0,
    ...opt('hooksAttempted', s.hookStatus?.hooksAttempted),
    ...opt('hooksFailed', s.hookStatus?.hooksFailed),
    volumes: volumeTotals(pvbs),
    ...opt('failureReason', s.failureReason),
    ...(s.validationErrors?.length ? { validationErrors: s.validationErrors } : {}),
    ...opt('sizeBytes', sizeBytes),
  };
}

export function selectorText(sel: LabelSelector | undefined): string | undefined {
  if (!sel) return undefined;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(', ')})`);
  return parts.join(', ') || undefined;
}

// ---------------------------------------------------------------------------------------------
// Watch

export type WatchedKind = 'backups' | 'podvolumebackups' | 'backupstoragelocations' | 'deletebackuprequests';
export const WATCHED_KINDS: WatchedKind[] = ['backups', 'podvolumebackups', 'backupstoragelocations', 'deletebackuprequests'];

export type WatchVerb = 'add' | 'update' | 'delete';
export type WatchListener = (kind: WatchedKind, verb: WatchVerb, obj: KubernetesObject) => void;

interface Feed {
  kind: WatchedKind;
  informer: ListWatch<KubernetesObject>;
  failures: number;
  attempt: number;
  failedAttempt: number;
  retry?: NodeJS.Timeout;
  /** Listed at least once since start. */
  listed: boolean;
  lastError?: { status?: number; message: string };
}

/**
 * A watch of one kind that someone else keeps: the environment detector's BackupStorageLocations
 * (environment/detect.ts), so that the cluster is watched for them once, not twice. VeleroWatch
 * reads it in place of an informer of its own.
 */
export interface SharedWatch {
  /** Resolves once the watch on this client has listed or failed once (or was replaced or stopped). */
  ready(kc: KubeConfig): Promise<void>;
  list(namespace?: string): readonly KubernetesObject[];
  get(name: string, namespace: string): KubernetesObject | undefined;
  /** Every add/update/delete, across the keeper's restarts. */
  on(listener: (verb: WatchVerb, obj: KubernetesObject) => void): () => void;
  /** Listed at least once on the current client, and not failing now. */
  synced(): boolean;
  /** Why it is not watching right now (undefined: fine). */
  problem(): { status?: number; message: string } | undefined;
}

/** Watches kept elsewhere that VeleroWatch reads instead of opening its own. */
export interface SharedWatches {
  locations?: SharedWatch;
}

const LOCATIONS: WatchedKind = 'backupstoragelocations';

/**
 * Watches Velero's objects in every namespace (the Velero namespace may change or be unknown when
 * the watch starts; the caller filters). Listeners hear every add/update/delete. Storage locations
 * come from `shared.locations` when given (the environment detector's watch).
 */
export class VeleroWatch {
  private feeds: Feed[] = [];
  private readonly listeners = new Set<WatchListener>();
  private stopped = true;
  private firstList?: Promise<void>;
  private offShared?: () => void;

  constructor(
    private readonly kc: KubeConfig,
    private readonly shared: SharedWatches = {},
  ) {}

  on(l: WatchListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Starts every watch; resolves once each has listed or failed once. */
  start(): Promise<void> {
    if (!this.stopped) return this.firstList ?? Promise.resolve();
    this.stopped = false;
    const watch = new Watch(this.kc);
    const custom = this.kc.makeApiClient(CustomObjectsApi);
    const locations = this.shared.locations;
    this.feeds = WATCHED_KINDS.filter((kind) => !(locations && kind === LOCATIONS)).map((kind) => {
      const list = () => custom.listClusterCustomObject({ group: 'velero.io', version: 'v1', plural: kind }) as Promise<KubernetesListObject<KubernetesObject>>;
      const informer = new ListWatch<KubernetesObject>(`/apis/velero.io/v1/${kind}`, watch, list, false);
      const f: Feed = { kind, informer, failures: 0, attempt: 0, failedAttempt: -1, listed: false };
      for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (obj) => this.emit(kind, verb, obj));
      informer.on('error', (err) => this.failed(f, err));
      return f;
    });
    const first = this.feeds.map((f) => this.attempt(f));
    if (locations) {
      this.offShared = locations.on((verb, obj) => this.emit(LOCATIONS, verb, obj));
      first.push(locations.ready(this.kc));
    }
    this.firstList = Promise.all(first).then(() => undefined);
    return this.firstList;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offShared?.();
    this.offShared = undefined;
    const feeds = this.feeds;
    this.feeds = [];
    for (const f of feeds) clearTimeout(f.retry);
    await Promise.all(feeds.map((f) => f.informer.stop().catch(() => {})));
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** True once every kind has listed (Velero's CRDs exist and we may read them). */
  get synced(): boolean {
    const shared = this.sharedFor(LOCATIONS);
    return this.feeds.length > 0 && this.feeds.every((f) => f.listed && f.failedAttempt !== f.attempt) && (!shared || shared.synced());
  }

  /** Why a kind is not being watched right now (undefined: fine). */
  problem(kind: WatchedKind): { status?: number; message: string } | undefined {
    const shared = this.sharedFor(kind);
    if (shared) return shared.problem();
    const f = this.feeds.find((x) => x.kind === kind);
    if (!f) return { message: 'not watching (not connected)' };
    return f.failedAttempt === f.attempt ? f.lastError : undefined;
  }

  list<T = KubernetesObject>(kind: WatchedKind, namespace?: string): T[] {
    const source = this.sharedFor(kind) ?? this.feeds.find((x) => x.kind === kind)?.informer;
    return source ? ([...source.list(namespace)] as unknown as T[]) : [];
  }

  /** How many objects of a kind the cache holds (all namespaces), without copying them. */
  count(kind: WatchedKind): number {
    const source = this.sharedFor(kind) ?? this.feeds.find((x) => x.kind === kind)?.informer;
    return source ? source.list().length : 0;
  }

  get<T = KubernetesObject>(kind: WatchedKind, namespace: string, name: string): T | undefined {
    const source = this.sharedFor(kind) ?? this.feeds.find((x) => x.kind === kind)?.informer;
    return source?.get(name, namespace) as unknown as T | undefined;
  }

  backups(namespace?: string): VeleroBackup[] {
    return this.list<VeleroBackup>('backups', namespace);
  }

  podVolumeBackupsFor(namespace: string, backupName: string): PodVolumeBackup[] {
    const v = labelValue(backupName);
    return this.list<PodVolumeBackup>('podvolumebackups', namespace).filter((p) => p.metadata.labels?.['velero.io/backup-name'] === v);
  }

  locations(namespace?: string): BackupStorageLocation[] {
    return this.list<BackupStorageLocation>('backupstoragelocations', namespace);
  }

  /** The shared watch that serves this kind while running, if any. */
  private sharedFor(kind: WatchedKind): SharedWatch | undefined {
    return kind === LOCATIONS && !this.stopped && this.feeds.length > 0 ? this.shared.locations : undefined;
  }

  private emit(kind: WatchedKind, verb: WatchVerb, obj: KubernetesObject): void {
    callEach(this.listeners, kind, verb, obj);
  }

  private async attempt(f: Feed): Promise<void> {
    if ((await startAttempt(f, (err) => this.failed(f, err))) && !this.stopped && this.feeds.includes(f)) {
      f.listed = true;
      f.failures = 0;
      f.lastError = undefined;
    }
  }

  private failed(f: Feed, err: unknown): void {
    f.failedAttempt = f.attempt;
    if (this.stopped || !this.feeds.includes(f)) return;
    const status = statusOf(err);
    f.failures++;
    f.lastError = { status, message: (err as Error)?.message?.split('\n')[0] ?? String(err) };
    clearTimeout(f.retry);
    // 404: Velero's CRDs are not installed (yet): look again now and then.
    const base = status === 404 ? 5000 : 1000;
    const delay = Math.min(30_000, base * 2 ** Math.min(f.failures - 1, 5));
    f.retry = setTimeout(() => {
      if (this.stopped || !this.feeds.includes(f)) return;
      void f.informer
        .stop()
        .catch(() => {})
        .then(() => this.attempt(f));
    }, delay);
    f.retry.unref?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Writes

/** The cluster layer's client (cluster/rest.ts): a refusal is mapped there (a 403 names the verb and resource). */
export type VeleroWriteApi = Pick<KubeRest, 'post'>;

/** `velero backup delete` without the CLI: a DeleteBackupRequest labelled with the backup's name and uid. */
export async function requestBackupDeletion(api: VeleroWriteApi, b: VeleroBackup): Promise<string> {
  const created = await api.post<{ metadata?: { name?: string } } | undefined>(
    `/apis/velero.io/v1/namespaces/${encodeURIComponent(b.metadata.namespace)}/deletebackuprequests`,
    {
      apiVersion: 'velero.io/v1',
      kind: 'DeleteBackupRequest',
      metadata: {
        generateName: `${b.metadata.name.slice(0, 200)}-`,
        labels: {
          'velero.io/backup-name': labelValue(b.metadata.name),
          ...(b.metadata.uid ? { 'velero.io/backup-uid': b.metadata.uid } : {}),
          'app.kubernetes.io/managed-by': 'lifeboat',
        },
      },
      spec: { backupName: b.metadata.name },
    },
  );
  return created?.metadata?.name ?? '';
}
