import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupRegistryExport, Environment, FollowedBackup } from '../../api/contract.js';
import { summarizeBackup } from '../../velero/resources.js';
import { type VeleroBackup } from '../../velero/types.js';
import { Waiters } from './appear.js';
import { createBackup, type CreateDeps } from './create.js';
import { Follow } from './follow.js';
import { loadFollowed } from './followed.js';
import { appBackup, DR_NAME, INFRA, infraBackup } from './improvedDr.test-fixtures.js';
import { backupReadiness } from './readiness.js';
import { BackupRowIndex, membersOf } from './replicated.js';
import { backup, env, harness } from './scope.test-fixtures.js';

const instance = (name: string) =>
  backup(name, { phase: 'New' }, { annotations: { 'kots.io/instance': 'true', 'kots.io/kotsadm-deploy-namespace': 'kotsadm' } });

/** KOTS, as far as "Back up now" sees it: `created` is what the request makes, `stdout` what the CLI prints. */
function setup(kots: { created: () => VeleroBackup[]; stdout?: string }, over: Partial<CreateDeps> = {}) {
  const h = harness();
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-create-'));
  const sent: FollowedBackup[] = [];
  const index = new BackupRowIndex((b) => summarizeBackup(b));
  const follow = new Follow({ dataDir, scope: h.scope, row: (bs, key) => index.row(bs, key), emit: (f) => sent.push(f) });
  const waiters = new Waiters();
  const ran: string[][] = [];
  const appBackups: string[] = [];
  const make = () => {
    h.cluster.backups.push(...kots.created());
    waiters.wake();
  };
  const deps: CreateDeps = {
    scope: h.scope,
    follow,
    waiters,
    readiness: () => backupReadiness({ scope: h.scope, connected: () => true, starting: () => follow.isStarting(), dataDir }),
    members: membersOf,
    admin: { createAppBackup: async (slug) => void (appBackups.push(slug), make()) },
    tools: {
      start: async (_tool, args) => {
        ran.push([...args]);
        make();
        return {
          runId: 'run-1',
          done: Promise.resolve({ runId: 'run-1', exitCode: 0, stdout: kots.stdout ?? '{"success":true}', stderr: '', durationMs: 1 }),
        } as never;
      },
    },
    startExport: async () => {
      throw new Error('no export here');
    },
    appearMs: 50,
    ...over,
  };
  return { ...h, deps, follow, sent, ran, appBackups, dataDir };
}

describe('createBackup', () => {
  it('full: asks KOTS, follows the Backup it names, saved as running with its phase', async () => {
    const t = setup({ created: () => [instance('instance-new')], stdout: '{"success":true,"backupName":"instance-new"}' });
    const f = await createBackup(t.deps, { kind: 'full' });
    expect(t.ran).toEqual([['backup', '-n', 'kotsadm', '--wait=false', '-o', 'json']]);
    expect(f).toMatchObject({ state: 'running', runId: 'run-1', kotsName: 'instance-new', backupName: 'instance-new', summary: { phase: 'New' } });
    expect(t.sent.map((x) => x.state)).toEqual(['starting', 'starting', 'starting', 'running']);
    expect(loadFollowed(t.dataDir)).toEqual(f);
    expect(t.follow.starting).toBe(false);
  });

  it('improved disaster recovery: waits for both Backups, follows the pair by its name', async () => {
    let n = 0;
    const t = setup({ created: () => (n++ === 0 ? [infraBackup({})] : []), stdout: JSON.stringify({ success: true, backupName: INFRA }) }, { appearMs: 2000 });
    setTimeout(() => {
      t.cluster.backups.push(appBackup({}));
      t.deps.waiters.wake();
    }, 20);
    const f = await createBackup(t.deps, { kind: 'full' });
    expect(f).toMatchObject({ backupName: DR_NAME, summary: { veleroBackups: [{ name: INFRA }, { name: 'application-9fq4z' }] } });
  });

  it('partial: through the admin console, found among the Backups that were not there before', async () => {
    const t = setup({ created: () => [backup('my-app-x1', { phase: 'New' })] });
    t.cluster.backups.push(backup('my-app-old', { phase: 'Completed' }));
    const f = await createBackup(t.deps, { kind: 'partial', appSlug: 'my-app' });
    expect(t.appBackups).toEqual(['my-app']);
    expect(f).toMatchObject({ kind: 'partial', appSlug: 'my-app', backupName: 'my-app-x1' });
  });

  it('refuses before starting anything: blocked readiness, unknown app, no registry to export', async () => {
    const t = setup({ created: () => [] });
    await expect(createBackup(t.deps, { kind: 'partial', appSlug: 'nope' })).rejects.toThrow('"nope" is not an installed application.');
    await expect(createBackup(t.deps, { kind: 'full', exportRegistry: true })).rejects.toThrow(/registry cannot be exported here/);
    t.state.env = { ...env(), velero: { ...env().velero, ready: false } } as Environment;
    await expect(createBackup(t.deps, { kind: 'full' })).rejects.toMatchObject({ code: 'VELERO_NOT_READY' });
    expect(t.ran).toEqual([]);
    expect(t.sent).toEqual([]);
    expect(t.follow.starting).toBe(false);
  });

  it('no Backup appears: the followed backup fails and the registry export is stopped', async () => {
    const cancelled: string[] = [];
    const updates: Array<(r: BackupRegistryExport) => void> = [];
    const t = setup(
      { created: () => [] },
      {
        startExport: async (dest, onUpdate) => {
          updates.push(onUpdate);
          return { state: { state: 'running', dest }, cancel: async () => void cancelled.push(dest), done: new Promise(() => {}) };
        },
      },
    );
    t.state.env = { ...env(), flavour: 'embedded-cluster' } as Environment;
    const err = await createBackup(t.deps, { kind: 'full', registryDest: '/exports' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BACKUP_FAILED', message: expect.stringMatching(/no new Velero Backup appeared within 0 s/) });
    expect(cancelled).toEqual([expect.stringMatching(/^\/exports\/full-/)]);
    expect(t.follow.get()).toMatchObject({ state: 'failed', registry: { state: 'running' }, error: { code: 'BACKUP_FAILED' } });
    // The export's own reports while the request ran are kept, never overwritten by a stale copy.
    updates[0]!({ state: 'cancelled', dest: '/exports' });
    expect(t.follow.get()).toMatchObject({ state: 'failed', registry: { state: 'cancelled' } });
  });

  it('a registry export that cannot start starts nothing', async () => {
    const t = setup({ created: () => [instance('instance-new')] });
    t.state.env = { ...env(), flavour: 'embedded-cluster' } as Environment;
    await expect(createBackup(t.deps, { kind: 'full' })).rejects.toThrow('no export here');
    expect(t.ran).toEqual([]);
    expect(t.follow.get()).toBeNull();
    expect(t.follow.starting).toBe(false);
  });
});
