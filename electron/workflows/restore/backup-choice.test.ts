import { describe, expect, it } from 'vitest';
import { chooseBackup, listBackups, readBackups } from './backup-choice.js';
import { env, legacyBackup, location } from './restore.test-fixtures.js';

const reader =
  (backups = [legacyBackup('old', {}, { startTimestamp: '2026-04-01T00:00:00Z' }), legacyBackup('new')]) =>
  () => ({ backups: async () => backups, locations: async () => [location()] });

describe('readBackups', () => {
  it('refuses without Velero, and judges with what detection knows', async () => {
    await expect(readBackups(env({ veleroInstalled: false }), reader())).rejects.toMatchObject({ code: 'VELERO_NOT_READY' });
    const now = new Date('2026-05-01T00:00:00Z');
    const read = await readBackups(env(), reader(), now);
    expect(read.ctx).toEqual({ now, outboundDisabled: false, veleroVersion: 'v1.18.3', locations: { default: 'aws' } });
    expect(read.list.map((b) => b.metadata.name)).toEqual(['old', 'new']);
  });
});

describe('listBackups and chooseBackup', () => {
  it('lists newest first, each with its verdict', async () => {
    const list = listBackups(await readBackups(env(), reader()));
    expect(list.map((b) => [b.name, b.restorable])).toEqual([
      ['new', true],
      ['old', true],
    ]);
  });

  it("chooses by name with the backup's app; the installed app only when the backup names none", async () => {
    const read = await readBackups(env(), reader([legacyBackup('a'), legacyBackup('bare', { 'kots.io/apps-versions': '{}' })]));
    let asked = 0;
    const installed = () => (asked++, 'installed-app');
    expect(chooseBackup(read, 'a', installed)).toEqual({ backup: 'a', appSlug: 'my-app' });
    expect(asked).toBe(0);
    expect(chooseBackup(read, 'bare', installed)).toEqual({ backup: 'bare', appSlug: 'installed-app' });
  });

  it('refuses a missing backup and one that cannot be restored, with every reason', async () => {
    const read = await readBackups(env(), reader([legacyBackup('running', {}, { phase: 'InProgress' })]));
    expect(() => chooseBackup(read, 'nope', () => undefined)).toThrow(
      expect.objectContaining({ code: 'BACKUP_NOT_RESTORABLE', message: 'There is no backup named nope on this cluster.' }),
    );
    expect(() => chooseBackup(read, 'running', () => undefined)).toThrow(
      expect.objectContaining({
        code: 'BACKUP_NOT_RESTORABLE',
        message: expect.stringMatching(/^Backup running cannot be restored here: /),
        details: { checks: [expect.objectContaining({ title: 'Backup not finished' })] },
      }),
    );
  });
});
