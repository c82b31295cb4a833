/**
 * A real registry for tests and benchmarks: Debian's docker-registry (distribution 2.8) on a free
 * 127.0.0.1 port, TLS from a throwaway CA made with the openssl CLI, htpasswd basic auth, storage
 * in a temp dir. Never imported by shipped code.
 *
 *   const reg = await startRegistry();
 *   new RegistryClient({ registry: reg.host, username: reg.username, password: reg.password, caPem: reg.caPem });
 *   await reg.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fsp, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createHash, sign } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RegistryClient } from '../../electron/registry/client.js';
import { MediaTypes } from '../../electron/registry/mediaTypes.js';

const run = promisify(execFile);
const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** "127.0.0.1:<port>" */
  host: string;
  port: number;
  username: string;
  password: string;
  caPem: string;
  /** Directory holding only ca.crt (for skopeo --src-cert-dir / --dest-cert-dir). */
  certDir: string;
  dir: string;
  /** Stop the registry (it can be started again with start()). */
  stop(): Promise<void>;
  /** Start it again on the same port and storage. */
  start(): Promise<void>;
  /** Stop and delete its files. */
  destroy(): Promise<void>;
  /** The running docker-registry's pid (to pause it with SIGSTOP), undefined while stopped. */
  pid(): number | undefined;
  /** With tokenAuth: the query of every request to the token service. */
  tokenRequests?: string[];
  /**
   * With tokenAuth: the token service's "127.0.0.1:<port>" (https, the registry's certificate). It
   * is another port than the registry's, so a client must be allowed to send it the credentials
   * (RegistryClient option tokenRealmHosts).
   */
  tokenRealmHost?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

let ensured = false;
async function ensureInstalled(): Promise<void> {
  if (ensured) return;
  if (!existsSync(REGISTRY_BIN) || !existsSync('/usr/bin/htpasswd')) {
    await run('apt-get', ['install', '-y', 'docker-registry', 'apache2-utils'], { timeout: 600_000 });
  }
  ensured = true;
}

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
export async function makeCerts(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = path.join(dir, 'ca.crt');
  const caKey = path.join(dir, 'ca.key');
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const ext = path.join(dir, 'server.ext');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=Lifeboat test CA']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { ca, cert, key };
}

/**
 * A token service for docker-registry's `auth: token` mode (the Distribution token spec): checks
 * Basic credentials on GET /token and answers a JWT signed RS256 with a throwaway key whose
 * self-signed certificate is the registry's rootcertbundle (the token carries it in x5c). Every
 * requested scope is granted; the registry then checks the token's signature, issuer, audience,
 * expiry and access list itself.
 */
async function startTokenServer(
  dir: string,
  username: string,
  password: string,
  service: string,
  issuer: string,
  tls: { cert: string; key: string },
): Promise<{ realm: string; realmHost: string; certFile: string; requests: string[]; close(): Promise<void> }> {
  const key = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=Lifeboat test token issuer',
  ]);
  const keyPem = readFileSync(key, 'utf8');
  const der = readFileSync(certFile, 'utf8').replace(/-----[^-]+-----|\s+/g, '');
  const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const requests: string[] = [];
  // https (the registry's own certificate): Lifeboat sends credentials to no plain-http token service of an https registry.
  const server = https.createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.search);
    const auth = req.headers.authorization ?? '';
    const [u, p] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(/:(.*)/s) : [];
    if (url.pathname !== '/token' || u !== username || p !== password) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ details: 'invalid credentials' }));
    }
    const access = url.searchParams
      .getAll('scope')
      .flatMap((sc) => sc.split(' '))
      .filter(Boolean)
      .map((sc) => {
        const first = sc.indexOf(':');
        const last = sc.lastIndexOf(':');
        return { type: sc.slice(0, first), name: sc.slice(first + 1, last), actions: sc.slice(last + 1).split(',') };
      });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [der] };
    const claims = { iss: issuer, sub: u, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: Math.random().toString(36).slice(2), access };
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
    const sig = b64u(sign('sha256', Buffer.from(input), keyPem));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${input}.${sig}`, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    realm: `https://127.0.0.1:${port}/token`,
    realmHost: `127.0.0.1:${port}`,
    certFile,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export async function startRegistry(opts: { username?: string; password?: string; log?: boolean; tokenAuth?: boolean } = {}): Promise<TestRegistry> {
  await ensureInstalled();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-registry-'));
  const tlsDir = path.join(dir, 'tls');
  const certDir = path.join(dir, 'ca');
  await fsp.mkdir(tlsDir);
  await fsp.mkdir(certDir);
  await fsp.mkdir(path.join(dir, 'data'));
  const { ca, cert, key } = await makeCerts(tlsDir);
  await fsp.copyFile(ca, path.join(certDir, 'ca.crt'));
  const username = opts.username ?? 'lifeboat';
  const password = opts.password ?? 'S3cret-' + Math.random().toString(36).slice(2, 10);
  await run('htpasswd', ['-Bbc', path.join(dir, 'htpasswd'), username, password]);
  const token = opts.tokenAuth ? await startTokenServer(dir, username, password, 'lifeboat-test', 'lifeboat-test-issuer', { cert, key }) : null;
  const authConfig = token
    ? `auth:
  token:
    realm: ${token.realm}
    service: lifeboat-test
    issuer: lifeboat-test-issuer
    rootcertbundle: ${token.certFile}
`
    : `auth:
  htpasswd:
    realm: lifeboat-test
    path: ${path.join(dir, 'htpasswd')}
`;
  const port = await freePort();
  const config = `version: 0.1
log:
  level: ${opts.log ? 'info' : 'error'}
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${path.join(dir, 'data')}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
  secret: lifeboat-test-secret
  tls:
    certificate: ${cert}
    key: ${key}
${authConfig}`;
  writeFileSync(path.join(dir, 'config.yml'), config);
  const caPem = readFileSync(ca, 'utf8');
  let child: ChildProcess | null = null;
  let logTail = '';

  const start = async () => {
    child = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => {
      logTail = (logTail + b.toString()).slice(-4000);
      if (opts.log) process.stderr.write(b);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`docker-registry exited (${code}) before it was ready:\n${logTail}`))),
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await Promise.race([
        new Promise<boolean>((resolve) => {
          const req = https.get({ host: '127.0.0.1', port, path: '/v2/', ca: caPem, timeout: 1000 }, (res) => {
            res.resume();
            resolve(res.statusCode === 401 || res.statusCode === 200);
          });
          req.on('error', () => resolve(false));
          req.on('timeout', () => req.destroy());
        }),
        exited,
      ]);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`docker-registry did not become ready on port ${port}:\n${logTail}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    exited.catch(() => {});
  };

  const stop = async () => {
    const c = child as ChildProcess | null;
    child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  };

  await start();
  return {
    host: `127.0.0.1:${port}`,
    port,
    username,
    password,
    caPem,
    certDir,
    dir,
    stop,
    start,
    pid: () => (child as ChildProcess | null)?.pid,
    tokenRequests: token?.requests,
    tokenRealmHost: token?.realmHost,
    destroy: async () => {
      await stop();
      await token?.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- synthetic images

/** Deterministic pseudo-random bytes (xorshift32): call next(n) for the next n bytes. */
export function prng(seed: number): (n: number) => Buffer {
  let x = seed >>> 0 || 0x9e3779b9;
  return (n: number) => {
    const words = new Uint32Array(Math.ceil(n / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      words[i] = x;
    }
    return Buffer.from(words.buffer, 0, n);
  };
}

/** `size` PRNG bytes as a stream, in 1 MiB chunks. */
export function prngStream(seed: number, size: number): Readable {
  const next = prng(seed);
  let left = size;
  return new Readable({
    highWaterMark: 1 << 20,
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, 1 << 20);
      left -= n;
      this.push(next(n));
    },
  });
}

export function prngBytes(seed: number, size: number): Buffer {
  return prng(seed)(size);
}

export interface BlobFile {
  file: string;
  digest: string;
  size: number;
}

/** Write `size` PRNG bytes to a file and hash them. */
export async function makeBlobFile(file: string, seed: number, size: number): Promise<BlobFile> {
  const h = createHash('sha256');
  await pipeline(
    prngStream(seed, size),
    async function* (src) {
      for await (const c of src) {
        h.update(c as Buffer);
        yield c;
      }
    },
    createWriteStream(file),
  );
  return { file, digest: `sha256:${h.digest('hex')}`, size };
}

export type Layer = Buffer | BlobFile;

function layerDesc(l: Layer): { digest: string; size: number } {
  if (Buffer.isBuffer(l)) return { digest: `sha256:${createHash('sha256').update(l).digest('hex')}`, size: l.length };
  return { digest: l.digest, size: l.size };
}

async function ensureBlob(client: RegistryClient, repo: string, l: Layer): Promise<{ digest: string; size: number }> {
  const d = layerDesc(l);
  if (await client.headBlob(repo, d.digest)) return d;
  if (Buffer.isBuffer(l)) await client.pushBlob(repo, d.digest, d.size, l);
  else await client.pushBlob(repo, d.digest, d.size, (a, b) => (b <= a ? Readable.from([]) : createReadStream(l.file, { start: a, end: b - 1 })));
  return d;
}

export interface PushedManifest {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Buffer;
}

/**
 * Push a single-platform image (config + layers) and its manifest. `docker` uses the Docker
 * schema-2 media types; the manifest is pretty-printed with 3-space indents (as docker does) so
 * byte-exact handling is tested. `tag` null pushes by digest only (for index children).
 */
export async function pushImage(
  client: RegistryClient,
  repo: string,
  tag: string | null,
  layers: Layer[],
  opts: { docker?: boolean; arch?: string; label?: string } = {},
): Promise<PushedManifest> {
  const arch = opts.arch ?? 'amd64';
  const descs = [];
  for (const l of layers) descs.push(await ensureBlob(client, repo, l));
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      config: { Labels: { 'io.lifeboat.test': opts.label ?? `${repo}:${tag}` } },
      rootfs: { type: 'layers', diff_ids: descs.map((d) => d.digest) },
    }),
  );
  const cfg = await ensureBlob(client, repo, config);
  const docker = Boolean(opts.docker);
  const mediaType = docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig, digest: cfg.digest, size: cfg.size },
    layers: descs.map((d) => ({ mediaType: docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip, digest: d.digest, size: d.size })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const digest = await client.putManifest(repo, tag ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes, mediaType);
  return { digest, size: bytes.length, mediaType, bytes };
}

/** Push an OCI image index (or Docker manifest list) over already-pushed per-platform manifests. */
export async function pushIndex(
  client: RegistryClient,
  repo: string,
  tag: string,
  children: Array<PushedManifest & { arch: string }>,
  opts: { docker?: boolean } = {},
): Promise<PushedManifest> {
  const mediaType = opts.docker ? MediaTypes.dockerManifestList : MediaTypes.ociIndex;
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: { architecture: c.arch, os: 'linux' } })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const digest = await client.putManifest(repo, tag, bytes, mediaType);
  return { digest, size: bytes.length, mediaType, bytes };
}
