/**
 * An OCI Distribution v2 client on Node's own http/https: one keep-alive agent with a bounded
 * number of sockets, Basic and Bearer-token auth, paginated listing, digest-verified manifests
 * and blobs, monolithic and chunked uploads with cross-repository mounts. Every failure becomes
 * a LifeboatError the operator can act on (unreachable, auth, not found, digest mismatch).
 *
 * Shared by the registry export/re-seed (archive.ts, reseed.ts) and the setup wizard's image push.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifeboatError } from '../api/errors.js';
import { tokenRealmRefusal } from './realm.js';
import { MANIFEST_ACCEPT, detectManifestMediaType, digestHex, isDigest, normaliseMediaType, sha256Digest } from './mediaTypes.js';
import { EXISTING_FILE_FLAGS, replaceFile } from './safeFs.js';

export interface RegistryClientOptions {
  /** "host:port", "host" or a URL ("https://host:port", "http://host:port"). https unless said otherwise. */
  registry: string;
  username?: string;
  password?: string;
  /** PEM of the CA that signed the registry's certificate (the system roots are used when absent). */
  caPem?: string | Buffer;
  /** Accept any certificate. Only for a registry the operator has said to trust blindly. */
  skipTlsVerify?: boolean;
  /**
   * Token services (host:port) on another host than the registry's that the operator allowed to
   * receive the credentials in the Bearer flow. The registry's own host needs no entry; a realm
   * must be https unless the registry itself is plain http (an http:// address: the operator's choice).
   */
  tokenRealmHosts?: string[];
  /** Parallel sockets to the registry (default 8). Requests beyond this queue in the agent. */
  maxSockets?: number;
  /** Idle socket timeout in ms (default 60 s): no byte in that long fails the request. */
  timeoutMs?: number;
  /** Retries for idempotent requests after a reset connection or a 5xx/429 (default 3). */
  retries?: number;
  userAgent?: string;
}

/** Counters for tests, benchmarks and the activity log. */
export interface RegistryStats {
  requests: number;
  manifestGets: number;
  blobGets: number;
  blobBytesIn: number;
  blobUploads: number;
  blobMounts: number;
  blobBytesOut: number;
}

export interface ManifestResult {
  bytes: Buffer;
  mediaType: string;
  digest: string;
  size: number;
}

export interface BlobInfo {
  size: number | null;
}

export type BlobSource = Buffer | ((start: number, end: number) => Readable);

export interface PushBlobOptions {
  /** A repository of the same registry that already holds the blob: mount instead of upload. */
  mountFrom?: string;
  /** Blobs larger than this go up in PATCH chunks of this size (default 256 MiB; one PUT is faster, chunks let a failed part be re-sent alone). */
  chunkSize?: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

export interface DownloadBlobOptions {
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  /** Keep `<dest>.partial` on failure/abort and continue it with a Range request next time (default true). */
  resumePartial?: boolean;
}

interface RequestSpec {
  method: string;
  /** A path on the registry ("/v2/…") or an absolute URL (upload locations, redirects). */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | (() => Readable);
  /** Token scopes this request needs (Bearer auth). */
  scopes?: string[];
  signal?: AbortSignal;
  /** Statuses handed back to the caller; anything else becomes an error. */
  ok: number[];
  /** What a 404 means here, for the error message. */
  what?: string;
  /** Safe to send again after a reset or a 5xx. */
  idempotent?: boolean;
  followRedirects?: boolean;
}

interface Challenge {
  scheme: 'basic' | 'bearer' | 'other';
  params: Record<string, string>;
}

const TLS_UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** Parse `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (quoted or bare values). */
export function parseChallenge(header: string | undefined): Challenge | null {
  if (!header) return null;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!))) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme: scheme === 'basic' ? 'basic' : scheme === 'bearer' ? 'bearer' : 'other', params };
}

/** The `rel="next"` target of a Link header, if any. */
export function parseNextLink(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header.join(',') : header;
  if (!h) return null;
  for (const part of h.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part);
    if (m && /rel\s*=\s*"?next"?/i.test(m[2]!)) return m[1]!;
  }
  return null;
}

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

function normaliseBase(registry: string): URL {
  const withScheme = /^[a-z]+:\/\//i.test(registry) ? registry : `https://${registry}`;
  const u = new URL(withScheme);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new LifeboatError('BAD_INPUT', `"${registry}" is not an http(s) registry address.`, 'Use host:port or https://host:port.');
  }
  return new URL(`${u.protocol}//${u.host}`);
}

function cancelled(): LifeboatError {
  return new LifeboatError('CANCELLED', 'The registry operation was cancelled.', 'Start it again to continue where it stopped.');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readAll(res: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.destroy();
      throw new LifeboatError('REGISTRY_FAILED', `The registry sent more than ${limit} bytes where a small document was expected.`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function drain(res: IncomingMessage): void {
  res.resume();
}

/** The registry's own error text ({"errors":[{code,message,detail}]}) if it sent one. */
function registryErrorText(body: Buffer): string {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    if (Array.isArray(doc.errors) && doc.errors.length) {
      return doc.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
  } catch {
    /* not JSON */
  }
  return body.toString('utf8').slice(0, 300).trim();
}

/** A Transform that hashes what passes through and fails at the end if the digest or size differ. */
export class DigestVerifier extends Transform {
  private hash = createHash('sha256');
  private n = 0;
  constructor(
    private readonly expected: string,
    private readonly expectedSize: number | null,
    seed?: { hash: ReturnType<typeof createHash>; bytes: number },
  ) {
    super();
    if (seed) {
      this.hash = seed.hash;
      this.n = seed.bytes;
    }
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.n += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    if (got !== this.expected || (this.expectedSize !== null && this.n !== this.expectedSize)) {
      cb(
        new LifeboatError(
          'DIGEST_MISMATCH',
          `Blob ${this.expected} did not match its digest: received ${this.n} bytes hashing to ${got}.`,
          'The data was corrupted on the way or in storage. Retry; if it persists, the registry holds a damaged blob.',
          { expected: this.expected, actual: got, bytes: this.n },
        ),
      );
      return;
    }
    cb();
  }
}

export class RegistryClient {
  readonly base: URL;
  readonly host: string;
  readonly stats: RegistryStats = {
    requests: 0,
    manifestGets: 0,
    blobGets: 0,
    blobBytesIn: 0,
    blobUploads: 0,
    blobMounts: 0,
    blobBytesOut: 0,
  };
  private readonly agent: http.Agent;
  private readonly foreignAgent: http.Agent;
  /** An allowed token service on another host: the system roots plus the registry's CA, always verified. */
  private readonly realmAgent: http.Agent;
  private readonly opts: RegistryClientOptions;
  private authMode: 'none' | 'basic' | 'bearer' = 'none';
  private bearer: { realm: string; service?: string } | null = null;
  private readonly tokens = new Map<string, { token: string; expires: number }>();

  constructor(opts: RegistryClientOptions) {
    this.opts = opts;
    this.base = normaliseBase(opts.registry);
    this.host = this.base.host;
    const common = { keepAlive: true, maxSockets: opts.maxSockets ?? 8, maxFreeSockets: opts.maxSockets ?? 8, scheduling: 'lifo' as const };
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ ...common, ca: opts.caPem, rejectUnauthorized: !opts.skipTlsVerify })
        : new http.Agent(common);
    // Redirect targets (object storage behind the registry) are other hosts: system roots, no auth.
    this.foreignAgent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 8 });
    this.realmAgent = new https.Agent({ keepAlive: true, maxSockets: 2, ca: opts.caPem ? [...tls.rootCertificates, String(opts.caPem)] : undefined });
    // Credentials known up front: send Basic pre-emptively only once the registry asks (below).
  }

  /** Close idle sockets. The client stays usable (new sockets are opened on demand). */
  close(): void {
    this.agent.destroy();
    this.foreignAgent.destroy();
    this.realmAgent.destroy();
  }

  // ---------------------------------------------------------------- low level

  private url(path: string): URL {
    return /^https?:\/\//i.test(path) ? new URL(path) : new URL(path, this.base);
  }

  private unreachable(err: NodeJS.ErrnoException, url: URL): LifeboatError {
    const code = err.code ?? '';
    const host = url.host;
    const details = { host, cause: code || err.message };
    if (code === 'ECONNREFUSED') {
      return new LifeboatError(
        'REGISTRY_UNREACHABLE',
        `Cannot reach the registry at ${host}: connection refused.`,
        'Check that the registry is running and that the address and port are right (kURL: service "registry" in namespace "kurl"; Embedded Cluster: namespace "registry").',
        details,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new LifeboatError(
        'REGISTRY_UNREACHABLE',
        `Cannot reach the registry at ${host}: the name "${url.hostname}" does not resolve (${code}).`,
        'Check the registry address, or use its IP address if this machine has no DNS for the cluster.',
        details,
      );
    }
    if (TLS_UNKNOWN_CA.has(code)) {
      return new LifeboatError(
        'REGISTRY_UNREACHABLE',
        `Cannot reach the registry at ${host}: its TLS certificate is signed by an unknown authority (${code}).`,
        'Give Lifeboat the CA certificate that signed the registry certificate (the cluster CA for kURL and Embedded Cluster registries).',
        details,
      );
    }
    if (code === 'CERT_HAS_EXPIRED') {
      return new LifeboatError('REGISTRY_UNREACHABLE', `Cannot reach the registry at ${host}: its TLS certificate has expired.`, 'Renew the registry certificate.', details);
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return new LifeboatError(
        'REGISTRY_UNREACHABLE',
        `Cannot reach the registry at ${host}: its TLS certificate is not valid for "${url.hostname}".`,
        'Use the address the certificate was issued for (its subject alternative names).',
        details,
      );
    }
    if (code === 'EPROTO' || /wrong version number|ssl3_get_record|packet length too long/i.test(err.message)) {
      return new LifeboatError(
        'REGISTRY_UNREACHABLE',
        `Cannot reach the registry at ${host}: the TLS handshake failed (${err.message}).`,
        'The registry may serve plain HTTP: try http://' + host + '.',
        details,
      );
    }
    if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
      return new LifeboatError('REGISTRY_UNREACHABLE', `The registry at ${host} stopped answering (timed out).`, 'Check the network path to the registry and retry.', details);
    }
    return new LifeboatError(
      'REGISTRY_UNREACHABLE',
      `Lost the connection to the registry at ${host}: ${err.message}${code ? ` (${code})` : ''}.`,
      'Check that the registry is running and reachable, then retry; an export or re-seed resumes where it stopped.',
      details,
    );
  }

  /** One HTTP exchange; resolves with the response (headers received, body unread). */
  private send(
    url: URL,
    method: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | (() => Readable) | undefined,
    signal: AbortSignal | undefined,
    agentOverride?: http.Agent,
  ): Promise<IncomingMessage> {
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const sameOrigin = url.origin === this.base.origin;
      const mod = url.protocol === 'https:' ? https : http;
      const agent = agentOverride && url.protocol === 'https:' ? agentOverride : sameOrigin ? this.agent : url.protocol === 'https:' ? this.foreignAgent : undefined;
      const h: OutgoingHttpHeaders = { 'user-agent': this.opts.userAgent ?? 'lifeboat-registry/1', ...headers };
      if (Buffer.isBuffer(body)) h['content-length'] = body.length;
      const req = mod.request(url, { method, headers: h, agent });
      let settled = false;
      let src: Readable | undefined;
      const onAbort = () => {
        req.destroy(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      req.setTimeout(this.opts.timeoutMs ?? 60_000, () => {
        const e = new Error('socket timed out') as NodeJS.ErrnoException;
        e.code = 'ETIMEDOUT';
        req.destroy(e);
      });
      req.on('response', (res) => {
        settled = true;
        // An early answer (401, 4xx) to an upload: stop reading the source.
        if (src && !src.readableEnded) {
          src.unpipe(req);
          src.destroy();
        }
        res.on('close', cleanup);
        // An abort after the headers reaches whoever reads the body.
        resolve(res);
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        cleanup();
        src?.destroy();
        if (settled) return;
        settled = true;
        if (err instanceof LifeboatError) reject(err);
        else if (signal?.aborted) reject(cancelled());
        else reject(Object.assign(err, { url }));
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        src = body();
        src.on('error', (e) => req.destroy(e));
        src.pipe(req);
      }
    });
  }

  private authorization(scopes: string[]): string | undefined {
    if (this.authMode === 'basic') return this.basicHeader();
    if (this.authMode === 'bearer') {
      const t = this.tokens.get(scopes.slice().sort().join(' '));
      if (t && t.expires > Date.now()) return `Bearer ${t.token}`;
    }
    return undefined;
  }

  private basicHeader(): string | undefined {
    if (this.opts.username === undefined) return undefined;
    return `Basic ${Buffer.from(`${this.opts.username}:${this.opts.password ?? ''}`).toString('base64')}`;
  }

  private authFailed(why: string, status: number): LifeboatError {
    return new LifeboatError(
      'REGISTRY_AUTH_FAILED',
      `The registry at ${this.host} refused the credentials${this.opts.username ? ` for user "${this.opts.username}"` : ' (none were given)'}: ${why}.`,
      status === 403
        ? 'The user is known but not allowed to do this; use an account with pull (export) or push (re-seed) rights.'
        : 'Check the registry user name and password (kURL: Secret "registry-creds"; Embedded Cluster: Secret "registry-creds" in namespace "kotsadm").',
      { host: this.host, status },
    );
  }

  /** Get a Bearer token from the realm for these scopes. */
  private async fetchToken(scopes: string[], challengeScope: string | undefined, signal?: AbortSignal): Promise<void> {
    if (!this.bearer) throw new LifeboatError('REGISTRY_FAILED', 'The registry asked for a token without saying where to get one.');
    const all = [...new Set([...scopes, ...(challengeScope ? challengeScope.split(' ') : [])])];
    const u = new URL(this.bearer.realm, this.base);
    const basic = this.basicHeader();
    // The credentials go to the token service only where they belong (realm.ts); nothing is sent otherwise.
    const refusal = tokenRealmRefusal(this.base, u, { withCredentials: !!basic, allowedHosts: this.opts.tokenRealmHosts });
    if (refusal) {
      throw new LifeboatError('REGISTRY_AUTH_FAILED', `The registry at ${this.host} sent its login to the token service ${u.protocol}//${u.host}, and Lifeboat did not send it the credentials: ${refusal.reason}.`, refusal.fix, {
        host: this.host,
        realm: `${u.protocol}//${u.host}`,
      });
    }
    if (this.bearer.service) u.searchParams.set('service', this.bearer.service);
    for (const s of all) u.searchParams.append('scope', s);
    if (this.opts.username !== undefined) u.searchParams.set('account', this.opts.username);
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (basic) headers.authorization = basic;
    let res: IncomingMessage;
    try {
      res = await this.send(u, 'GET', headers, undefined, signal, u.origin === this.base.origin ? undefined : this.realmAgent);
    } catch (e) {
      if (e instanceof LifeboatError) throw e;
      throw this.unreachable(e as NodeJS.ErrnoException, u);
    }
    const body = await readAll(res, 1 << 20);
    if (res.statusCode === 401 || res.statusCode === 403) throw this.authFailed(`the token service said ${res.statusCode} ${registryErrorText(body)}`.trim(), res.statusCode);
    if (res.statusCode !== 200) {
      throw new LifeboatError('REGISTRY_FAILED', `The registry token service at ${u.host} answered ${res.statusCode}: ${registryErrorText(body)}`, undefined, { status: res.statusCode });
    }
    let doc: { token?: string; access_token?: string; expires_in?: number };
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      throw new LifeboatError('REGISTRY_FAILED', `The registry token service at ${u.host} sent something other than JSON.`);
    }
    const token = doc.token ?? doc.access_token;
    if (!token) throw new LifeboatError('REGISTRY_FAILED', `The registry token service at ${u.host} sent no token.`);
    const ttl = Math.max(30, (doc.expires_in ?? 60) - 10) * 1000;
    const entry = { token, expires: Date.now() + ttl };
    this.tokens.set(scopes.slice().sort().join(' '), entry);
  }

  /**
   * Send a request with auth, retries and error mapping. Returns the response for an `ok` status
   * with its body unread; every other status becomes a LifeboatError (body consumed).
   */
  private async request(spec: RequestSpec): Promise<IncomingMessage> {
    let url = this.url(spec.path);
    const scopes = spec.scopes ?? [];
    const retries = this.opts.retries ?? 3;
    let authTries = 0;
    let transientTries = 0;
    let redirects = 0;
    for (;;) {
      if (spec.signal?.aborted) throw cancelled();
      const headers: OutgoingHttpHeaders = { ...spec.headers };
      const sameOrigin = url.origin === this.base.origin;
      if (sameOrigin) {
        const auth = this.authorization(scopes);
        if (auth) headers.authorization = auth;
      }
      let res: IncomingMessage;
      try {
        res = await this.send(url, spec.method, headers, spec.body, spec.signal);
      } catch (e) {
        if (e instanceof LifeboatError) throw e;
        const err = e as NodeJS.ErrnoException;
        const canRetry = spec.idempotent !== false && (spec.body === undefined || typeof spec.body === 'function' || Buffer.isBuffer(spec.body));
        if (canRetry && TRANSIENT.has(err.code ?? '') && transientTries < retries) {
          transientTries++;
          await sleep(150 * 2 ** transientTries, spec.signal);
          continue;
        }
        throw this.unreachable(err, url);
      }
      const status = res.statusCode ?? 0;
      if (spec.ok.includes(status)) return res;

      if (status === 401 && sameOrigin) {
        const body = await readAll(res, 1 << 16).catch(() => Buffer.alloc(0));
        const ch = parseChallenge(res.headers['www-authenticate'] as string | undefined);
        if (authTries >= 1 || !ch) throw this.authFailed(registryErrorText(body) || 'unauthorized', 401);
        authTries++;
        if (ch.scheme === 'basic') {
          if (this.opts.username === undefined) throw this.authFailed('the registry requires a user name and password', 401);
          this.authMode = 'basic';
          continue;
        }
        if (ch.scheme === 'bearer' && ch.params.realm) {
          this.authMode = 'bearer';
          this.bearer = { realm: ch.params.realm, service: ch.params.service };
          await this.fetchToken(scopes, ch.params.scope, spec.signal);
          continue;
        }
        throw this.authFailed(`unsupported authentication scheme in "${String(res.headers['www-authenticate'])}"`, 401);
      }
      if (status === 403) {
        const body = await readAll(res, 1 << 16).catch(() => Buffer.alloc(0));
        throw this.authFailed(`${spec.method} ${url.pathname} is denied (${registryErrorText(body) || 'forbidden'})`, 403);
      }
      if (spec.followRedirects && [301, 302, 303, 307, 308].includes(status) && res.headers.location && redirects < 5) {
        drain(res);
        redirects++;
        url = new URL(res.headers.location, url);
        continue;
      }
      if ((status >= 500 || status === 429) && spec.idempotent !== false && transientTries < retries) {
        drain(res);
        transientTries++;
        await sleep(200 * 2 ** transientTries, spec.signal);
        continue;
      }
      const body = await readAll(res, 1 << 16).catch(() => Buffer.alloc(0));
      const text = registryErrorText(body);
      if (status === 404) {
        throw new LifeboatError(
          'REGISTRY_NOT_FOUND',
          `${spec.what ?? url.pathname} was not found in the registry at ${this.host}${text ? ` (${text})` : ''}.`,
          'It may have been deleted while Lifeboat was working; list the registry again and retry.',
          { host: this.host, path: url.pathname, status },
        );
      }
      throw new LifeboatError(
        'REGISTRY_FAILED',
        `The registry at ${this.host} answered ${status} to ${spec.method} ${url.pathname}${text ? `: ${text}` : ''}.`,
        status >= 500 ? 'The registry had an internal error; check its logs and storage (disk full?).' : undefined,
        { host: this.host, path: url.pathname, status },
      );
    }
  }

  // ---------------------------------------------------------------- API

  /** GET /v2/: checks reachability, TLS and credentials in one call. */
  async ping(signal?: AbortSignal): Promise<void> {
    const res = await this.request({ method: 'GET', path: '/v2/', ok: [200], signal, idempotent: true, scopes: [] });
    drain(res);
  }

  private async paginate<T>(first: string, key: 'repositories' | 'tags', scopes: string[], what: string, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    let next: string | null = first;
    const seen = new Set<string>();
    while (next && !seen.has(next)) {
      seen.add(next);
      const res = await this.request({ method: 'GET', path: next, ok: [200], scopes, signal, idempotent: true, what, headers: { accept: 'application/json' } });
      const body = await readAll(res, 64 << 20);
      const doc = JSON.parse(body.toString('utf8')) as Record<string, T[] | null>;
      out.push(...(doc[key] ?? []));
      const link = parseNextLink(res.headers.link);
      next = link ? (link.startsWith('/') || /^https?:/i.test(link) ? link : `/${link}`) : null;
    }
    return out;
  }

  /** Every repository (GET /v2/_catalog, following Link pagination). */
  catalog(opts: { pageSize?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    return this.paginate<string>(`/v2/_catalog?n=${opts.pageSize ?? 100}`, 'repositories', ['registry:catalog:*'], 'The repository catalog', opts.signal);
  }

  /** Every tag of a repository (paginated). A repository with no tags gives []. */
  tags(repo: string, opts: { pageSize?: number; signal?: AbortSignal } = {}): Promise<string[]> {
    return this.paginate<string>(`/v2/${repo}/tags/list?n=${opts.pageSize ?? 1000}`, 'tags', [pullScope(repo)], `Repository "${repo}"`, opts.signal);
  }

  /**
   * A manifest by tag or digest, byte-exact, with its media type and digest. The digest is
   * computed from the bytes received and checked against the digest asked for and the
   * registry's Docker-Content-Digest header.
   */
  async getManifest(repo: string, ref: string, signal?: AbortSignal): Promise<ManifestResult> {
    this.stats.manifestGets++;
    const res = await this.request({
      method: 'GET',
      path: `/v2/${repo}/manifests/${ref}`,
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      ok: [200],
      scopes: [pullScope(repo)],
      signal,
      idempotent: true,
      what: `Manifest ${repo}${isDigest(ref) ? '@' : ':'}${ref}`,
    });
    const bytes = await readAll(res, 8 << 20);
    const digest = sha256Digest(bytes);
    const claimed = String(res.headers['docker-content-digest'] ?? '');
    const expected = isDigest(ref) ? ref : claimed.startsWith('sha256:') ? claimed : null;
    if (expected && expected !== digest) {
      throw new LifeboatError(
        'DIGEST_MISMATCH',
        `Manifest ${repo}${isDigest(ref) ? '@' : ':'}${ref} hashes to ${digest}, not ${expected}.`,
        'The registry returned different bytes than it advertised; its storage may be damaged.',
        { repo, ref, expected, actual: digest },
      );
    }
    const mediaType = detectManifestMediaType(bytes, normaliseMediaType(res.headers['content-type']));
    return { bytes, mediaType, digest, size: bytes.length };
  }

  /** HEAD a manifest: its digest and media type, or null when absent. */
  async headManifest(repo: string, ref: string, signal?: AbortSignal): Promise<{ digest: string; mediaType: string; size: number } | null> {
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${ref}`,
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      ok: [200, 404],
      scopes: [pullScope(repo)],
      signal,
      idempotent: true,
    });
    drain(res);
    if (res.statusCode === 404) return null;
    return {
      digest: String(res.headers['docker-content-digest'] ?? ''),
      mediaType: normaliseMediaType(res.headers['content-type']),
      size: Number(res.headers['content-length'] ?? -1),
    };
  }

  /** HEAD a blob: its size when present, null when absent. */
  async headBlob(repo: string, digest: string, signal?: AbortSignal): Promise<BlobInfo | null> {
    const res = await this.request({
      method: 'HEAD',
      path: `/v2/${repo}/blobs/${digest}`,
      ok: [200, 307, 302, 404],
      scopes: [pullScope(repo)],
      signal,
      idempotent: true,
    });
    drain(res);
    if (res.statusCode === 404) return null;
    const len = res.headers['content-length'];
    return { size: res.statusCode === 200 && len !== undefined ? Number(len) : null };
  }

  private async openBlob(repo: string, digest: string, opts: { signal?: AbortSignal; from?: number } = {}): Promise<IncomingMessage> {
    this.stats.blobGets++;
    const headers: OutgoingHttpHeaders = {};
    if (opts.from) headers.range = `bytes=${opts.from}-`;
    const res = await this.request({
      method: 'GET',
      path: `/v2/${repo}/blobs/${digest}`,
      headers,
      ok: opts.from ? [200, 206] : [200],
      scopes: [pullScope(repo)],
      signal: opts.signal,
      idempotent: true,
      followRedirects: true,
      what: `Blob ${digest} of ${repo}`,
    });
    res.on('data', (c: Buffer) => (this.stats.blobBytesIn += c.length));
    return res;
  }

  /**
   * A blob as a stream. The sha256 of the bytes is computed as they flow; a mismatch (or a short
   * body) makes the stream fail with DIGEST_MISMATCH at the end, so a consumer writing to disk
   * must not keep the result unless the stream finished cleanly (downloadBlob does that).
   */
  async getBlob(repo: string, digest: string, opts: { size?: number; signal?: AbortSignal } = {}): Promise<Readable> {
    digestHex(digest);
    const res = await this.openBlob(repo, digest, opts);
    const v = new DigestVerifier(digest, opts.size ?? null);
    res.on('error', (e) => v.destroy(e));
    return res.pipe(v);
  }

  /**
   * Download a blob to `dest`: bytes go to `<dest>.partial`, are hashed on the way, and the file
   * is renamed to `dest` only when the digest matches; a mismatch deletes the partial file. With
   * resumePartial, an existing partial file is hashed and continued with a Range request.
   * Returns the number of bytes fetched over the network.
   */
  async downloadBlob(repo: string, digest: string, size: number | null, dest: string, opts: DownloadBlobOptions = {}): Promise<number> {
    digestHex(digest);
    const partial = `${dest}.partial`;
    const resume = opts.resumePartial !== false;
    let have = 0;
    const hash = createHash('sha256');
    if (resume) {
      // lstat: only a regular file is continued; a symlink (or anything else) there is removed, not followed.
      const st = await fsp.lstat(partial).catch(() => null);
      if (st && st.isFile() && st.size > 0 && (size === null || st.size < size)) {
        await pipeline(createReadStream(partial, { highWaterMark: 1 << 20 }), async function* (src) {
          for await (const c of src) hash.update(c as Buffer);
        });
        have = st.size;
      } else if (st) {
        await fsp.rm(partial, { force: true });
      }
    } else {
      await fsp.rm(partial, { force: true });
    }
    // Open the response only once the loop below can read it at once (the stats listener makes it flow).
    const res = await this.openBlob(repo, digest, { signal: opts.signal, from: have });
    res.pause();
    let fetched = 0;
    let h = hash;
    let n = 0;
    let flags = 'w';
    if (have > 0 && res.statusCode === 206) {
      n = have;
      flags = 'a';
    } else {
      h = createHash('sha256');
    }
    // No chain of streams: TLS hands over ~16 KiB at a time, and per-chunk stream machinery (two
    // Transforms and a WriteStream) cost more CPU than hashing. Chunks are gathered into ~1 MiB
    // batches, each hashed in one call and sent to disk with positioned writes while reading goes on (a few in flight at
    // most, else the response pauses).
    const onAbort = () => res.destroy(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let fh: Awaited<ReturnType<typeof fsp.open>> | undefined;
    try {
      fh = flags === 'a' ? await fsp.open(partial, EXISTING_FILE_FLAGS) : await replaceFile(partial);
      const file = fh;
      let pos = n;
      await new Promise<void>((resolve, reject) => {
        let batch: Buffer[] = [];
        let batchBytes = 0;
        let inFlight = 0;
        let ended = false;
        let failed = false;
        const fail = (e: unknown) => {
          if (failed) return;
          failed = true;
          res.destroy();
          reject(e);
        };
        const flush = () => {
          if (!batch.length) return;
          // One contiguous buffer per write: cheaper than a writev of ~64 TLS-sized pieces.
          const data = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
          h.update(data); // one native call per MiB, not per TLS record
          const at = pos;
          pos += batchBytes;
          batch = [];
          batchBytes = 0;
          inFlight++;
          if (inFlight >= 4) res.pause();
          file.write(data, 0, data.length, at).then(() => {
            inFlight--;
            if (failed) return;
            if (ended) {
              if (inFlight === 0) resolve();
            } else if (inFlight < 4 && res.isPaused()) res.resume();
          }, fail);
        };
        res.on('data', (chunk: Buffer) => {
          n += chunk.length;
          fetched += chunk.length;
          opts.onBytes?.(chunk.length);
          batch.push(chunk);
          batchBytes += chunk.length;
          if (batchBytes >= 1 << 20) flush();
        });
        res.once('end', () => {
          ended = true;
          flush();
          if (inFlight === 0 && !failed) resolve();
        });
        res.once('error', fail);
        res.once('close', () => {
          if (!ended && !res.readableEnded) fail(Object.assign(new Error('the connection closed before the whole blob arrived'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
        });
        res.resume();
      });
      await fh.close();
      fh = undefined;
      const got = `sha256:${h.digest('hex')}`;
      if (got !== digest || (size !== null && n !== size)) {
        throw new LifeboatError(
          'DIGEST_MISMATCH',
          `Blob ${digest} did not match its digest: received ${n} bytes hashing to ${got}.`,
          'The data was corrupted on the way or in storage. Retry; if it persists, the registry holds a damaged blob.',
          { expected: digest, actual: got, bytes: n },
        );
      }
    } catch (e) {
      await fh?.close().catch(() => {});
      const err = e as Error & { code?: string };
      if (err instanceof LifeboatError && err.code === 'DIGEST_MISMATCH') {
        await fsp.rm(partial, { force: true });
        throw err;
      }
      if (!resume) await fsp.rm(partial, { force: true });
      if (opts.signal?.aborted || err.name === 'AbortError') throw cancelled();
      if (err instanceof LifeboatError) throw err;
      throw this.unreachable(err, this.base);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    await fsp.rename(partial, dest);
    return fetched;
  }

  private uploadUrl(location: string | undefined, what: string): URL {
    if (!location) throw new LifeboatError('REGISTRY_FAILED', `The registry at ${this.host} gave no upload location for ${what}.`);
    return new URL(location, this.base);
  }

  /**
   * Push a blob. With mountFrom, asks the registry to link it from another repository first
   * (no bytes sent); falls back to an upload if the registry declines. Blobs up to chunkSize go
   * up in one PUT; bigger ones in PATCH chunks (each retried from the registry's Range on failure).
   */
  async pushBlob(repo: string, digest: string, size: number, source: BlobSource, opts: PushBlobOptions = {}): Promise<'mounted' | 'uploaded'> {
    digestHex(digest);
    const scopes = [pushScope(repo), ...(opts.mountFrom ? [pullScope(opts.mountFrom)] : [])];
    const startPath = opts.mountFrom
      ? `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(opts.mountFrom)}`
      : `/v2/${repo}/blobs/uploads/`;
    const start = await this.request({ method: 'POST', path: startPath, ok: [201, 202], scopes, signal: opts.signal, idempotent: false, headers: { 'content-length': 0 } });
    drain(start);
    if (start.statusCode === 201) {
      this.stats.blobMounts++;
      return 'mounted';
    }
    let loc = this.uploadUrl(start.headers.location, digest);
    const slice = (a: number, b: number): Buffer | (() => Readable) =>
      Buffer.isBuffer(source) ? source.subarray(a, b) : () => source(a, b);
    const counted = (a: number, b: number): Buffer | (() => Readable) => {
      const s = slice(a, b);
      if (Buffer.isBuffer(s)) return s;
      return () => {
        const r = s();
        r.on('data', (c: Buffer) => {
          this.stats.blobBytesOut += c.length;
          opts.onBytes?.(c.length);
        });
        return r;
      };
    };
    const chunk = opts.chunkSize ?? 256 << 20;
    this.stats.blobUploads++;
    if (size <= chunk) {
      const u = new URL(loc);
      u.searchParams.set('digest', digest);
      const body = counted(0, size);
      const res = await this.request({
        method: 'PUT',
        path: u.href,
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': size },
        ok: [201],
        scopes,
        signal: opts.signal,
        idempotent: false,
        what: `Upload of ${digest} to ${repo}`,
      });
      drain(res);
      if (Buffer.isBuffer(body)) {
        this.stats.blobBytesOut += size;
        opts.onBytes?.(size);
      }
      return 'uploaded';
    }
    let offset = 0;
    let failures = 0;
    while (offset < size) {
      const end = Math.min(size, offset + chunk);
      try {
        const res = await this.request({
          method: 'PATCH',
          path: loc.href,
          body: counted(offset, end),
          headers: { 'content-type': 'application/octet-stream', 'content-length': end - offset, 'content-range': `${offset}-${end - 1}` },
          ok: [202],
          scopes,
          signal: opts.signal,
          idempotent: false,
          what: `Upload of ${digest} to ${repo}`,
        });
        drain(res);
        loc = this.uploadUrl(res.headers.location, digest);
        if (Buffer.isBuffer(source)) {
          this.stats.blobBytesOut += end - offset;
          opts.onBytes?.(end - offset);
        }
        offset = end;
      } catch (e) {
        if (!(e instanceof LifeboatError) || e.code !== 'REGISTRY_UNREACHABLE' || ++failures > 3) throw e;
        // Ask the upload session how much it has and continue from there.
        const st = await this.request({ method: 'GET', path: loc.href, ok: [204], scopes, signal: opts.signal, idempotent: true });
        drain(st);
        const m = /(\d+)-(\d+)/.exec(String(st.headers.range ?? ''));
        offset = m ? Number(m[2]) + 1 : 0;
        loc = this.uploadUrl(st.headers.location ?? loc.href, digest);
      }
    }
    const fin = new URL(loc);
    fin.searchParams.set('digest', digest);
    const res = await this.request({ method: 'PUT', path: fin.href, headers: { 'content-length': 0 }, ok: [201], scopes, signal: opts.signal, idempotent: false });
    drain(res);
    return 'uploaded';
  }

  /** Push manifest bytes under a tag or digest; returns the digest (checked against the registry's). */
  async putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    const digest = sha256Digest(bytes);
    if (isDigest(ref) && ref !== digest) {
      throw new LifeboatError('DIGEST_MISMATCH', `Manifest bytes hash to ${digest}, not ${ref}.`, 'The archive holds a corrupted manifest.', { expected: ref, actual: digest });
    }
    const res = await this.request({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${ref}`,
      body: bytes,
      headers: { 'content-type': mediaType },
      ok: [201],
      scopes: [pushScope(repo)],
      signal,
      idempotent: true,
      what: `Manifest ${repo}:${ref}`,
    });
    drain(res);
    const got = String(res.headers['docker-content-digest'] ?? digest);
    if (got.startsWith('sha256:') && got !== digest) {
      throw new LifeboatError('DIGEST_MISMATCH', `The registry stored manifest ${repo}:${ref} as ${got}, not ${digest}.`, 'The registry rewrote the manifest; it may not support this media type.', {
        expected: digest,
        actual: got,
      });
    }
    return digest;
  }

  /** Delete a manifest by digest (removes every tag pointing at it). Needs delete enabled on the registry. */
  async deleteManifest(repo: string, digest: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request({ method: 'DELETE', path: `/v2/${repo}/manifests/${digest}`, ok: [202, 200], scopes: [`repository:${repo}:delete`, pushScope(repo)], signal, idempotent: true });
    drain(res);
  }
}
