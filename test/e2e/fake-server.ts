/**
 * DEV-ONLY stand-in for `electron/web.ts`: speaks the web-mode wire protocol
 * (electron/transport/protocol.ts) with canned answers so the renderer can be worked on before the
 * real server exists, or without a lab. The e2e suite runs against the real server unless
 * LIFEBOAT_E2E_FAKE=1; nothing shipped imports this file.
 *
 *   tsx test/e2e/fake-server.ts --port 0     prints "Lifeboat (fake) at http://127.0.0.1:P/?code=C"
 *
 * Sign-in as the real server does it (minus its Origin/Host checks and body limits): single-use
 * launch codes traded at POST /api/session for the cookie `lifeboat_P`, new links from
 * POST /api/session/link.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { ClusterStatus, Environment, JournalEntry, MethodName, ToolOutputLine } from '../../electron/api/contract.js';
import type { ApiErrorData } from '../../electron/api/errors.js';
import { EVENT_SEQ_HEADER, STREAM_OPENED_EVENT } from '../../electron/transport/protocol.js';

const root = resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');
const token = randomBytes(16).toString('hex');
/** Live launch codes → expiry (two minutes); a code leaves on first use. */
const codes = new Map<string, number>();
let cookieName = '';
let origin = '';
function launchUrl(): string {
  const code = randomBytes(24).toString('base64url');
  codes.set(code, Date.now() + 120_000);
  return `${origin}/?code=${code}`;
}
const signedIn = (cookie: string | undefined) => (cookie ?? '').split(';').some((c) => c.trim() === `${cookieName}=${token}`);
const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;

const now = () => new Date().toISOString();
const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();

const permissions = [
  { verb: 'list', group: '', resource: 'namespaces', allowed: true, purpose: 'Find the KOTS admin console and Velero' },
  { verb: 'create', group: 'velero.io', resource: 'backups', namespace: 'velero', allowed: true, purpose: 'Start backups' },
  { verb: 'create', group: 'velero.io', resource: 'restores', namespace: 'velero', allowed: true, purpose: 'Restore from a backup' },
];
const connected: ClusterStatus = {
  state: 'connected',
  kubeconfigPath: '/root/.lab/kubeconfig',
  context: 'lifeboat-lab',
  contexts: [
    { name: 'lifeboat-lab', cluster: 'lab', user: 'admin', server: 'https://127.0.0.1:6443' },
    { name: 'lab-restricted', cluster: 'lab', user: 'restricted', server: 'https://127.0.0.1:6443' },
  ],
  server: 'https://127.0.0.1:6443',
  user: 'admin',
  kubernetesVersion: 'v1.36.3',
  permissions,
  missingPermissions: [],
  checkedAt: now(),
};
let cluster: ClusterStatus = connected;

const environment: Environment = {
  detectedAt: now(),
  kots: {
    found: true,
    namespace: 'default',
    version: 'v1.131.4',
    ready: true,
    apps: [{ slug: 'sentry-pro', namespace: 'default' }],
    registry: { host: 'registry.lab.internal:5000', namespace: 'sentry-pro', hasCredentials: true },
    minimalRbac: false,
  },
  flavour: 'existing',
  flavourReason: 'No kURL or Embedded Cluster markers on the nodes.',
  airgap: { airgapped: true, reason: 'The admin console pulls from registry.lab.internal:5000.' },
  velero: {
    installed: true,
    namespace: 'velero',
    version: 'v1.18.3',
    versionSource: 'server',
    image: 'velero/velero:v1.18.3',
    ready: true,
    plugins: [{ name: 'velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.14.3' }],
    fileSystemBackup: { kind: 'node-agent', ready: true, desired: 1, available: 1 },
    storageLocations: [
      {
        name: 'default',
        provider: 'aws',
        bucket: 'lifeboat',
        prefix: 'lab',
        isDefault: true,
        phase: 'Available',
        lastSyncedTime: ago(1),
        lastValidationTime: ago(1),
      },
    ],
  },
  compatibility: {
    verdict: 'compatible',
    reason: 'KOTS v1.131.4 supports Velero 1.6 and later; v1.18.3 is installed.',
    kotsVersion: 'v1.131.4',
    veleroVersion: 'v1.18.3',
    kubernetesVersion: 'v1.36.3',
  },
  problems: [
    {
      ok: true,
      severity: 'warning',
      title: 'No backup schedule',
      reason: 'The admin console has no automatic backups scheduled.',
      fix: 'Set a schedule on the Backups screen so a recent backup exists on a bad day.',
    },
  ],
};

const entries: JournalEntry[] = [
  {
    id: 'run-1',
    startedAt: ago(42),
    finishedAt: ago(41.9),
    tool: 'velero',
    args: ['version', '--client-only'],
    exitCode: 0,
    durationMs: 412,
    outcome: 'succeeded',
    summary: 'velero client v1.18.3',
  },
  {
    id: 'run-2',
    startedAt: ago(12),
    finishedAt: ago(11.5),
    tool: 'kubectl-kots',
    args: ['get', 'apps', '-n', 'default', '-o', 'json'],
    exitCode: 1,
    durationMs: 30_120,
    outcome: 'failed',
    summary: 'The admin console did not answer within 30 s.',
  },
  { id: 'run-3', startedAt: ago(0.2), tool: 'velero', args: ['backup', 'logs', 'instance-abc12', '--namespace', 'velero'], outcome: 'running' },
];
const output: Record<string, ToolOutputLine[]> = {
  'run-1': [{ runId: 'run-1', stream: 'stdout', line: 'Client:\n\tVersion: v1.18.3', at: ago(41.9) }],
  'run-2': [{ runId: 'run-2', stream: 'stderr', line: 'Error: failed to get apps: context deadline exceeded', at: ago(11.5) }],
  'run-3': Array.from({ length: 400 }, (_, i) => ({
    runId: 'run-3',
    stream: i % 37 === 36 ? ('stderr' as const) : ('stdout' as const),
    line: `time="${ago(0.2)}" level=info msg="Backing up item" backup=velero/instance-abc12 progress=${i}/2000 resource=pods`,
    at: ago(0.2),
  })),
};

const clients = new Set<ServerResponse>();
/** Events published so far: the stream's first message and each reply say it, as the real server does. */
let published = 0;
function emit(event: string, payload: unknown) {
  published += 1;
  for (const c of clients) c.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
}

let n = 400;
const ticker = setInterval(() => {
  if (entries[2].outcome !== 'running') return;
  const line: ToolOutputLine = { runId: 'run-3', stream: 'stdout', line: `time="${now()}" level=info msg="Backing up item" progress=${n++}/2000`, at: now() };
  output['run-3'].push(line);
  emit('activity.output', line);
}, 1000);
ticker.unref();

const fail = (code: ApiErrorData['code'], message: string, hint?: string): ApiErrorData => ({ code, message, hint });

const handlers: Partial<Record<MethodName, (input: Record<string, unknown>) => unknown>> = {
  'app.info': () => ({
    version: '0.1.0-fake',
    mode: 'web',
    platform: process.platform,
    dataDir: '/tmp/lifeboat-fake',
    unverifiedBuild: false,
    unverifiedReasons: [],
  }),
  'cluster.kubeconfigs': () => [
    { path: '/root/.lab/kubeconfig', origin: 'KUBECONFIG', exists: true },
    { path: '/root/.kube/config', origin: 'home', exists: false },
  ],
  'cluster.status': () => cluster,
  'cluster.connect': (input) => {
    const path = input.kubeconfigPath as string | undefined;
    if (path && path !== connected.kubeconfigPath) {
      // Like the real service: a failed connect is a status in error, not a thrown error.
      const error = fail(
        'KUBECONFIG_MISSING',
        `There is no kubeconfig at ${path}.`,
        "Choose a kubeconfig file, set KUBECONFIG, or copy your cluster's admin kubeconfig to ~/.kube/config.",
      );
      cluster = { state: 'error', kubeconfigPath: path, contexts: [], permissions: [], missingPermissions: [], error, checkedAt: now() };
      emit('cluster.changed', cluster);
      emit('environment.changed', null);
      return cluster;
    }
    cluster = { ...connected, checkedAt: now() };
    emit('cluster.changed', cluster);
    emit('environment.changed', environment);
    return cluster;
  },
  'cluster.useContext': (input) => {
    const ctx = input.context as string;
    if (!connected.contexts.some((c) => c.name === ctx)) throw fail('CONTEXT_UNKNOWN', `There is no context ${ctx}.`, 'Pick one of the listed contexts.');
    cluster = { ...connected, context: ctx, user: ctx === 'lab-restricted' ? 'restricted' : 'admin', checkedAt: now() };
    if (ctx === 'lab-restricted') {
      const missing = permissions.slice(1).map((p) => ({ ...p, allowed: false }));
      cluster = { ...cluster, permissions: [permissions[0], ...missing], missingPermissions: missing };
    }
    emit('cluster.changed', cluster);
    return cluster;
  },
  'cluster.disconnect': () => {
    cluster = { state: 'disconnected', contexts: [], permissions: [], missingPermissions: [] };
    emit('cluster.changed', cluster);
    return cluster;
  },
  'environment.get': () => (cluster.state === 'connected' ? environment : null),
  'environment.refresh': () => {
    if (cluster.state !== 'connected') throw fail('NOT_CONNECTED', 'Lifeboat is not connected to a cluster.', 'Connect on the Overview screen first.');
    environment.detectedAt = now();
    emit('environment.changed', environment);
    return environment;
  },
  'tools.list': () => [
    { name: 'velero', version: 'v1.18.3', path: '/opt/lifeboat/bin/velero', status: 'ok', source: 'bundled' },
    { name: 'kubectl-kots', version: 'v1.131.4', path: '/opt/lifeboat/bin/kubectl-kots', status: 'ok', source: 'bundled' },
  ],
  'activity.list': () => entries,
  'activity.output': (input) => output[input.runId as string] ?? [],
  'activity.cancel': (input) => {
    const e = entries.find((x) => x.id === input.runId);
    if (!e || e.outcome !== 'running') return { cancelled: false };
    e.outcome = 'cancelled';
    e.finishedAt = now();
    e.durationMs = Date.parse(e.finishedAt) - Date.parse(e.startedAt);
    e.exitCode = null;
    e.summary = 'Cancelled by the operator.';
    emit('activity.entry', e);
    return { cancelled: true };
  },
};

const mime: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/api/events') {
    if (!signedIn(req.headers.cookie)) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`: hello\n\nevent: ${STREAM_OPENED_EVENT}\ndata: ${JSON.stringify({ seq: published })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    const seq = String(published);
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json', [EVENT_SEQ_HEADER]: seq }).end(JSON.stringify(body));
    const noSession = () =>
      reply(401, { ok: false, error: fail('UNAUTHORIZED', 'This page is not signed in to Lifeboat.', 'Open the link printed at start-up.') });
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (url.pathname === '/api/session') {
        let code: string | undefined;
        try {
          code = (JSON.parse(body || '{}') as { code?: string }).code;
        } catch {
          return reply(400, { ok: false, error: fail('BAD_INPUT', 'The request body is not valid JSON.') });
        }
        if (code === undefined) return signedIn(req.headers.cookie) ? reply(200, { ok: true, result: { signedIn: true } }) : noSession();
        const exp = codes.get(code);
        codes.delete(code);
        if (exp === undefined || exp <= Date.now()) {
          console.log(`A sign-in was refused (a used or expired link). New link: ${launchUrl()}`);
          return reply(401, {
            ok: false,
            error: fail('UNAUTHORIZED', 'This link was already used or has expired.', "Start Lifeboat's web mode again, or use the new link it prints."),
          });
        }
        res.setHeader('set-cookie', `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`);
        return reply(200, { ok: true, result: { signedIn: true } });
      }
      if (!signedIn(req.headers.cookie)) return noSession();
      if (url.pathname === '/api/session/link') return reply(200, { ok: true, result: { url: launchUrl() } });
      const name = url.pathname.slice(5) as MethodName;
      const h = handlers[name];
      if (!h) return reply(404, { ok: false, error: fail('UNKNOWN_METHOD', `No method ${name}.`) });
      try {
        reply(200, { ok: true, result: h(body ? JSON.parse(body) : {}) });
      } catch (err) {
        reply(400, { ok: false, error: err });
      }
    });
    return;
  }
  const rel = normalize(url.pathname === '/' ? '/index.html' : url.pathname).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, rel);
  if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': mime[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});

server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  const p = typeof addr === 'object' && addr ? addr.port : port;
  origin = `http://127.0.0.1:${p}`;
  cookieName = `lifeboat_${p}`;
  console.log(`Lifeboat (fake) at ${launchUrl()}`);
});
