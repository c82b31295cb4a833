import { describe, expect, it } from 'vitest';
import { APP, appBackup, DR_NAME, INFRA, infraBackup } from './improvedDr.test-fixtures.js';
import { downloadTarget } from './scope.js';
import { backup, harness, location } from './scope.test-fixtures.js';

describe('BackupScope', () => {
  it('sees only the Velero namespace the detector found (every namespace while none is known)', () => {
    const { cluster, state, scope } = harness({ backups: [backup('a'), backup('b', {}, { namespace: 'elsewhere' })] });
    expect(scope.backups().map((b) => b.metadata.name)).toEqual(['a']);
    state.env = null;
    expect(scope.backups().map((b) => b.metadata.name)).toEqual(['a', 'b']);
    cluster.backups = [];
    expect(scope.find('a')).toBeUndefined();
  });

  it('mustFind says why: not connected, still connecting, or no such backup (naming the namespace)', () => {
    const { state, scope } = harness({ backups: [backup('a')] });
    expect(scope.mustFind('a').metadata.name).toBe('a');
    expect(() => scope.mustFind('nope')).toThrow('There is no Velero backup named nope in namespace velero.');
    state.watching = false;
    expect(() => scope.mustFind('a')).toThrow(/still connecting/);
    state.connected = false;
    expect(() => scope.mustFind('a')).toThrow(/Not connected/);
  });

  it("members: a replicated backup's Velero Backups by its name, infra first; none for a plain Backup's name", () => {
    const { scope } = harness({ backups: [appBackup(), infraBackup(), backup('plain')] });
    expect(scope.members(DR_NAME)?.map((b) => b.metadata.name)).toEqual([INFRA, APP]);
    expect(scope.members(INFRA)).toBeUndefined();
    expect(scope.members('plain')).toBeUndefined();
    expect(scope.members('unknown')).toBeUndefined();
  });

  it('the default location: the one named "default", else the one marked default', () => {
    const other = { ...location(), metadata: { name: 'other', namespace: 'velero' } };
    const { cluster, scope } = harness({ locations: [other, location('Unavailable')] });
    expect(scope.defaultLocation()?.status?.phase).toBe('Unavailable');
    cluster.locations = [other];
    expect(scope.defaultLocation()?.metadata.name).toBe('other');
    expect(scope.location('other')).toBe(other);
  });

  it('downloadTarget names the Backup, its namespace and storage location', () => {
    expect(downloadTarget(backup('a'), 'BackupLog')).toEqual({ veleroNamespace: 'velero', kind: 'BackupLog', name: 'a', location: 'default' });
  });
});
