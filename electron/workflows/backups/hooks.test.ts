import { describe, expect, it } from 'vitest';
import { lastInstanceBackupSpec, logLevel, matchesSelector, parseHookOutcomes, parseLogfmt, podAnnotationHooks, specHooks } from './hooks.js';

// Shaped like Velero 1.18's backup log (item_hook_handler.go / pod_command_executor.go).
const LOG = [
  'time="2026-11-23T20:01:02Z" level=info msg="Setting up backup log" backup=velero/instance-x7k2p logSource="pkg/controller/backup_controller.go:671"',
  'time="2026-11-23T20:01:03Z" level=info msg="running exec hook" backup=velero/instance-x7k2p hookCommand="[/bin/sh -c pg_dump > /scratch/backup.sql]" hookContainer=sample-db hookName="<from-annotation>" hookOnError=Fail hookPhase=pre hookSource=annotation hookTimeout="{3m0s}" hookType=exec logSource="pkg/podexec/pod_command_executor.go:134" name=sample-db-0 namespace=sample-app resource=pods',
  'time="2026-11-23T20:01:03Z" level=error msg="Error executing hook" backup=velero/instance-x7k2p error="unable to upgrade connection: container not found (\\"sample-db\\")" hookCommand="[/bin/sh -c pg_dump > /scratch/backup.sql]" hookContainer=sample-db hookName="<from-annotation>" hookPhase=pre hookSource=annotation hookType=exec logSource="internal/hook/item_hook_handler.go:267" name=sample-db-0 namespace=sample-app resource=pods',
  'time="2026-11-23T20:01:04Z" level=info msg="running exec hook" backup=velero/instance-x7k2p hookCommand="[/bin/true]" hookContainer=web hookName=flush hookOnError=Continue hookPhase=post hookSource=backupSpec hookType=exec name=sample-web-1 namespace=sample-app resource=pods',
  'time="2026-11-23T20:01:04Z" level=info msg="stdout: flushed" backup=velero/instance-x7k2p hookCommand="[/bin/true]" hookContainer=web hookName=flush hookPhase=post hookSource=backupSpec hookType=exec name=sample-web-1 namespace=sample-app resource=pods',
  'time="2026-11-23T20:01:05Z" level=warning msg="no volumes to back up" backup=velero/instance-x7k2p',
  'time="2026-11-23T20:01:06Z" level=info msg="Backup completed" backup=velero/instance-x7k2p',
];

describe('backup log hooks', () => {
  it('parses logfmt with quoted, escaped values', () => {
    const f = parseLogfmt(LOG[2]!);
    expect(f.level).toBe('error');
    expect(f.error).toBe('unable to upgrade connection: container not found ("sample-db")');
    expect(f.name).toBe('sample-db-0');
  });

  it('finds each hook, its output, and the failures', () => {
    const out = parseHookOutcomes(LOG);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ namespace: 'sample-app', pod: 'sample-db-0', container: 'sample-db', phase: 'pre', ok: false });
    expect(out[0]!.error).toMatch(/Error executing hook: unable to upgrade connection/);
    expect(out[1]).toMatchObject({ pod: 'sample-web-1', name: 'flush', phase: 'post', ok: true, stdout: 'flushed' });
  });

  it('reads Velero 1.18 logs: no pod on hook lines, a bare "Error executing hook", the pod from the next Pod item', () => {
    const b = 'backup=velero/instance-zbl8d';
    const out = parseHookOutcomes([
      `time="2026-11-23T23:02:14Z" level=info msg="running exec hook" ${b} hookCommand="[/scripts/backup.sh]" hookContainer=kotsadm hookName="<from-annotation>" hookOnError=Fail hookPhase=pre hookSource=annotation hookTimeout="{10m0s}" hookType=exec`,
      `time="2026-11-23T23:02:15Z" level=info msg="stdout: " ${b} hookCommand="[/scripts/backup.sh]" hookContainer=kotsadm hookName="<from-annotation>" hookOnError=Fail hookPhase=pre hookSource=annotation hookType=exec`,
      `time="2026-11-23T23:02:15Z" level=error msg="Error executing hook" ${b} error= hookPhase=pre hookSource=annotation hookType=exec`,
      `time="2026-11-23T23:02:15Z" level=info msg="Backed up 1 items out of an estimated total of 29" ${b} kind=Pod name=kotsadm-5d6c7f9d6c-wtx47 namespace=kotsadm progress=`,
      `time="2026-11-23T23:02:15Z" level=info msg="running exec hook" ${b} hookCommand="[/bin/sh -c echo flushing caches]" hookContainer=web hookName="<from-annotation>" hookOnError=Continue hookPhase=pre hookSource=annotation hookType=exec`,
      `time="2026-11-23T23:02:15Z" level=error msg="Error executing hook" ${b} error="command terminated with exit code 1" hookPhase=pre hookSource=annotation hookType=exec`,
      `time="2026-11-23T23:02:15Z" level=info msg="Backed up 5 items" ${b} kind=Pod name=sample-web-1 namespace=sample-app`,
      `time="2026-11-23T23:02:15Z" level=info msg="running exec hook" ${b} hookCommand="[/bin/sh -c echo flushing caches]" hookContainer=web hookName="<from-annotation>" hookOnError=Continue hookPhase=pre hookSource=annotation hookType=exec`,
      `time="2026-11-23T23:02:16Z" level=info msg="Backed up 6 items" ${b} kind=Pod name=sample-web-2 namespace=sample-app`,
    ]);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ pod: 'kotsadm-5d6c7f9d6c-wtx47', namespace: 'kotsadm', container: 'kotsadm', command: '[/scripts/backup.sh]', ok: false });
    expect(out[0]!.error).toMatch(/Error executing hook \(Velero recorded no error text: the exec into container kotsadm failed/);
    expect(out[0]!.stdout).toBeUndefined();
    expect(out[1]).toMatchObject({
      pod: 'sample-web-1',
      namespace: 'sample-app',
      ok: false,
      error: 'Error executing hook: command terminated with exit code 1',
    });
    expect(out[2]).toMatchObject({ pod: 'sample-web-2', ok: true });
  });

  it('no hook lines, no hooks', () => {
    expect(parseHookOutcomes([LOG[0]!, LOG[5]!, LOG[6]!])).toEqual([]);
  });

  it('reads the level for the filter', () => {
    expect(logLevel(LOG[5]!)).toBe('warning');
    expect(logLevel(LOG[2]!)).toBe('error');
    expect(logLevel('plain text')).toBeUndefined();
  });
});

describe('hook plan', () => {
  const pod = {
    metadata: {
      name: 'sample-db-0',
      namespace: 'sample-app',
      labels: { app: 'db' },
      annotations: {
        'pre.hook.backup.velero.io/command': '["/bin/sh","-c","pg_dump"]',
        'pre.hook.backup.velero.io/timeout': '3m',
        'post.hook.backup.velero.io/command': '/bin/true',
      },
    },
    spec: { containers: [{ name: 'postgres' }] },
  };

  it("reads pre/post annotations with Velero's defaults", () => {
    const h = podAnnotationHooks(pod);
    expect(h).toHaveLength(2);
    expect(h[0]).toMatchObject({ phase: 'pre', container: 'postgres', command: ['/bin/sh', '-c', 'pg_dump'], onError: 'Fail', timeout: '3m' });
    expect(h[1]).toMatchObject({ phase: 'post', command: ['/bin/true'], timeout: '30s' });
  });

  it('reads unprefixed hook.backup.velero.io keys as pre hooks', () => {
    const h = podAnnotationHooks({ metadata: { name: 'p', namespace: 'n', annotations: { 'hook.backup.velero.io/command': 'x' } } });
    expect(h).toEqual([expect.objectContaining({ phase: 'pre', command: ['x'] })]);
  });

  it('applies vendor spec hooks to the pods they select, annotations first', () => {
    const web = { metadata: { name: 'web-1', namespace: 'sample-app', labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx' }] } };
    const h = specHooks(
      [{ name: 'flush', includedNamespaces: ['sample-app'], labelSelector: { matchLabels: {} }, pre: [{ exec: { command: ['/flush'] } }] }],
      [pod, web],
      'ConfigMap kotsadm-apps',
    );
    expect(h).toEqual([expect.objectContaining({ pod: 'web-1', container: 'nginx', source: 'vendor-spec', name: 'flush' })]);
    expect(matchesSelector({ a: 'b' }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] })).toBe(true);
  });
});

// kots pkg/kotsadmsnapshot/backup.go at v1.131.4 merges each app's vendor Backup hooks into the
// instance Backup it creates (backup.Spec.Hooks.Resources = append(..., kotskindsBackup.Spec.Hooks.Resources...));
// the vendor spec itself lives in the release inside kotsadm, which the cluster API does not expose.
describe('vendor hooks: from the last full backup KOTS made', () => {
  const hook = {
    name: 'dump',
    includedNamespaces: ['sample-app'],
    labelSelector: { matchLabels: { app: 'sample-db' } },
    pre: [{ exec: { container: 'sample-db', command: ['/bin/sh', '-c', 'pg_dump'] } }],
  };
  const b = (name: string, at: string, ann: Record<string, string>, hooks: unknown[] = [hook], labels: Record<string, string> = {}) => ({
    metadata: { name, creationTimestamp: at, annotations: ann, labels },
    spec: { includedNamespaces: ['kotsadm', 'sample-app', 'extra-ns'], hooks: { resources: hooks } },
    status: { phase: 'Completed' },
  });
  it('takes the newest instance Backup (legacy or improved DR), not app-only or foreign ones', () => {
    const got = lastInstanceBackupSpec([
      b('instance-old', '2026-11-01T00:00:00Z', { 'kots.io/instance': 'true' }, []),
      b('instance-new', '2026-11-02T00:00:00Z', { 'kots.io/instance': 'true' }),
      b('app-only', '2026-11-03T00:00:00Z', { 'kots.io/app-slug': 'sample-app' }),
      b('someone-else', '2026-11-04T00:00:00Z', {}),
    ] as never);
    expect(got).toMatchObject({ backup: 'instance-new', resources: [hook], namespaces: ['kotsadm', 'sample-app', 'extra-ns'] });
    const dr = lastInstanceBackupSpec([
      b('app-abcde', '2026-11-05T00:00:00Z', { 'replicated.com/backup-type': 'app' }, [hook], { 'replicated.com/backup-name': 'x' }),
    ] as never);
    expect(dr?.backup).toBe('x');
    // The pair of one improved-DR backup: hooks from the application half, whichever is newer.
    const pair = lastInstanceBackupSpec([
      b('app-abcde', '2026-11-05T00:00:00Z', { 'replicated.com/backup-type': 'app' }, [hook], { 'replicated.com/backup-name': 'x' }),
      b('infra-fghij', '2026-11-05T00:00:01Z', { 'replicated.com/backup-type': 'infra' }, [], { 'replicated.com/backup-name': 'x' }),
    ] as never);
    expect(pair).toMatchObject({ backup: 'x', resources: [hook] });
  });
  it('none yet: undefined (the plan then says vendor hooks show after the first full backup)', () => {
    expect(lastInstanceBackupSpec([])).toBeUndefined();
  });
});

// velero internal/hook/item_hook_handler.go HandleHooks at v1.18.3: an annotation hook takes
// priority over spec hooks for the same pod and the same phase only.
describe('annotation vs spec hooks, per phase', () => {
  it('a pod with only a pre annotation hook still runs the vendor spec post hook', () => {
    const pod = {
      metadata: { name: 'db-0', namespace: 'app', labels: { app: 'db' }, annotations: { 'pre.hook.backup.velero.io/command': '["/bin/true"]' } },
      spec: { containers: [{ name: 'db' }] },
    };
    const res = [
      {
        name: 'v',
        includedNamespaces: ['app'],
        labelSelector: { matchLabels: { app: 'db' } },
        pre: [{ exec: { command: ['/pre'] } }],
        post: [{ exec: { command: ['/post'] } }],
      },
    ];
    const got = specHooks(res as never, [pod], 'vendor');
    expect(got.map((h) => `${h.phase}:${h.command.join(' ')}`)).toEqual(['post:/post']);
    // The legacy unprefixed annotation counts as pre only.
    const legacy = { ...pod, metadata: { ...pod.metadata, annotations: { 'hook.backup.velero.io/command': '/bin/true' } } };
    expect(specHooks(res as never, [legacy], 'vendor').map((h) => h.phase)).toEqual(['post']);
  });
});
