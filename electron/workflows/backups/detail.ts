/**
 * The detail of one backup: its summary and spec from the watch, and — once Velero has finished —
 * its results, resource list and hook outcomes from the store. What cannot be read becomes a note,
 * never a failure of the whole detail. A replicated backup's detail is its members' merged.
 */
import type { BackupDetail, BackupSummary } from '../../api/contract.js';
import { toErrorData } from '../../api/errors.js';
import type { UrlSource } from '../../velero/downloadRequests.js';
import { downloadText } from '../../velero/downloads.js';
import { selectorText } from '../../velero/resources.js';
import { isTerminalBackup, type PodVolumeBackup, type VeleroBackup } from '../../velero/types.js';
import { parseHookOutcomes } from './hooks.js';
import { memberType } from '../../kots/replicatedBackups.js';
import { mergeDetails } from './replicated.js';
import { downloadTarget, type BackupScope } from './scope.js';

export interface DetailDeps {
  scope: BackupScope;
  summary: (b: VeleroBackup) => BackupSummary;
  /** A row over these Backups (a pair's combined summary). */
  row: (backups: readonly VeleroBackup[], key: string) => BackupSummary | undefined;
  logLines: (name: string) => Promise<string[]>;
  source: () => UrlSource;
}

type Stored = Pick<BackupDetail, 'results' | 'resources' | 'hooks'>;

export async function backupDetail(deps: DetailDeps, name: string): Promise<BackupDetail> {
  const members = deps.scope.members(name);
  if (members) {
    const parts = await Promise.all(
      members.map(async (m) => ({ name: m.metadata.name, type: memberType(m), detail: await backupDetail(deps, m.metadata.name) })),
    );
    return mergeDetails(deps.row(members, name)!, parts);
  }
  const b = deps.scope.mustFind(name);
  const summary = deps.summary(b);
  const notes: string[] = [];
  const stored: Stored = { results: [], resources: {}, hooks: [] };
  if (!isTerminalBackup(b.status?.phase)) notes.push('Results, the resource list and hook outcomes are available once the backup has finished.');
  else if (b.status?.phase === 'FailedValidation') notes.push('Velero refused this backup before it started, so it has no log, results or resource list.');
  else await readStored(deps, b, stored, notes);
  const pvbs: PodVolumeBackup[] = deps.scope.watch?.podVolumeBackupsFor(b.metadata.namespace, name) ?? [];
  return {
    summary,
    spec: specOf(b),
    annotations: b.metadata.annotations ?? {},
    podVolumeBackups: pvbs.map(volumeOf),
    ...stored,
    notes,
  };
}

/** Results, resource list and hook outcomes, read side by side; each failure is a note. */
async function readStored(deps: DetailDeps, b: VeleroBackup, out: Stored, notes: string[]): Promise<void> {
  const src = deps.source();
  const noteOf = (what: string) => (err: unknown) => {
    const e = toErrorData(err);
    notes.push(`${what}: ${e.message}${e.hint ? ` ${e.hint}` : ''}`);
  };
  const tasks: Array<Promise<void>> = [];
  if ((b.status?.errors ?? 0) > 0 || (b.status?.warnings ?? 0) > 0) {
    tasks.push(
      downloadText(src, downloadTarget(b, 'BackupResults'), { optional: true })
        .then((t) => (t ? void out.results.push(...parseResults(t)) : void notes.push('The store has no results file for this backup.')))
        .catch(noteOf('Results')),
    );
  }
  tasks.push(
    downloadText(src, downloadTarget(b, 'BackupResourceList'), { optional: true })
      .then((t) => {
        if (!t) return void notes.push('The store has no resource list for this backup.');
        for (const [kind, items] of Object.entries(JSON.parse(t) as Record<string, string[]>)) out.resources[kind] = items;
      })
      .catch(noteOf('Resource list')),
  );
  // Hook outcomes: when Velero counted hook runs, or errors (a hook failure is one, and a status
  // written around an API server restart may lack the hook counts).
  if ((b.status?.hookStatus?.hooksAttempted ?? 0) > 0 || (b.status?.errors ?? 0) > 0) {
    tasks.push(
      deps
        .logLines(b.metadata.name)
        .then((lines) => void (out.hooks = parseHookOutcomes(lines)))
        .catch(noteOf('Hook outcomes (from the log)')),
    );
  }
  await Promise.all(tasks);
}

type ResultsFile = Record<'errors' | 'warnings', { velero?: unknown[]; cluster?: unknown[]; namespaces?: Record<string, unknown[]> } | undefined>;

/** Velero's results file (errors and warnings, by scope) as the detail's list. */
export function parseResults(text: string): BackupDetail['results'] {
  const parsed = JSON.parse(text) as ResultsFile;
  const results: BackupDetail['results'] = [];
  const str = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(m));
  for (const kind of ['errors', 'warnings'] as const) {
    const r = parsed[kind];
    const k = kind === 'errors' ? 'error' : 'warning';
    for (const m of r?.velero ?? []) results.push({ kind: k, scope: 'Velero', message: str(m) });
    for (const m of r?.cluster ?? []) results.push({ kind: k, scope: 'cluster', message: str(m) });
    for (const [ns, ms] of Object.entries(r?.namespaces ?? {})) for (const m of ms ?? []) results.push({ kind: k, scope: `namespace ${ns}`, message: str(m) });
  }
  return results;
}

function specOf(b: VeleroBackup): BackupDetail['spec'] {
  const spec = b.spec ?? {};
  return {
    includedNamespaces: spec.includedNamespaces ?? ['*'],
    excludedNamespaces: spec.excludedNamespaces ?? [],
    ...(spec.includeClusterResources !== undefined ? { includeClusterResources: spec.includeClusterResources } : {}),
    ...(selectorText(spec.labelSelector) ? { labelSelector: selectorText(spec.labelSelector) } : {}),
    orLabelSelectors: (spec.orLabelSelectors ?? []).map((s) => selectorText(s) ?? '').filter(Boolean),
    ...(spec.ttl ? { ttl: spec.ttl } : {}),
    ...(spec.storageLocation ? { storageLocation: spec.storageLocation } : {}),
    ...(spec.defaultVolumesToFsBackup !== undefined ? { defaultVolumesToFsBackup: spec.defaultVolumesToFsBackup } : {}),
    hookResources: spec.hooks?.resources?.length ?? 0,
  };
}

function volumeOf(p: PodVolumeBackup): BackupDetail['podVolumeBackups'][number] {
  return {
    name: p.metadata.name,
    pod: `${p.spec?.pod?.namespace ?? ''}/${p.spec?.pod?.name ?? ''}`,
    volume: p.spec?.volume ?? '',
    phase: p.status?.phase ?? 'New',
    bytesDone: p.status?.progress?.bytesDone ?? 0,
    totalBytes: p.status?.progress?.totalBytes ?? 0,
    ...(p.status?.message ? { message: p.status.message } : {}),
  };
}
