import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../journal.js';
import { isConflict, isNotFound, journalClusterWrites, kubeRest, type ClusterWrite, type KubeRestError } from './rest.js';
import { kubeconfigYaml } from './test-fixtures.js';

let server: Server;
let kc: KubeConfig;
const seen: Array<{ method: string; url: string; type?: string; length?: string; auth?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        auth: req.headers.authorization,
        body,
      });
      const reply = (code: number, obj: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(obj));
      if (req.url === '/slow') return; // never answers
      if (req.url!.includes('missing')) return reply(404, { kind: 'Status', message: 'not found' });
      if (req.url!.includes('taken')) return reply(409, { kind: 'Status', message: 'already exists' });
      if (req.url!.includes('forbidden')) return reply(403, { kind: 'Status', message: 'secrets is forbidden: User "u" cannot get' });
      reply(200, { ok: true, echo: body ? JSON.parse(body) : null });
    });
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't0k' }));
});
afterAll(() => server.close());

describe('cluster REST client', () => {
  it('sends the kubeconfig credentials and the patch content types with a content length', async () => {
    const kube = kubeRest(kc);
    await kube.patch('/api/v1/namespaces/a/configmaps/x', { data: { a: '1' } }, 'strategic');
    await kube.mergePatch('/api/v1/namespaces/a/configmaps/x', { data: { a: '2' } });
    const [s, m] = seen.slice(-2);
    expect(s.type).toBe('application/strategic-merge-patch+json');
    expect(m.type).toBe('application/merge-patch+json');
    expect(m.length).toBe(String(Buffer.byteLength(m.body)));
    expect(m.auth).toBe('Bearer t0k');
  });

  it('answers "not there" for 404 on getOrUndefined and delete, but throws it from get', async () => {
    const kube = kubeRest(kc);
    expect(await kube.getOrUndefined('/api/v1/namespaces/missing')).toBeUndefined();
    await expect(kube.delete('/api/v1/namespaces/missing')).resolves.toBeUndefined();
    const err = await kube.get('/api/v1/namespaces/missing').catch((e) => e);
    expect(isNotFound(err)).toBe(true);
  });

  it('passes 409 through only to callers that handle it', async () => {
    const handles = (await kubeRest(kc, { passThrough: [409] })
      .post('/api/v1/namespaces/taken', {})
      .catch((e) => e)) as KubeRestError;
    expect(isConflict(handles)).toBe(true);
    expect(handles.status).toBe(409);
    const mapped = await kubeRest(kc)
      .post('/api/v1/namespaces/taken', {})
      .catch((e) => e);
    expect(mapped).toBeInstanceOf(LifeboatError);
  });

  it("turns a 403 into the cluster layer's permission error", async () => {
    const err = (await kubeRest(kc)
      .get('/api/v1/namespaces/a/secrets/forbidden')
      .catch((e) => e)) as LifeboatError;
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err.message).toMatch(/403|permission|forbidden/i);
  });

  it('gives up after its timeout with an error that says so', async () => {
    const err = (await kubeRest(kc, { timeoutMs: 300 })
      .get('/slow')
      .catch((e) => e)) as LifeboatError;
    expect(err).toBeInstanceOf(LifeboatError);
    expect(`${err.message} ${err.hint ?? ''}`).toMatch(/time|respond|reach/i);
  });

  it('tells of every write, never of reads, and the journal shows them as Activity entries', async () => {
    const writes: ClusterWrite[] = [];
    const kube = kubeRest(kc, { onWrite: (w) => writes.push(w) });
    await kube.get('/api/v1/namespaces/a');
    await kube.mergePatch('/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default', { spec: { accessMode: 'ReadOnly' } });
    await kube.post('/api/v1/namespaces/taken', {}).catch(() => {});
    expect(writes.map((w) => [w.method, w.status])).toEqual([
      ['PATCH', 200],
      ['POST', 409],
    ]);

    const journal = new Journal(mkdtempSync(join(tmpdir(), 'lb-rest-')));
    const record = journalClusterWrites(journal);
    for (const w of writes) record(w);
    record({ method: 'DELETE', path: '/api/v1/namespaces/gone', startedAt: new Date().toISOString(), durationMs: 3, status: 404 });
    const [del, post, patch] = journal.list();
    expect(patch).toMatchObject({
      tool: 'kubernetes-api',
      args: ['PATCH', '/apis/velero.io/v1/namespaces/velero/backupstoragelocations/default'],
      outcome: 'succeeded',
    });
    expect(post).toMatchObject({ outcome: 'failed', summary: 'already exists' });
    expect(del).toMatchObject({ outcome: 'succeeded', summary: 'already gone (HTTP 404)' });
  });

  it('a failing audit hook never breaks the operation', async () => {
    const kube = kubeRest(kc, {
      onWrite: () => {
        throw new Error('disk full');
      },
    });
    await expect(kube.post('/api/v1/namespaces/a/configmaps', { metadata: { name: 'x' } })).resolves.toMatchObject({ ok: true });
  });
});
