/**
 * The parts of KOTS's replicated-backup rules that workflows/backups/replicated.test.ts does not
 * table (it has statusFromPhase, rollupStatus, rowKey and isInstanceBackup): member type and count,
 * the member order, grouping into rows, and the time span of a row.
 */
import { describe, expect, it } from 'vitest';
import { compareMembers, earliest, expectedCount, groupByRow, latest, memberType } from './replicatedBackups.js';

const backup = (name: string, annotations: Record<string, string> = {}, labels: Record<string, string> = {}) => ({ metadata: { name, annotations, labels } });
const member = (name: string, type: string, row = 'app-2026') =>
  backup(name, { 'replicated.com/disaster-recovery-version': 'v1', 'replicated.com/backup-type': type }, { 'replicated.com/backup-name': row });

describe('replicated backups (kots pkg/kotsadmsnapshot/types at v1.131.4)', () => {
  it('member type is the annotation, legacy without one; the count is a positive number, else 1', () => {
    expect(memberType(backup('a', { 'replicated.com/backup-type': 'infra' }))).toBe('infra');
    expect(memberType(backup('a'))).toBe('legacy');
    expect(expectedCount(backup('a', { 'replicated.com/backup-count': '2' }))).toBe(2);
    for (const v of ['0', '-1', 'two', '']) expect(expectedCount(backup('a', { 'replicated.com/backup-count': v }))).toBe(1);
  });

  it('orders infra, then app, then any other type, then by name', () => {
    const list = [member('z-legacy', 'legacy'), member('b-app', 'app'), member('a-app', 'app'), member('c-infra', 'infra')];
    expect([...list].sort(compareMembers).map((b) => b.metadata.name)).toEqual(['c-infra', 'a-app', 'b-app', 'z-legacy']);
  });

  it("groups an instance backup's members under their backup-name, in the order rows first appear; others are rows of their own", () => {
    const labelledButNotInstance = backup('partial-1', {}, { 'replicated.com/backup-name': 'app-2026' });
    const rows = groupByRow([member('i', 'infra'), backup('legacy-1', { 'kots.io/instance': 'true' }), member('a', 'app'), labelledButNotInstance]);
    expect([...rows].map(([k, v]) => [k, v.map((b) => b.metadata.name)])).toEqual([
      ['app-2026', ['i', 'a']],
      ['legacy-1', ['legacy-1']],
      ['partial-1', ['partial-1']],
    ]);
  });

  it('a row spans from the earliest to the latest timestamp of its members, missing ones ignored', () => {
    const times = ['2026-05-02T00:00:00Z', undefined, '2026-05-01T00:00:00Z', ''];
    expect(earliest(times)).toBe('2026-05-01T00:00:00Z');
    expect(latest(times)).toBe('2026-05-02T00:00:00Z');
    expect(earliest([undefined])).toBeUndefined();
  });
});
