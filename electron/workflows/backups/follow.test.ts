import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FollowedBackup } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { summarizeBackup } from '../../velero/resources.js';
import { type VeleroBackup } from '../../velero/types.js';
import { Follow } from './follow.js';
import { loadFollowed, saveFollowed } from './followed.js';
import { appBackup, completed, DR_NAME, INFRA, infraBackup, running } from './improvedDr.test-fixtures.js';
import { BackupRowIndex } from './replicated.js';
import { backup, harness } from './scope.test-fixtures.js';

const starting: FollowedBackup = { id: 'f1', kind: 'full', state: 'starting', requestedAt: '2026-11-23T10:00:00Z', timeline: [] };

function follow(backups: VeleroBackup[] = [], saved?: FollowedBackup) {
  const h = harness({ backups });
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-follow-'));
  if (saved) saveFollowed(dataDir, saved);
  const sent: FollowedBackup[] = [];
  const index = new BackupRowIndex((b) => summarizeBackup(b));
  const f = new Follow({ dataDir, scope: h.scope, row: (bs, key) => index.row(bs, key), emit: (x) => sent.push(x) });
  return { ...h, f, sent, dataDir };
}

describe('Follow', () => {
  it('starts from the saved follow; every change is saved and sent', () => {
    const { f, sent, dataDir } = follow([], starting);
    expect(f.get()).toEqual(starting);
    expect(f.isStarting()).toBe(true);
    f.update('f1', (x) => ({ ...x, runId: 'r1' }));
    f.update('other', (x) => ({ ...x, runId: 'nope' }));
    expect(sent).toEqual([{ ...starting, runId: 'r1' }]);
    expect(loadFollowed(dataDir)).toEqual({ ...starting, runId: 'r1' });
  });

  it('hand-over follows the row and takes its phase in one step', () => {
    const { f, sent } = follow([backup('instance-a', running())], starting);
    f.handOver('f1', backup('instance-a', running()));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      state: 'running',
      backupName: 'instance-a',
      veleroNamespace: 'velero',
      summary: { phase: 'InProgress' },
      timeline: [{ phase: 'InProgress' }],
    });
  });

  it('tracks its row to the outcome; a row gone from a synced watch is lost, from an unsynced one not yet', () => {
    const { cluster, f, sent } = follow([backup('instance-a', running())], { ...starting, state: 'running', backupName: 'instance-a' });
    f.track();
    f.track();
    expect(sent).toHaveLength(1);
    cluster.backups = [backup('instance-a', completed(5))];
    f.track();
    expect(f.get()).toMatchObject({ state: 'succeeded' });
    const { cluster: c2, f: f2 } = follow([], { ...starting, state: 'running', backupName: 'instance-b' });
    c2.synced = false;
    f2.track();
    expect(f2.get()?.state).toBe('running');
    c2.synced = true;
    f2.track();
    expect(f2.get()).toMatchObject({ state: 'lost', message: 'The Velero Backup instance-b no longer exists (deleted?).' });
  });

  it("a follow saved under a member's own name moves to its pair's row", () => {
    const { f } = follow([infraBackup(completed(1)), appBackup(running())], { ...starting, state: 'running', backupName: INFRA });
    f.track();
    expect(f.get()).toMatchObject({ backupName: DR_NAME, summary: { name: DR_NAME, phase: 'InProgress' } });
  });

  it('a registry export that finishes after Velero settles the outcome', () => {
    const { f } = follow([backup('instance-a', completed(5))], {
      ...starting,
      state: 'running',
      backupName: 'instance-a',
      registry: { state: 'running', dest: '/x' },
    });
    f.track();
    expect(f.get()?.state).toBe('running');
    f.registryUpdate('f1', { state: 'succeeded', dest: '/x', verified: true, tags: 2 });
    expect(f.get()).toMatchObject({ state: 'succeeded', message: expect.stringMatching(/complete with registry/) });
  });

  it('fail() records the error', () => {
    const { f } = follow([], starting);
    f.fail('f1', new LifeboatError('BACKUP_FAILED', 'no Backup', 'try again'));
    expect(f.get()).toMatchObject({ state: 'failed', message: 'no Backup', error: { code: 'BACKUP_FAILED', message: 'no Backup', hint: 'try again' } });
  });

  it('reattach: finds what a request left while Lifeboat was closed, or calls it lost', () => {
    const a = follow([backup('instance-a', running())], starting);
    a.f.reattach(
      (r) => r,
      () => backup('instance-a', running()),
    );
    expect(a.f.get()).toMatchObject({ state: 'running', backupName: 'instance-a', summary: { phase: 'InProgress' } });
    const b = follow([], starting);
    b.f.reattach(
      (r) => r,
      () => undefined,
    );
    expect(b.f.get()).toMatchObject({ state: 'lost' });
    // Not while this process is starting one itself.
    const c = follow([], starting);
    c.f.starting = true;
    c.f.reattach(
      (r) => r,
      () => undefined,
    );
    expect(c.f.get()?.state).toBe('starting');
  });

  it('reattach: an export the previous process ran is interrupted; a running follow is sent again', () => {
    const { f, sent, dataDir } = follow([backup('instance-a', running())], {
      ...starting,
      state: 'running',
      backupName: 'instance-a',
      registry: { state: 'running', dest: '/x' },
    });
    f.reattach(
      (r) => ({ ...r!, state: 'interrupted' }),
      () => undefined,
    );
    expect(loadFollowed(dataDir)?.registry?.state).toBe('interrupted');
    expect(sent.at(-1)).toMatchObject({ state: 'running', registry: { state: 'interrupted' } });
  });
});
