import { describe, expect, it } from 'vitest';
import { BackupLogs } from './logs.js';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup } from './improvedDr.test-fixtures.js';
import { backup, harness } from './scope.test-fixtures.js';
import { fakeStore } from './store.test-fixtures.js';

const lines = (n: number, tag = 'line') => Array.from({ length: n }, (_, i) => `${tag} ${i}`);

describe('BackupLogs', () => {
  it("pages a finished backup's log, downloading it once", async () => {
    const store = fakeStore({ 'BackupLog/a': lines(5000).join('\n') });
    const h = harness({ backups: [backup('a', completed(1))] });
    const logs = new BackupLogs({ scope: h.scope, source: () => store.source });
    const first = await logs.page('a', 0, 10);
    expect(first.lines).toEqual(lines(10));
    expect(first.offset).toBe(0);
    const last = await logs.page('a', 4990, 100);
    expect(last).toMatchObject({ name: 'a', total: 5000, complete: true, lines: lines(5000).slice(4990) });
    expect((await logs.lines('a')).length).toBe(5000);
    expect(store.fetched).toEqual(['BackupLog/a']);
  });

  it('refuses while Velero is still writing the backup (it uploads the log at the end)', async () => {
    const h = harness({ backups: [backup('a', { phase: 'InProgress' })] });
    const logs = new BackupLogs({ scope: h.scope, source: () => fakeStore().source });
    await expect(logs.page('a', 0, 10)).rejects.toMatchObject({ code: 'BACKUP_IN_PROGRESS' });
  });

  it("a missing log is the store's 404, said as such", async () => {
    const h = harness({ backups: [backup('a', completed(1))] });
    const logs = new BackupLogs({ scope: h.scope, source: () => fakeStore().source });
    await expect(logs.lines('a')).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND', message: expect.stringMatching(/HTTP 404/) });
  });

  it("a replicated backup's log: each Velero Backup's in turn, under its name", async () => {
    const store = fakeStore({ [`BackupLog/${INFRA}`]: 'i1\ni2', [`BackupLog/${APP}`]: 'a1' });
    const h = harness({ backups: [infraBackup(completed(1)), appBackup(completed(1))] });
    const logs = new BackupLogs({ scope: h.scope, source: () => store.source });
    expect(await logs.page(DR_NAME, 0, 100)).toEqual({
      name: DR_NAME,
      total: 5,
      complete: true,
      offset: 0,
      lines: [`===== Velero Backup ${INFRA} (infra) =====`, 'i1', 'i2', `===== Velero Backup ${APP} (app) =====`, 'a1'],
    });
  });
});
