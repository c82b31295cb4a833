/**
 * An address taken only from a backup's kots.io/embedded-registry annotation gets no credential
 * (no connection at all) until the operator confirms that host, and plain http only when the
 * operator confirms http too. The registry is a local HTTP server recording what reaches it.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../events.js';
import type { RegistrySnapshot } from './detect.js';
import { RegistryService, type RegistryServiceDeps } from './service.js';

let server: http.Server;
let host = '';
const seen: Array<{ path: string; auth?: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    if (!req.headers.authorization) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url?.startsWith('/v2/_catalog') ? '{"repositories":[]}' : '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

function snapshot(annotation: string): RegistrySnapshot {
  return {
    flavour: 'kurl',
    airgapped: true,
    kotsNamespace: 'default',
    namespaces: ['kurl'],
    credentials: [
      { host, username: 'kurl', password: 'right', source: 'Secret default/kotsadm-private-registry' },
      { host: 'proxy.replicated.com', username: 'license', password: 'license', source: 'Secret default/kotsadm-replicated-registry' },
    ],
    backupAnnotationHosts: [annotation],
    fileSystemBackup: false,
  } as RegistrySnapshot;
}

function service(snap: RegistrySnapshot): RegistryService {
  const dir = mkdtempSync(join(tmpdir(), 'lb-reg-confirm-'));
  const deps = {
    bus: new EventBus(),
    dataDir: join(dir, 'data'),
    env: {},
    cluster: {} as never,
    detector: { get: () => null } as never,
  } as RegistryServiceDeps;
  const svc = new RegistryService(deps);
  (svc as unknown as { snapshot(): Promise<RegistrySnapshot> }).snapshot = async () => snap;
  return svc;
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('a registry address from a backup annotation needs the operator', () => {
  it('detect reports it unconfirmed and contacts nothing; export refuses it without confirmHost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-reg-confirm-dest-'));
    seen.length = 0;
    const svc = service(snapshot(`http://${host}`));
    const info = await svc.detect({});
    expect(info).toMatchObject({ host, reachable: false, hostConfirmation: { host, plainHttp: true } });
    const err = await svc.startExport({ dest: join(dir, 'out') }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CONFIRMATION_MISMATCH', message: expect.stringContaining(host) });
    expect((err as { hint?: string }).hint).toMatch(/confirm/i);
    expect(seen).toEqual([]);
  });

  it('plain http from the annotation: the host alone is not enough, http must be confirmed too', async () => {
    seen.length = 0;
    const svc = service(snapshot(`http://${host}`));
    const err = await svc.detect({ confirmHost: host }).then((i) => i.error);
    expect(err).toMatchObject({ code: 'CONFIRMATION_MISMATCH', message: expect.stringMatching(/plain HTTP/i) });
    expect(seen).toEqual([]);
    const wrong = await svc.detect({ confirmHost: '10.0.0.1:5000', confirmPlainHttp: true });
    expect(wrong.reachable).toBe(false);
    expect(seen).toEqual([]);
  });

  it('once confirmed (host and http), only the credential issued for that host is sent', async () => {
    seen.length = 0;
    const svc = service(snapshot(`http://${host}`));
    const info = await svc.detect({ confirmHost: host, confirmPlainHttp: true });
    expect(info.reachable, JSON.stringify(info.error)).toBe(true);
    expect(info.hostConfirmation).toBeUndefined();
    const auths = [...new Set(seen.map((s) => s.auth).filter(Boolean))];
    expect(auths).toEqual([basic('kurl', 'right')]);
  });
});
