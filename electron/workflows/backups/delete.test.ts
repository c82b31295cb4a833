import { describe, expect, it } from 'vitest';
import type { Journal } from '../../journal.js';
import type { VeleroWriteApi } from '../../velero/resources.js';
import { deleteBackup } from './delete.js';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup, running } from './improvedDr.test-fixtures.js';
import { backup, harness } from './scope.test-fixtures.js';

type JournalEntry = Parameters<Journal['record']>[0];

function setup(init: Parameters<typeof harness>[0], fail?: Error) {
  const h = harness(init);
  const created: string[] = [];
  const api = {
    post: async (_path: string, body: { spec: { backupName: string } }) => {
      if (fail) throw fail;
      created.push(body.spec.backupName);
      return { metadata: { name: `${body.spec.backupName}-req` } };
    },
  } as unknown as VeleroWriteApi;
  const journaled: JournalEntry[] = [];
  const journal = { record: (e: JournalEntry) => (journaled.push(e), e) } as unknown as Journal;
  return { ...h, created, journaled, deps: { scope: h.scope, api: () => api, journal } };
}

describe('deleteBackup', () => {
  it('asks Velero to delete each Velero Backup of the row, journaled', async () => {
    const t = setup({ backups: [infraBackup(completed(1)), appBackup(completed(1))] });
    expect(await deleteBackup(t.deps, DR_NAME, DR_NAME)).toEqual({ requested: true, request: `${INFRA}-req, ${APP}-req` });
    expect(t.created).toEqual([INFRA, APP]);
    expect(t.journaled.map((e) => [e.tool, e.args[0], e.outcome])).toEqual([
      ['kubernetes-api', 'POST', 'succeeded'],
      ['kubernetes-api', 'POST', 'succeeded'],
    ]);
  });

  it('needs the name typed exactly, and refuses while Velero writes it', async () => {
    const t = setup({ backups: [backup('a', running())] });
    await expect(deleteBackup(t.deps, 'a', 'A')).rejects.toMatchObject({ code: 'CONFIRMATION_MISMATCH' });
    await expect(deleteBackup(t.deps, 'a', 'a')).rejects.toThrow('a is still InProgress: Lifeboat does not delete a backup while Velero is writing it.');
    expect(t.created).toEqual([]);
  });

  it('nothing to ask when Velero is on it already (terminating, or a request not yet processed)', async () => {
    const t = setup({
      backups: [backup('a', completed(1), { deletionTimestamp: '2026-11-23T10:00:00Z' } as never), backup('b', completed(1))],
      deleteRequests: [{ metadata: { name: 'b-req', namespace: 'velero' }, spec: { backupName: 'b' }, status: { phase: 'InProgress' } } as never],
    });
    expect(await deleteBackup(t.deps, 'a', 'a')).toEqual({ requested: false, request: 'already being deleted' });
    expect(await deleteBackup(t.deps, 'b', 'b')).toEqual({ requested: false, request: 'already being deleted' });
  });

  it('a refused request is journaled as failed and thrown', async () => {
    const t = setup({ backups: [backup('a', completed(1))] }, Object.assign(new Error('forbidden\nmore'), { code: 403 }));
    await expect(deleteBackup(t.deps, 'a', 'a')).rejects.toThrow('forbidden');
    expect(t.journaled).toHaveLength(1);
    expect(t.journaled[0]!.outcome).not.toBe('succeeded');
  });
});
