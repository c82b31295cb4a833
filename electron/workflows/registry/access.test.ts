import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseCa, HostConfirmations, openDetected, openTarget, readCa } from './access.js';
import type { RegistrySnapshot } from './detect.js';

let server: http.Server;
let host = '';
const seen: Array<string | undefined> = [];
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    const ok = req.headers.authorization === basic('good', 'pw');
    res.writeHead(ok ? 200 : 401, { 'www-authenticate': 'Basic realm="r"' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

const snapshot = (over: Partial<RegistrySnapshot>): RegistrySnapshot => ({
  flavour: 'kurl',
  airgapped: true,
  namespaces: ['kurl'],
  credentials: [],
  backupAnnotationHosts: [],
  fileSystemBackup: false,
  ...over,
});
const roots = async () => ({ caSource: 'system roots' });

describe('HostConfirmations', () => {
  const annotated = { host: 'reg.example:5000', source: 'annotation', unconfirmed: true, plainHttp: true };

  it('lets a confirmed (Secret) address through, refuses an annotation address until host and plain http are confirmed', () => {
    const c = new HostConfirmations();
    c.require('cluster-a', { host: 'reg:5000', source: 'Secret' });
    expect(() => c.require('cluster-a', annotated)).toThrow(
      expect.objectContaining({ code: 'CONFIRMATION_MISMATCH', message: expect.stringContaining('reg.example:5000') }),
    );
    expect(() => c.require('cluster-a', annotated, { confirmHost: 'other:5000', confirmPlainHttp: true })).toThrow(/the confirmation named other:5000/);
    expect(() => c.require('cluster-a', annotated, { confirmHost: 'reg.example:5000' })).toThrow(/plain HTTP/);
    c.require('cluster-a', annotated, { confirmHost: 'REG.example:5000', confirmPlainHttp: true });
  });

  it('remembers a confirmation for its cluster only', () => {
    const c = new HostConfirmations();
    c.require('cluster-a', annotated, { confirmHost: 'reg.example:5000', confirmPlainHttp: true });
    c.require('cluster-a', annotated);
    expect(() => c.require('cluster-b', annotated)).toThrow(/confirm/);
  });
});

describe('CA choice', () => {
  it('the path given, else LIFEBOAT_REGISTRY_CA, else the system roots; a relative path is refused', async () => {
    expect(await chooseCa({})).toEqual({ caSource: 'system roots' });
    await expect(readCa('relative.pem', 'chosen CA')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(chooseCa({ LIFEBOAT_REGISTRY_CA: 'rel.pem' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const bad = join(mkdtempSync(join(tmpdir(), 'lb-ca-')), 'ca.pem');
    writeFileSync(bad, 'not a certificate');
    await expect(chooseCa({ LIFEBOAT_REGISTRY_CA: bad })).rejects.toThrow();
  });
});

describe('openDetected', () => {
  it('tries the credentials issued for the host in turn and keeps the one accepted', async () => {
    seen.length = 0;
    // Plain http (this test server) only for an annotation address the operator confirmed.
    const snap = snapshot({
      backupAnnotationHosts: [`http://${host}`],
      credentials: [
        { host, username: 'stale', password: 'old', source: 'Secret kurl/registry-creds' },
        { host: 'elsewhere:5000', username: 'x', password: 'y', source: 'Secret default/other' },
        { host, username: 'good', password: 'pw', source: 'Secret default/kotsadm-private-registry' },
      ],
    });
    const { access, client } = await openDetected(snap, () => {}, roots);
    client.close();
    expect(access).toMatchObject({ host, credential: { username: 'good' }, caSource: 'system roots' });
    expect(seen.filter(Boolean)).not.toContain(basic('x', 'y'));
  });

  it('refused by every credential: REGISTRY_AUTH_FAILED naming the Secrets; no address: REGISTRY_NOT_FOUND; an unconfirmed address: nothing is sent', async () => {
    const refused = snapshot({
      backupAnnotationHosts: [`http://${host}`],
      credentials: [{ host, username: 'stale', password: 'old', source: 'Secret kurl/registry-creds' }],
    });
    await expect(openDetected(refused, () => {}, roots)).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('Secret kurl/registry-creds'),
    });
    await expect(openDetected(snapshot({}), () => {}, roots)).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND' });
    seen.length = 0;
    let askedCa = false;
    const annotated = snapshot({ backupAnnotationHosts: [`http://${host}`] });
    const refuse = () => {
      throw new Error('not confirmed');
    };
    await expect(openDetected(annotated, refuse, async () => ((askedCa = true), { caSource: 'x' }))).rejects.toThrow('not confirmed');
    expect(askedCa).toBe(false);
    expect(seen).toEqual([]);
  });
});

describe('openTarget', () => {
  it('logs in to an entered registry; a password without a user is refused before any connection', async () => {
    const client = await openTarget({ registry: `http://${host}`, username: 'good', password: 'pw' });
    expect(client.host).toBe(host);
    client.close();
    seen.length = 0;
    await expect(openTarget({ registry: `http://${host}`, password: 'pw' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(openTarget({ registry: `http://${host}`, username: 'good', password: 'wrong' })).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
    expect(seen.filter((a) => a === basic('x', 'pw'))).toEqual([]);
  });
});
