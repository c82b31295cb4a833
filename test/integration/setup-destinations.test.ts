/**
 * Setup: Google Cloud Storage and Azure Blob destinations checked online with the official SDKs
 * against REAL servers on loopback, before anything in a cluster changes:
 *   - Azure: Azurite (the Azure Storage emulator, devDependency), with its well-known dev account
 *     devstoreaccount1 and documented key, over HTTP and over HTTPS with a certificate this
 *     computer does not trust.
 *   - GCS: fake-gcs-server (Go module, built by test/lab/build-tools.sh), in-memory backend.
 * No cluster is involved: the checks get no kubeconfig, and nothing here could create anything in
 * one (the handler stand-in below only records calls).
 *
 * Limits, said plainly: fake-gcs-server does not verify signatures or tokens, so a wrong GCS key
 * cannot fail here as it does against Google (the invalid_grant / 401 mapping is unit-tested in
 * electron/storage/gcs.test.ts); Azurite has no Entra ID, so the service-principal credential is
 * unit-tested in electron/storage/azure.test.ts and the emulator is reached with the account key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../electron/transport/dispatch.js';
import { validateDestination } from '../../electron/storage/validate.js';
import { ensurePki } from '../lab/pki.js';
import { portOpen, sleep } from '../lab/processes.js';

const repoRoot = join(import.meta.dirname, '..', '..');
// Azurite's documented development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  c.stderr?.on('data', (d) => (err = (err + String(d)).slice(-2000)));
  c.on('exit', (code) => {
    if (code && code !== 0) console.error(`${cmd} exited ${code}: ${err}`);
  });
  children.push(c);
  return c;
}

async function waitPort(port: number, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await sleep(150);
  }
  throw new Error(`${what} did not listen on ${port} within 30 s`);
}

const tmp = mkdtempSync(join(tmpdir(), 'lb-setup-dest-'));
const azure = (port: number, container = 'velero', scheme = 'http') => ({
  provider: 'azure' as const,
  container,
  resourceGroup: 'lifeboat-rg',
  storageAccount: ACCOUNT,
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  tenantId: '00000000-0000-0000-0000-000000000002',
  clientId: '00000000-0000-0000-0000-000000000003',
  cloudName: 'AzurePublicCloud',
  prefix: 'cluster-a',
  endpoint: `${scheme}://127.0.0.1:${port}/${ACCOUNT}`,
});

afterAll(async () => {
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('Azure Blob destination against Azurite', () => {
  let port = 0;
  let tlsPort = 0;
  let blobsAfter: () => Promise<string[]>;

  beforeAll(async () => {
    port = await freePort();
    tlsPort = await freePort();
    const bin = join(repoRoot, 'node_modules', '.bin', 'azurite-blob');
    start(bin, ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', join(tmp, 'azurite'), '--silent', '--skipApiVersionCheck', '--loose']);
    const pki = ensurePki(join(tmp, 'pki'));
    start(bin, [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(tlsPort),
      '--location',
      join(tmp, 'azurite-tls'),
      '--silent',
      '--skipApiVersionCheck',
      '--loose',
      '--cert',
      pki.registryCert,
      '--key',
      pki.registryKey,
    ]);
    await waitPort(port, 'azurite');
    await waitPort(tlsPort, 'azurite (https)');
    const c = new ContainerClient(`http://127.0.0.1:${port}/${ACCOUNT}/velero`, new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY));
    await c.create();
    blobsAfter = async () => {
      const names: string[] = [];
      for await (const b of c.listBlobsFlat()) names.push(b.name);
      return names;
    };
  });

  it('good key and container → ok, probe written, read back and deleted', async () => {
    const r = await validateDestination(azure(port), { storageAccountKey: ACCOUNT_KEY }, { azure: { timeoutMs: 10_000 } });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r).toMatchObject({ ok: true, online: true });
    expect(r.checks.map((c) => c.title)).toEqual(expect.arrayContaining(['Container exists', 'Write', 'Read back', 'Delete']));
    expect(r.note).toMatch(/ran from this computer.*cluster's network may differ/);
    expect(await blobsAfter()).toEqual([]);
  });

  it('wrong key → the credentials were refused, and the key is not in the message', async () => {
    const wrong = Buffer.from('not-the-account-key-at-all-0123456789').toString('base64');
    const r = await validateDestination(azure(port), { storageAccountKey: wrong }, { azure: { timeoutMs: 10_000 } });
    expect(r.ok).toBe(false);
    const failed = r.checks.find((c) => !c.ok)!;
    expect(failed.title).toBe('Container exists');
    expect(failed.reason).toMatch(/refused the credentials \(HTTP 403/);
    expect(JSON.stringify(r)).not.toContain(wrong);
  });

  it('missing container → says which container and how to fix it', async () => {
    const r = await validateDestination(azure(port, 'no-such-container'), { storageAccountKey: ACCOUNT_KEY }, { azure: { timeoutMs: 10_000 } });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => !c.ok)).toMatchObject({
      title: 'Container exists',
      reason: `Container "no-such-container" does not exist in storage account "${ACCOUNT}".`,
    });
  });

  it('HTTPS with a certificate from a CA this computer does not trust → TLS message', async () => {
    const r = await validateDestination(azure(tlsPort, 'velero', 'https'), { storageAccountKey: ACCOUNT_KEY }, { azure: { timeoutMs: 10_000 } });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => !c.ok)!.reason).toMatch(/TLS certificate this computer does not trust/);
  });

  it('endpoint down → could not reach, within the timeout', async () => {
    const down = await freePort();
    const t = Date.now();
    const r = await validateDestination(azure(down), { storageAccountKey: ACCOUNT_KEY }, { azure: { timeoutMs: 3_000 } });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => !c.ok)!.reason).toMatch(new RegExp(`Could not reach http://127\\.0\\.0\\.1:${down}/${ACCOUNT} \\(ECONNREFUSED\\)`));
    // Lifeboat tries once (the SDK's default policy retries with back-off for tens of seconds);
    // the margin over the 3 s bound is for a loaded CI machine.
    expect(Date.now() - t).toBeLessThan(12_000);
  });
});

describe('Google Cloud Storage destination against fake-gcs-server', () => {
  const bin = join(process.env.LIFEBOAT_LAB_CACHE ?? join(homedir(), '.cache', 'lifeboat-lab'), 'bin', 'fake-gcs-server');
  let port = 0;
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyJson = JSON.stringify({
    type: 'service_account',
    project_id: 'lifeboat-test',
    private_key_id: 'k1',
    client_email: 'velero@lifeboat-test.iam.gserviceaccount.com',
    private_key: pem,
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  const gcs = (bucket = 'velero-backups', p = port) => ({
    provider: 'gcp' as const,
    auth: 'service-account' as const,
    bucket,
    prefix: 'cluster-a',
    endpoint: `http://127.0.0.1:${p}`,
  });

  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is not built: run \`bash test/lab/build-tools.sh fake-gcs-server\``);
    port = await freePort();
    start(bin, [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(port),
      '-backend',
      'memory',
      '-log-level',
      'error',
      '-public-host',
      `127.0.0.1:${port}`,
      '-external-url',
      `http://127.0.0.1:${port}`,
    ]);
    await waitPort(port, 'fake-gcs-server');
    const res = await fetch(`http://127.0.0.1:${port}/storage/v1/b?project=lifeboat-test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'velero-backups' }),
    });
    expect(res.status).toBeLessThan(300);
  });

  it('good key and bucket → ok, probe written, read back and deleted', async () => {
    const r = await validateDestination(gcs(), { serviceAccountJson: keyJson }, { gcs: { timeoutMs: 10_000 } });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r).toMatchObject({ ok: true, online: true });
    expect(r.checks.map((c) => c.title)).toEqual(expect.arrayContaining(['Bucket exists', 'Write', 'Read back', 'Delete']));
    const left = (await (await fetch(`http://127.0.0.1:${port}/storage/v1/b/velero-backups/o`)).json()) as { items?: unknown[] };
    expect(left.items ?? []).toEqual([]);
  });

  it('missing bucket → says which bucket and how to fix it', async () => {
    const r = await validateDestination(gcs('no-such-bucket'), { serviceAccountJson: keyJson }, { gcs: { timeoutMs: 10_000 } });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => !c.ok)).toMatchObject({ title: 'Bucket exists' });
    expect(r.checks.find((c) => !c.ok)!.reason).toMatch(/Bucket "no-such-bucket" does not exist/);
  });

  it('endpoint down → could not reach, within the timeout', async () => {
    const down = await freePort();
    const r = await validateDestination(gcs('velero-backups', down), { serviceAccountJson: keyJson }, { gcs: { timeoutMs: 5_000 } });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => !c.ok)!.reason).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('malformed key JSON → clear message, nothing contacted, key not quoted', async () => {
    const broken = keyJson.slice(0, 200);
    const r = await validateDestination(gcs(), { serviceAccountJson: broken }, { gcs: { timeoutMs: 5_000 } });
    expect(r).toMatchObject({ ok: false, online: false });
    expect(r.checks.find((c) => !c.ok)!.reason).toMatch(/not valid JSON/);
    expect(JSON.stringify(r)).not.toContain('PRIVATE KEY');
    const notSa = await validateDestination(gcs(), { serviceAccountJson: JSON.stringify({ type: 'authorized_user', client_id: 'x' }) });
    expect(notSa.checks.find((c) => !c.ok)!.reason).toMatch(/not "service_account"/);
  });
});

describe('malformed requests never reach a check (zod contract → BAD_INPUT)', () => {
  it('GCS and Azure destinations that break the schema are refused before the handler runs', async () => {
    const calls: unknown[] = [];
    const handlers = { 'setup.validateDestination': (i: unknown) => calls.push(i) } as unknown as Handlers;
    const badGcs = await dispatch(handlers, 'setup.validateDestination', { destination: { provider: 'gcp', auth: 'hmac', bucket: 'b' } });
    const badAzure = await dispatch(handlers, 'setup.validateDestination', {
      destination: { provider: 'azure', container: 'velero', storageAccount: 'sa' },
      secrets: { clientSecret: 's' },
    });
    const keyNotAllowed = await dispatch(handlers, 'setup.validateDestination', { destination: azure(1), secrets: { storageAccountKey: ACCOUNT_KEY } });
    for (const r of [badGcs, badAzure, keyNotAllowed]) expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(JSON.stringify(keyNotAllowed)).not.toContain(ACCOUNT_KEY);
    expect(calls).toEqual([]);
  });
});
