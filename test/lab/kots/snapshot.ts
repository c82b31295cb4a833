/**
 * Pure snapshot logic shared by the kubectl-kots stand-in and the admin console stand-in
 * (docs/kots-contract.md#full-instance-backups, #restore, #schedule-and-retention, #cli-results-cannot-be-trusted): the instance Backup builder, the Restore objects, the
 * restore pre-checks with their "silent success" quirk, TTL conversion and cron validation.
 */
import { parse as parseYaml } from 'yaml';
import { CronExpressionParser } from 'cron-parser';

export const GROUP = 'velero.io';
export const VERSION = 'v1';

export type Labels = Record<string, string>;
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface VeleroBackup {
  apiVersion: 'velero.io/v1';
  kind: 'Backup';
  metadata: { name?: string; generateName?: string; namespace: string; annotations?: Labels; labels?: Labels; [k: string]: unknown };
  spec: {
    storageLocation?: string;
    includedNamespaces?: string[];
    excludedNamespaces?: string[];
    includeClusterResources?: boolean;
    orLabelSelectors?: LabelSelector[];
    labelSelector?: LabelSelector;
    orderedResources?: Record<string, string>;
    hooks?: { resources?: unknown[] };
    ttl?: string;
    [k: string]: unknown;
  };
  status?: {
    phase?: string;
    errors?: number;
    warnings?: number;
    startTimestamp?: string;
    completionTimestamp?: string;
    expiration?: string;
    [k: string]: unknown;
  };
}

export interface VeleroRestore {
  apiVersion: 'velero.io/v1';
  kind: 'Restore';
  metadata: { name: string; namespace: string; annotations?: Labels; labels?: Labels; [k: string]: unknown };
  spec: {
    backupName: string;
    labelSelector?: LabelSelector;
    restorePVs?: boolean;
    includeClusterResources?: boolean;
    [k: string]: unknown;
  };
  status?: { phase?: string; errors?: number; warnings?: number; startTimestamp?: string; completionTimestamp?: string; [k: string]: unknown };
}

/** An installed app as the lab seeds it (ConfigMap kotsadm-apps, key apps.json). */
export interface LabApp {
  slug: string;
  namespace: string;
  versionLabel: string;
  sequence: number;
  /** YAML of the vendor's velero.io/v1 Backup; absent or empty = the app ships none. */
  backupSpec?: string;
  /** Application.spec.additionalNamespaces. */
  additionalNamespaces?: string[];
}

export interface EmbeddedClusterInfo {
  id: string;
  version: string;
  isHA: boolean;
  isAirgap: boolean;
  podCIDR?: string;
  serviceCIDR?: string;
  adminConsolePort?: number;
  localArtifactMirrorPort?: number;
  dataDir?: string;
  seaweedfsS3IP?: string;
}

export interface InstanceBackupInput {
  kotsadmNamespace: string;
  /** Namespace of the BSL named `default`. */
  veleroNamespace: string;
  isKurl: boolean;
  /** false in minimal-RBAC installs: the velero namespace is then included. */
  kotsadmClusterScoped: boolean;
  apps: LabApp[];
  kotsadmImage: string;
  isAirgap: boolean;
  embeddedRegistryHost?: string;
  ec?: EmbeddedClusterInfo;
  /** Go duration from the stored retention (`cluster.snapshot_ttl`), e.g. `720h`; unset = no spec.ttl. */
  ttl?: string;
  scheduled: boolean;
  requestedAt: Date;
}

/** Duplicates and empties removed; any `*` collapses the list to `["*"]`. Order of first sight kept. */
export function prepareIncludedNamespaces(namespaces: string[]): string[] {
  const out: string[] = [];
  for (const n of namespaces) {
    if (!n) continue;
    if (n === '*') return ['*'];
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

export function instanceBackupLabelSelectors(isEC: boolean): LabelSelector[] {
  if (isEC) {
    return [
      { matchLabels: {}, matchExpressions: [{ key: 'replicated.com/disaster-recovery', operator: 'In', values: ['infra', 'app', 'ec-install'] }] },
      { matchLabels: { app: 'docker-registry' } },
      { matchLabels: { 'app.kubernetes.io/name': 'seaweedfs' } },
    ];
  }
  return [{ matchLabels: { 'kots.io/backup': 'velero' } }];
}

export function ecIncludedNamespaces(ec: EmbeddedClusterInfo): string[] {
  const ns = ['embedded-cluster', 'kube-system', 'openebs'];
  if (ec.isAirgap) {
    ns.push('registry');
    if (ec.isHA) ns.push('seaweedfs');
  }
  return ns;
}

/** Parses a vendor Backup manifest; returns undefined for none/empty. Throws on a wrong kind. */
export function parseVendorBackup(yamlText: string | undefined): VeleroBackup | undefined {
  if (!yamlText || !yamlText.trim()) return undefined;
  const doc = parseYaml(yamlText) as Partial<VeleroBackup> | null;
  if (!doc) return undefined;
  if (doc.apiVersion !== 'velero.io/v1' || doc.kind !== 'Backup') throw new Error('failed to load backup from contents: not a velero.io/v1 Backup');
  return { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { namespace: '', ...(doc.metadata ?? {}) }, spec: { ...(doc.spec ?? {}) } };
}

/**
 * mergeAppBackupSpec: includedNamespaces, excludedNamespaces, orLabelSelectors (appended),
 * metadata.annotations, orderedResources, hooks.resources (appended). Deliberately NOT merged:
 * labelSelector, includedResources, excludedResources, ttl, snapshotVolumes, volumeSnapshotLocations.
 */
export function mergeAppBackupSpec(backup: VeleroBackup, app: LabApp, isEC: boolean): void {
  const vendor = parseVendorBackup(app.backupSpec);
  if (!vendor) {
    if (isEC) backup.spec.includedNamespaces!.push(...(app.additionalNamespaces ?? []));
    return;
  }
  backup.spec.includedNamespaces!.push(...(app.additionalNamespaces ?? []), ...(vendor.spec.includedNamespaces ?? []));
  backup.spec.excludedNamespaces!.push(...(vendor.spec.excludedNamespaces ?? []));
  backup.spec.orLabelSelectors!.push(...(vendor.spec.orLabelSelectors ?? []));
  for (const [k, v] of Object.entries(vendor.metadata.annotations ?? {})) backup.metadata.annotations![k] = String(v);
  for (const [k, v] of Object.entries(vendor.spec.orderedResources ?? {})) backup.spec.orderedResources![k] = String(v);
  backup.spec.hooks!.resources!.push(...(vendor.spec.hooks?.resources ?? []));
}

/** Go's time.Format(time.RFC3339) in UTC. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The instance ("legacy") Backup of CreateInstanceBackup / getInfrastructureInstanceBackupSpec. */
export function buildInstanceBackup(input: InstanceBackupInput): VeleroBackup {
  const isEC = !!input.ec;
  const backup: VeleroBackup = {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { generateName: 'instance-', namespace: input.veleroNamespace, annotations: {} },
    spec: {
      storageLocation: 'default',
      includedNamespaces: [input.kotsadmNamespace],
      excludedNamespaces: [],
      includeClusterResources: true,
      orLabelSelectors: instanceBackupLabelSelectors(isEC),
      orderedResources: {},
      hooks: { resources: [] },
    },
  };
  const ns = backup.spec.includedNamespaces!;
  // The app target namespace(s) (KOTSADM_TARGET_NAMESPACE); the lab gives each app its own.
  for (const a of input.apps) if (a.namespace && a.namespace !== input.kotsadmNamespace) ns.push(a.namespace);
  if (input.isKurl) ns.push('kurl');
  if (!input.kotsadmClusterScoped) ns.push(input.veleroNamespace);
  for (const a of input.apps) mergeAppBackupSpec(backup, a, isEC);

  const ann = backup.metadata.annotations!;
  const sequences: Record<string, number> = {};
  const versions: Record<string, string> = {};
  for (const a of input.apps) {
    sequences[a.slug] = a.sequence;
    versions[a.slug] = a.versionLabel;
  }
  ann['kots.io/snapshot-trigger'] = input.scheduled ? 'schedule' : 'manual';
  ann['kots.io/snapshot-requested'] = rfc3339(input.requestedAt);
  ann['kots.io/kotsadm-image'] = input.kotsadmImage;
  ann['kots.io/kotsadm-deploy-namespace'] = input.kotsadmNamespace;
  ann['kots.io/apps-sequences'] = JSON.stringify(sequences);
  ann['kots.io/apps-versions'] = JSON.stringify(versions);
  ann['kots.io/is-airgap'] = String(input.isAirgap);
  if (input.embeddedRegistryHost) ann['kots.io/embedded-registry'] = input.embeddedRegistryHost;
  if (input.ec) Object.assign(ann, ecAnnotations(input.ec));
  ann['kots.io/instance'] = 'true';

  if (input.ec) ns.push(...ecIncludedNamespaces(input.ec));
  if (input.ttl) backup.spec.ttl = input.ttl;
  backup.spec.includedNamespaces = prepareIncludedNamespaces(ns);
  return backup;
}

export function ecAnnotations(ec: EmbeddedClusterInfo): Labels {
  const a: Labels = {};
  if (ec.seaweedfsS3IP) a['kots.io/embedded-cluster-seaweedfs-s3-ip'] = ec.seaweedfsS3IP;
  a['kots.io/embedded-cluster'] = 'true';
  a['kots.io/embedded-cluster-id'] = ec.id;
  a['kots.io/embedded-cluster-version'] = ec.version;
  a['kots.io/embedded-cluster-is-ha'] = String(ec.isHA);
  if (ec.podCIDR !== undefined) a['kots.io/embedded-cluster-pod-cidr'] = ec.podCIDR;
  if (ec.serviceCIDR !== undefined) a['kots.io/embedded-cluster-service-cidr'] = ec.serviceCIDR;
  if (ec.adminConsolePort && ec.adminConsolePort > 0) a['kots.io/embedded-cluster-admin-console-port'] = String(ec.adminConsolePort);
  if (ec.localArtifactMirrorPort && ec.localArtifactMirrorPort > 0)
    a['kots.io/embedded-cluster-local-artifact-mirror-port'] = String(ec.localArtifactMirrorPort);
  if (ec.dataDir) a['kots.io/embedded-cluster-data-dir'] = ec.dataDir;
  return a;
}

/** kots.io/embedded-registry: host of a `registry-creds` Secret whose user is kurl or embedded-cluster. */
export function embeddedRegistryHost(dockerConfigJson: string | undefined): string | undefined {
  if (!dockerConfigJson) return undefined;
  try {
    const cfg = JSON.parse(dockerConfigJson) as { auths?: Record<string, { auth?: string; username?: string }> };
    for (const [host, entry] of Object.entries(cfg.auths ?? {})) {
      let user = entry.username;
      if (!user && entry.auth) user = Buffer.from(entry.auth, 'base64').toString('utf8').split(':')[0];
      if (user === 'kurl' || user === 'embedded-cluster') return host;
    }
  } catch {
    /* malformed: no registry */
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Instance-backup classification and the restore pre-checks (§3.1 step 1, §9 quirk)

export function isInstanceBackup(b: Pick<VeleroBackup, 'metadata'>): boolean {
  const ann = b.metadata.annotations ?? {};
  if (ann['replicated.com/disaster-recovery-version']) return true;
  return ann['kots.io/instance'] === 'true';
}

export function instanceBackupType(b: Pick<VeleroBackup, 'metadata'>): string {
  return b.metadata.annotations?.['replicated.com/backup-type'] ?? 'legacy';
}

export type RestorePrecheck =
  | { kind: 'proceed'; kotsadmImage: string; kotsadmNamespace: string }
  /** The real CLI "wraps" a nil error here and returns success without restoring anything. */
  | { kind: 'silent-success'; reason: string }
  | { kind: 'error'; message: string };

export function restorePrecheck(b: VeleroBackup): RestorePrecheck {
  if (!isInstanceBackup(b)) return { kind: 'silent-success', reason: 'backup provided is not an instance backup' };
  if (instanceBackupType(b) !== 'legacy') return { kind: 'error', message: 'only legacy type instance backups are restorable' };
  const ann = b.metadata.annotations ?? {};
  if (!('kots.io/kotsadm-image' in ann)) return { kind: 'silent-success', reason: 'failed to find kotsadm image annotation' };
  const ns = ann['kots.io/kotsadm-deploy-namespace'] ?? '';
  if (!ns) return { kind: 'silent-success', reason: 'failed to find kotsadm deploy namespace annotation' };
  const phase = b.status?.phase ?? '';
  if (phase === 'Completed') return { kind: 'proceed', kotsadmImage: ann['kots.io/kotsadm-image'], kotsadmNamespace: ns };
  if (phase === 'FailedValidation' || phase === 'Failed' || phase === 'PartiallyFailed')
    return { kind: 'silent-success', reason: 'cannot restore a failed backup' };
  return { kind: 'silent-success', reason: 'backup is still in progress' };
}

export function buildAdminConsoleRestore(backupName: string, veleroNamespace: string, kotsadmImage: string, kotsadmNamespace: string): VeleroRestore {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: {
      name: `${backupName}.kotsadm`,
      namespace: veleroNamespace,
      annotations: { 'kots.io/instance': 'true', 'kots.io/kotsadm-image': kotsadmImage, 'kots.io/kotsadm-deploy-namespace': kotsadmNamespace },
    },
    spec: { backupName, labelSelector: { matchLabels: { 'kots.io/kotsadm': 'true' } }, restorePVs: true, includeClusterResources: true },
  };
}

/** CreateApplicationRestore for an instance backup: `<backup>.<slug>`. */
export function buildAppRestore(backupName: string, veleroNamespace: string, slug: string): VeleroRestore {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { name: `${backupName}.${slug}`, namespace: veleroNamespace, annotations: { 'kots.io/instance': 'true' } },
    spec: { backupName, labelSelector: { matchLabels: { 'kots.io/app-slug': slug } }, restorePVs: true, includeClusterResources: true },
  };
}

export const TERMINAL_BACKUP_PHASES = ['Completed', 'FailedValidation', 'Failed', 'PartiallyFailed'];
export const TERMINAL_RESTORE_PHASES = ['Completed', 'FailedValidation', 'Failed', 'PartiallyFailed'];

// ---------------------------------------------------------------------------------------------
// Retention (pkg/kotsadmsnapshot/ttl.go)

export const TTL_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'years'] as const;
const HOURS_PER: Record<string, number> = { hours: 1, days: 24, weeks: 168, months: 720, years: 8766 };

/** FormatTTL: strconv.Atoi on the value (sign allowed), unit table of §7. Throws on bad input. */
export function formatTTL(inputValue: string, unit: string): string {
  if (!/^[+-]?\d+$/.test(inputValue)) throw new Error(`strconv.Atoi: parsing "${inputValue}": invalid syntax`);
  const n = parseInt(inputValue, 10);
  if (unit === 'seconds') return `${n}s`;
  if (unit === 'minutes') return `${n}m`;
  if (unit in HOURS_PER) return `${n * HOURS_PER[unit]}h`;
  throw new Error(`Invalid snapshot TTL: ${n} ${unit}`);
}

/** ParseTTL: the largest whole unit wins (720h → 1 months). */
export function parseTTL(s: string): { quantity: number; unit: string } {
  const m = /^(\d+)(s|m|h)$/.exec(s);
  if (!m) throw new Error('Failed to get a valid match');
  const q = parseInt(m[1], 10);
  if (m[2] === 's') return { quantity: q, unit: 'seconds' };
  if (m[2] === 'm') return { quantity: q, unit: 'minutes' };
  for (const unit of ['years', 'months', 'weeks', 'days'] as const) {
    const h = HOURS_PER[unit];
    if (q / h >= 1 && q % h === 0) return { quantity: q / h, unit };
  }
  return { quantity: q, unit: 'hours' };
}

export interface SnapshotConfig {
  autoEnabled: boolean;
  autoSchedule: { schedule: string };
  ttl: { inputValue: string; inputTimeUnit: string; converted: string };
}

/** GetInstanceSnapshotConfig from the stored schedule/TTL (empty = unset). Note the singular "month" default. */
export function snapshotConfig(schedule: string, ttl: string): SnapshotConfig {
  let t = { inputValue: '1', inputTimeUnit: 'month', converted: '720h' };
  if (ttl) {
    const p = parseTTL(ttl);
    t = { inputValue: String(p.quantity), inputTimeUnit: p.unit, converted: ttl };
  }
  return { autoEnabled: schedule !== '', autoSchedule: { schedule: schedule || '0 0 * * MON' }, ttl: t };
}

// ---------------------------------------------------------------------------------------------
// Cron: robfig/cron v3 ParseStandard (5 fields, descriptors, optional TZ= prefix)

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}
const MONTHS = Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1]));
const DOW = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i]));
const FIELD_BOUNDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DOW },
];

/** Go's time.ParseDuration, enough for @every (e.g. 1h30m, 90s, 1.5h). Returns ms. */
export function parseGoDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let sign = 1;
  let i = 0;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    i = 1;
  }
  if (i >= s.length) throw new Error(`time: invalid duration "${s}"`);
  let total = 0;
  re.lastIndex = i;
  while (re.lastIndex < s.length) {
    const m = re.exec(s);
    if (!m) throw new Error(`time: invalid duration "${s}"`);
    total += parseFloat(m[1]) * units[m[2]];
  }
  return sign * total;
}

function parseCronInt(expr: string, s: string, names?: Record<string, number>): number {
  if (names && s.toLowerCase() in names) return names[s.toLowerCase()];
  if (!/^-?\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = parseInt(s, 10);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function checkCronField(field: string, b: Bounds): void {
  for (const expr of field.split(',')) {
    const rangeAndStep = expr.split('/');
    if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
    const lowAndHigh = rangeAndStep[0].split('-');
    if (lowAndHigh.length > 2) throw new Error(`too many hyphens: ${expr}`);
    let start: number;
    let end: number;
    if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
      start = b.min;
      end = b.max;
      if (lowAndHigh.length > 1) throw new Error(`too many hyphens: ${expr}`);
    } else {
      start = parseCronInt(expr, lowAndHigh[0], b.names);
      end = lowAndHigh.length === 2 ? parseCronInt(expr, lowAndHigh[1], b.names) : start;
    }
    if (rangeAndStep.length === 2) {
      const step = parseCronInt(expr, rangeAndStep[1]);
      if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
      if (lowAndHigh.length === 1 && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = b.max;
    }
    if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
    if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
    if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  }
}

export interface ParsedCron {
  /** 5-field form for cron-parser, or undefined for @every. */
  fields?: string;
  everyMs?: number;
  tz?: string;
}

/** cron.ParseStandard. Throws with robfig's messages on invalid input (6 fields included). */
export function parseCronStandard(spec: string): ParsedCron {
  let s = spec.trim();
  if (!s) throw new Error('empty spec string');
  let tz: string | undefined;
  const tzm = /^(?:CRON_TZ|TZ)=(\S+)\s*(.*)$/.exec(s);
  if (tzm) {
    tz = tzm[1];
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      throw new Error(`provided bad location ${tz}: unknown time zone ${tz}`);
    }
    s = tzm[2].trim();
  }
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const ms = parseGoDuration(s.slice(7).trim());
      return { everyMs: ms, tz };
    }
    const d = DESCRIPTORS[s];
    if (!d) throw new Error(`unrecognized descriptor: ${s}`);
    return { fields: d, tz };
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  fields.forEach((f, i) => checkCronField(f, FIELD_BOUNDS[i]));
  return { fields: fields.map((f) => f.replace(/\?/g, '*')).join(' '), tz };
}

/** Next activation strictly after `after` (robfig's Schedule.Next). */
export function cronNext(spec: string, after: Date): Date {
  const p = parseCronStandard(spec);
  if (p.everyMs !== undefined) {
    const ms = Math.max(1000, Math.floor(p.everyMs / 1000) * 1000);
    return new Date(Math.floor(after.getTime() / 1000) * 1000 + ms);
  }
  const it = CronExpressionParser.parse(p.fields!, { currentDate: after, tz: p.tz ?? process.env.TZ ?? 'UTC' });
  return it.next().toDate();
}
