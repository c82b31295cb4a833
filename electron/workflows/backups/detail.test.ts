import { describe, expect, it } from 'vitest';
import { summarizeBackup } from '../../velero/resources.js';
import { type VeleroBackup } from '../../velero/types.js';
import { backupDetail, parseResults, type DetailDeps } from './detail.js';
import { APP, appBackup, completed, DR_NAME, INFRA, infraBackup } from './improvedDr.test-fixtures.js';
import { BackupRowIndex } from './replicated.js';
import { backup, harness } from './scope.test-fixtures.js';
import { fakeStore } from './store.test-fixtures.js';

function deps(backups: VeleroBackup[], files: Record<string, string> = {}, log: string[] = []): DetailDeps & { logged: string[] } {
  const h = harness({ backups });
  const index = new BackupRowIndex((b) => summarizeBackup(b));
  const logged: string[] = [];
  return {
    scope: h.scope,
    summary: (b) => summarizeBackup(b),
    row: (bs, key) => index.row(bs, key),
    logLines: async (name) => (logged.push(name), log),
    source: () => fakeStore(files).source,
    logged,
  };
}

const HOOK_FAILED = [
  'time="2026-11-23T20:01:03Z" level=info msg="running exec hook" backup=velero/a hookCommand="[/bin/false]" hookContainer=db hookName=dump hookOnError=Fail hookPhase=pre hookSource=annotation hookType=exec name=db-0 namespace=app resource=pods',
  'time="2026-11-23T20:01:03Z" level=error msg="Error executing hook" backup=velero/a error="exit 1" hookContainer=db hookName=dump hookPhase=pre hookSource=annotation hookType=exec name=db-0 namespace=app resource=pods',
];

describe('backupDetail', () => {
  it('a finished backup: spec, results, resources and hook outcomes from the store', async () => {
    const b = backup('a', completed(3, undefined, { errors: 1 }));
    b.spec = { storageLocation: 'default', includedNamespaces: ['app'], ttl: '720h0m0s', hooks: { resources: [{ name: 'r' }] } } as VeleroBackup['spec'];
    const d = deps(
      [b],
      {
        'BackupResults/a': JSON.stringify({ errors: { namespaces: { app: ['pod db-0 failed'] } } }),
        'BackupResourceList/a': JSON.stringify({ 'v1/Pod': ['app/db-0'] }),
      },
      HOOK_FAILED,
    );
    const detail = await backupDetail(d, 'a');
    expect(detail.spec).toEqual({
      includedNamespaces: ['app'],
      excludedNamespaces: [],
      orLabelSelectors: [],
      ttl: '720h0m0s',
      storageLocation: 'default',
      hookResources: 1,
    });
    expect(detail.results).toEqual([{ kind: 'error', scope: 'namespace app', message: 'pod db-0 failed' }]);
    expect(detail.resources).toEqual({ 'v1/Pod': ['app/db-0'] });
    expect(detail.hooks).toMatchObject([{ pod: 'db-0', ok: false }]);
    expect(detail.notes).toEqual([]);
    expect(d.logged).toEqual(['a']);
  });

  it('what the store lacks becomes a note; a running backup is not read at all', async () => {
    const missing = await backupDetail(deps([backup('a', completed(3, undefined, { warnings: 1 }))]), 'a');
    expect(missing.notes).toEqual(['The store has no results file for this backup.', 'The store has no resource list for this backup.']);
    const d = deps([backup('b', { phase: 'InProgress' })]);
    expect((await backupDetail(d, 'b')).notes).toEqual(['Results, the resource list and hook outcomes are available once the backup has finished.']);
    const refused = await backupDetail(deps([backup('c', { phase: 'FailedValidation' })]), 'c');
    expect(refused.notes).toEqual(['Velero refused this backup before it started, so it has no log, results or resource list.']);
  });

  it("a replicated backup: both members' details merged under its name", async () => {
    const d = deps([infraBackup(completed(1)), appBackup(completed(2))], {
      [`BackupResourceList/${INFRA}`]: '{"v1/Secret":["kotsadm/x"]}',
      [`BackupResourceList/${APP}`]: '{"v1/Pod":["my-app/p"]}',
    });
    const detail = await backupDetail(d, DR_NAME);
    expect(detail.summary).toMatchObject({ name: DR_NAME, veleroBackups: [{ name: INFRA }, { name: APP }] });
    expect(detail.resources).toEqual({ 'v1/Secret': ['kotsadm/x'], 'v1/Pod': ['my-app/p'] });
  });

  it('an unknown name is BACKUP_NOT_FOUND', async () => {
    await expect(backupDetail(deps([]), 'nope')).rejects.toMatchObject({ code: 'BACKUP_NOT_FOUND' });
  });
});

describe('parseResults', () => {
  it('errors then warnings, each by scope; non-string messages as JSON', () => {
    expect(parseResults(JSON.stringify({ warnings: { velero: ['v'], cluster: [{ x: 1 }] }, errors: { namespaces: { a: ['e'] } } }))).toEqual([
      { kind: 'error', scope: 'namespace a', message: 'e' },
      { kind: 'warning', scope: 'Velero', message: 'v' },
      { kind: 'warning', scope: 'cluster', message: '{"x":1}' },
    ]);
  });
});
