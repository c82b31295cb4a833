import { describe, expect, it } from 'vitest';
import {
  buildAdminConsoleRestore,
  buildAppRestore,
  buildInstanceBackup,
  cronNext,
  embeddedRegistryHost,
  formatTTL,
  parseCronStandard,
  parseTTL,
  prepareIncludedNamespaces,
  restorePrecheck,
  snapshotConfig,
  type InstanceBackupInput,
  type VeleroBackup,
} from './snapshot.js';
import { applyRetentionRequest, applyScheduleRequest, emptyState, isUnfinishedBackup, restoreDetail } from './admin-console.js';

const vendorBackup = `apiVersion: velero.io/v1
kind: Backup
metadata:
  name: backup
  annotations:
    vendor.io/x: "1"
spec:
  includedNamespaces: [extra-ns]
  excludedNamespaces: [skip-me]
  labelSelector: {matchLabels: {ignored: "true"}}
  includedResources: [pods]
  ttl: 1h
  orLabelSelectors:
    - matchLabels: {app: db}
  orderedResources:
    pods: sample-app/db-0
  hooks:
    resources:
      - name: dump
        includedNamespaces: [sample-app]
        pre:
          - exec: {container: db, command: ["/bin/sh", "-c", "pg_dump > /scratch/x.sql"], onError: Fail, timeout: 3m}
`;

const base: InstanceBackupInput = {
  kotsadmNamespace: 'kotsadm',
  veleroNamespace: 'velero',
  isKurl: false,
  kotsadmClusterScoped: true,
  apps: [{ slug: 'sample-app', namespace: 'sample-app', versionLabel: '1.0.0', sequence: 1, backupSpec: vendorBackup }],
  kotsadmImage: 'kotsadm/kotsadm:v1.131.4',
  isAirgap: false,
  scheduled: false,
  requestedAt: new Date('2026-08-22T10:00:00.123Z'),
};

describe('buildInstanceBackup (§2.2)', () => {
  it('builds the legacy instance Backup with merged vendor spec and annotations', () => {
    const b = buildInstanceBackup({ ...base, ttl: '720h' });
    expect(b.metadata.generateName).toBe('instance-');
    expect(b.metadata.namespace).toBe('velero');
    expect(b.spec.storageLocation).toBe('default');
    expect(b.spec.includeClusterResources).toBe(true);
    expect(b.spec.includedNamespaces).toEqual(['kotsadm', 'sample-app', 'extra-ns']);
    expect(b.spec.excludedNamespaces).toEqual(['skip-me']);
    expect(b.spec.orLabelSelectors).toEqual([{ matchLabels: { 'kots.io/backup': 'velero' } }, { matchLabels: { app: 'db' } }]);
    expect(b.spec.orderedResources).toEqual({ pods: 'sample-app/db-0' });
    expect(b.spec.hooks!.resources).toHaveLength(1);
    expect(b.spec.ttl).toBe('720h');
    expect(b.spec.labelSelector).toBeUndefined();
    expect(b.spec.includedResources).toBeUndefined();
    expect(b.metadata.annotations).toEqual({
      'vendor.io/x': '1',
      'kots.io/snapshot-trigger': 'manual',
      'kots.io/snapshot-requested': '2026-08-22T10:00:00Z',
      'kots.io/kotsadm-image': 'kotsadm/kotsadm:v1.131.4',
      'kots.io/kotsadm-deploy-namespace': 'kotsadm',
      'kots.io/apps-sequences': '{"sample-app":1}',
      'kots.io/apps-versions': '{"sample-app":"1.0.0"}',
      'kots.io/is-airgap': 'false',
      'kots.io/instance': 'true',
    });
  });
  it('no TTL set → no spec.ttl; scheduled trigger; kurl + minimal RBAC namespaces; embedded registry', () => {
    const b = buildInstanceBackup({
      ...base,
      apps: [{ ...base.apps[0], backupSpec: '' }],
      isKurl: true,
      kotsadmClusterScoped: false,
      scheduled: true,
      isAirgap: true,
      embeddedRegistryHost: '10.96.0.10',
    });
    expect(b.spec.ttl).toBeUndefined();
    expect(b.spec.includedNamespaces).toEqual(['kotsadm', 'sample-app', 'kurl', 'velero']);
    expect(b.metadata.annotations!['kots.io/snapshot-trigger']).toBe('schedule');
    expect(b.metadata.annotations!['kots.io/is-airgap']).toBe('true');
    expect(b.metadata.annotations!['kots.io/embedded-registry']).toBe('10.96.0.10');
  });
  it('embedded cluster: selectors, namespaces and annotations', () => {
    const b = buildInstanceBackup({
      ...base,
      apps: [{ ...base.apps[0], backupSpec: undefined, additionalNamespaces: ['more'] }],
      ec: {
        id: 'id1',
        version: '2.0.0',
        isHA: true,
        isAirgap: true,
        podCIDR: '10.0.0.0/16',
        serviceCIDR: '10.1.0.0/16',
        adminConsolePort: 30000,
        dataDir: '/var/lib/ec',
      },
    });
    expect(b.spec.includedNamespaces).toEqual(['kotsadm', 'sample-app', 'more', 'embedded-cluster', 'kube-system', 'openebs', 'registry', 'seaweedfs']);
    expect(b.spec.orLabelSelectors![0].matchExpressions![0]).toEqual({
      key: 'replicated.com/disaster-recovery',
      operator: 'In',
      values: ['infra', 'app', 'ec-install'],
    });
    expect(b.metadata.annotations).toMatchObject({
      'kots.io/embedded-cluster': 'true',
      'kots.io/embedded-cluster-id': 'id1',
      'kots.io/embedded-cluster-is-ha': 'true',
      'kots.io/embedded-cluster-admin-console-port': '30000',
      'kots.io/embedded-cluster-data-dir': '/var/lib/ec',
    });
  });
  it('prepareIncludedNamespaces: dedupe, drop empties, * wins', () => {
    expect(prepareIncludedNamespaces(['a', '', 'b', 'a'])).toEqual(['a', 'b']);
    expect(prepareIncludedNamespaces(['a', '*', 'b'])).toEqual(['*']);
  });
  it('embedded registry host only for kurl/embedded-cluster users', () => {
    const cfg = (u: string) => JSON.stringify({ auths: { '10.96.0.10': { auth: Buffer.from(`${u}:pw`).toString('base64') } } });
    expect(embeddedRegistryHost(cfg('kurl'))).toBe('10.96.0.10');
    expect(embeddedRegistryHost(cfg('embedded-cluster'))).toBe('10.96.0.10');
    expect(embeddedRegistryHost(cfg('someone'))).toBeUndefined();
  });
});

describe('restore (§3.1) and the §9 silent-success quirk', () => {
  const backup = (ann: Record<string, string>, phase?: string): VeleroBackup => ({
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name: 'instance-abc', namespace: 'velero', annotations: ann },
    spec: {},
    status: phase ? { phase } : undefined,
  });
  const good = { 'kots.io/instance': 'true', 'kots.io/kotsadm-image': 'img', 'kots.io/kotsadm-deploy-namespace': 'kotsadm' };
  it('proceeds for a completed legacy instance backup', () => {
    expect(restorePrecheck(backup(good, 'Completed'))).toEqual({ kind: 'proceed', kotsadmImage: 'img', kotsadmNamespace: 'kotsadm' });
  });
  it('returns success without restoring for the wrapped-nil cases', () => {
    expect(restorePrecheck(backup({}, 'Completed')).kind).toBe('silent-success');
    expect(restorePrecheck(backup({ 'kots.io/instance': 'true', 'kots.io/kotsadm-deploy-namespace': 'k' }, 'Completed')).kind).toBe('silent-success');
    expect(restorePrecheck(backup({ 'kots.io/instance': 'true', 'kots.io/kotsadm-image': 'i' }, 'Completed')).kind).toBe('silent-success');
    expect(restorePrecheck(backup(good, 'PartiallyFailed'))).toMatchObject({ kind: 'silent-success', reason: 'cannot restore a failed backup' });
    expect(restorePrecheck(backup(good, 'InProgress'))).toMatchObject({ kind: 'silent-success', reason: 'backup is still in progress' });
    expect(restorePrecheck(backup(good))).toMatchObject({ kind: 'silent-success', reason: 'backup is still in progress' });
  });
  it('a non-legacy improved-DR backup is a real error', () => {
    expect(restorePrecheck(backup({ 'replicated.com/disaster-recovery-version': '1', 'replicated.com/backup-type': 'infra' }, 'Completed'))).toEqual({
      kind: 'error',
      message: 'only legacy type instance backups are restorable',
    });
  });
  it('Restore objects', () => {
    expect(buildAdminConsoleRestore('instance-abc', 'velero', 'img', 'kotsadm')).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      metadata: {
        name: 'instance-abc.kotsadm',
        namespace: 'velero',
        annotations: { 'kots.io/instance': 'true', 'kots.io/kotsadm-image': 'img', 'kots.io/kotsadm-deploy-namespace': 'kotsadm' },
      },
      spec: { backupName: 'instance-abc', labelSelector: { matchLabels: { 'kots.io/kotsadm': 'true' } }, restorePVs: true, includeClusterResources: true },
    });
    const r = buildAppRestore('instance-abc', 'velero', 'sample-app');
    expect(r.metadata.name).toBe('instance-abc.sample-app');
    expect(r.metadata.annotations).toEqual({ 'kots.io/instance': 'true' });
    expect(r.spec.labelSelector).toEqual({ matchLabels: { 'kots.io/app-slug': 'sample-app' } });
  });
  it('apps-restore-status detail: missing restore is New; counters become entries', () => {
    expect(restoreDetail('b.app', undefined).phase).toBe('New');
    const d = restoreDetail('b.app', {
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      metadata: { name: 'b.app', namespace: 'velero' },
      spec: { backupName: 'b' },
      status: { phase: 'PartiallyFailed', errors: 2, warnings: 1 },
    });
    expect(d.phase).toBe('PartiallyFailed');
    expect(d.errors).toHaveLength(2);
    expect(d.warnings).toHaveLength(1);
  });
});

describe('retention (§7 TTL units)', () => {
  it('formats every unit', () => {
    expect(formatTTL('30', 'seconds')).toBe('30s');
    expect(formatTTL('5', 'minutes')).toBe('5m');
    expect(formatTTL('6', 'hours')).toBe('6h');
    expect(formatTTL('2', 'days')).toBe('48h');
    expect(formatTTL('1', 'weeks')).toBe('168h');
    expect(formatTTL('1', 'months')).toBe('720h');
    expect(formatTTL('1', 'years')).toBe('8766h');
    expect(() => formatTTL('x', 'days')).toThrow();
    expect(() => formatTTL('1', 'fortnights')).toThrow('Invalid snapshot TTL: 1 fortnights');
  });
  it('parses back to the largest whole unit', () => {
    expect(parseTTL('720h')).toEqual({ quantity: 1, unit: 'months' });
    expect(parseTTL('8766h')).toEqual({ quantity: 1, unit: 'years' });
    expect(parseTTL('336h')).toEqual({ quantity: 2, unit: 'weeks' });
    expect(parseTTL('48h')).toEqual({ quantity: 2, unit: 'days' });
    expect(parseTTL('5h')).toEqual({ quantity: 5, unit: 'hours' });
    expect(parseTTL('90m')).toEqual({ quantity: 90, unit: 'minutes' });
  });
  it('config defaults: 0 0 * * MON, 1 "month" = 720h, autoEnabled false', () => {
    expect(snapshotConfig('', '')).toEqual({
      autoEnabled: false,
      autoSchedule: { schedule: '0 0 * * MON' },
      ttl: { inputValue: '1', inputTimeUnit: 'month', converted: '720h' },
    });
    expect(snapshotConfig('0 3 * * *', '168h')).toEqual({
      autoEnabled: true,
      autoSchedule: { schedule: '0 3 * * *' },
      ttl: { inputValue: '1', inputTimeUnit: 'weeks', converted: '168h' },
    });
  });
  it('retention request', () => {
    const s = emptyState();
    expect(applyRetentionRequest(s, { inputValue: '2', inputTimeUnit: 'weeks' })).toEqual({ status: 200, body: { success: true } });
    expect(s.snapshotTTL).toBe('336h');
    expect(applyRetentionRequest(s, { inputValue: 'two', inputTimeUnit: 'weeks' })).toEqual({
      status: 400,
      body: { success: false, error: 'Invalid instance snapshot retention: two weeks' },
    });
    expect(s.snapshotTTL).toBe('336h');
  });
});

describe('cron (cron.ParseStandard)', () => {
  it('accepts 5-field specs, names, steps, descriptors, TZ', () => {
    for (const ok of [
      '0 0 * * MON',
      '*/15 * * * *',
      '0 2 1-15/2 jan-jun sun,sat',
      '0 0 ? * *',
      '@daily',
      '@every 1h30m',
      'TZ=UTC 0 1 * * *',
      'CRON_TZ=Europe/Berlin 0 1 * * *',
    ]) {
      expect(() => parseCronStandard(ok), ok).not.toThrow();
    }
  });
  it('rejects 6 fields and invalid values with robfig messages', () => {
    expect(() => parseCronStandard('0 0 0 * * MON')).toThrow('expected exactly 5 fields, found 6: [0 0 0 * * MON]');
    expect(() => parseCronStandard('')).toThrow('empty spec string');
    expect(() => parseCronStandard('60 * * * *')).toThrow('end of range (60) above maximum (59): 60');
    expect(() => parseCronStandard('0 0 * * 7')).toThrow('end of range (7) above maximum (6): 7');
    expect(() => parseCronStandard('0 0 0 * *')).toThrow('beginning of range (0) below minimum (1): 0');
    expect(() => parseCronStandard('*/0 * * * *')).toThrow('step of range should be a positive number: */0');
    expect(() => parseCronStandard('@often')).toThrow('unrecognized descriptor: @often');
    expect(() => parseCronStandard('0 0 L * *')).toThrow('failed to parse int from L');
  });
  it('computes the next activation', () => {
    expect(cronNext('0 0 * * MON', new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(cronNext('@every 90s', new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-01T00:01:30.000Z');
  });
  it('schedule request: 400 with the real message; disabling clears schedule and queue', () => {
    const s = emptyState();
    expect(applyScheduleRequest(s, { schedule: '0 0 0 * * *', autoEnabled: true }, new Date())).toEqual({
      status: 400,
      body: { success: false, error: 'Invalid cron schedule expression: 0 0 0 * * *' },
    });
    const now = new Date('2026-01-01T00:00:00Z');
    expect(applyScheduleRequest(s, { schedule: '0 3 * * *', autoEnabled: true }, now).status).toBe(200);
    expect(s.snapshotSchedule).toBe('0 3 * * *');
    expect(s.pendingScheduled!.scheduledTimestamp).toBe('2026-01-01T03:00:00.000Z');
    applyScheduleRequest(s, { autoEnabled: false }, now);
    expect(s.snapshotSchedule).toBe('');
    expect(s.pendingScheduled).toBeUndefined();
  });
  it('unfinished backups postpone the scheduler', () => {
    const b = (phase?: string) =>
      ({ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { namespace: 'velero' }, spec: {}, status: phase ? { phase } : undefined }) as VeleroBackup;
    expect(isUnfinishedBackup(b('InProgress'))).toBe(true);
    expect(isUnfinishedBackup(b())).toBe(true);
    expect(isUnfinishedBackup(b('Completed'))).toBe(false);
  });
});
