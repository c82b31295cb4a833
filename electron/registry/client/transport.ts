/**
 * The registry client's HTTP layer on Node's own http/https: one keep-alive agent with a bounded
 * number of sockets for the registry, others for redirect targets and token services; one request
 * with auth (auth.ts), retries of idempotent requests, redirects and the mapping of every status
 * that is not expected to a LifeboatError.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../api/errors.js';
import { RegistryAuth } from './auth.js';
import { TRANSIENT, cancelled, drain, readAll, registryErrorText, sleep, unreachableError } from './errors.js';

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

export type RequestBody = Buffer | (() => Readable);

export interface RequestSpec {
  method: string;
  /** A path on the registry ("/v2/…") or an absolute URL (upload locations, redirects). */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: RequestBody;
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

/** Where one request is in its retries, challenges and redirects. */
interface Attempt {
  url: URL;
  authTries: number;
  transientTries: number;
  redirects: number;
}

export function normaliseBase(registry: string): URL {
  const withScheme = /^[a-z]+:\/\//i.test(registry) ? registry : `https://${registry}`;
  const u = new URL(withScheme);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new LifeboatError('BAD_INPUT', `"${registry}" is not an http(s) registry address.`, 'Use host:port or https://host:port.');
  }
  return new URL(`${u.protocol}//${u.host}`);
}

export function emptyStats(): RegistryStats {
  return { requests: 0, manifestGets: 0, blobGets: 0, blobBytesIn: 0, blobUploads: 0, blobMounts: 0, blobBytesOut: 0 };
}

export class RegistryTransport {
  readonly base: URL;
  readonly host: string;
  readonly stats: RegistryStats = emptyStats();
  private readonly agent: http.Agent;
  private readonly foreignAgent: http.Agent;
  /** An allowed token service on another host: the system roots plus the registry's CA, always verified. */
  private readonly realmAgent: http.Agent;
  private readonly auth: RegistryAuth;

  constructor(private readonly opts: RegistryClientOptions) {
    this.base = normaliseBase(opts.registry);
    this.host = this.base.host;
    const common = { keepAlive: true, maxSockets: opts.maxSockets ?? 8, maxFreeSockets: opts.maxSockets ?? 8, scheduling: 'lifo' as const };
    this.agent =
      this.base.protocol === 'https:' ? new https.Agent({ ...common, ca: opts.caPem, rejectUnauthorized: !opts.skipTlsVerify }) : new http.Agent(common);
    // Redirect targets (object storage behind the registry) are other hosts: system roots, no auth.
    this.foreignAgent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 8 });
    this.realmAgent = new https.Agent({ keepAlive: true, maxSockets: 2, ca: opts.caPem ? [...tls.rootCertificates, String(opts.caPem)] : undefined });
    // Credentials known up front: Basic is sent only once the registry asks (auth.ts).
    this.auth = new RegistryAuth({
      base: this.base,
      username: opts.username,
      password: opts.password,
      tokenRealmHosts: opts.tokenRealmHosts,
      get: (u, headers, signal) => this.send(u, 'GET', headers, undefined, signal, u.origin === this.base.origin ? undefined : this.realmAgent),
    });
  }

  /** Close idle sockets. The client stays usable (new sockets are opened on demand). */
  close(): void {
    this.agent.destroy();
    this.foreignAgent.destroy();
    this.realmAgent.destroy();
  }

  /** A failed connection as REGISTRY_UNREACHABLE (the registry's own address unless said otherwise). */
  unreachable(err: NodeJS.ErrnoException, url: URL = this.base): LifeboatError {
    return unreachableError(err, url);
  }

  /** An upload session's location, resolved against the registry. */
  uploadUrl(location: string | undefined, what: string): URL {
    if (!location) throw new LifeboatError('REGISTRY_FAILED', `The registry at ${this.host} gave no upload location for ${what}.`);
    return new URL(location, this.base);
  }

  private url(path: string): URL {
    return /^https?:\/\//i.test(path) ? new URL(path) : new URL(path, this.base);
  }

  private agentFor(url: URL, agentOverride?: http.Agent): http.Agent | undefined {
    if (agentOverride && url.protocol === 'https:') return agentOverride;
    if (url.origin === this.base.origin) return this.agent;
    return url.protocol === 'https:' ? this.foreignAgent : undefined;
  }

  /** One HTTP exchange; resolves with the response (headers received, body unread). */
  send(
    url: URL,
    method: string,
    headers: OutgoingHttpHeaders,
    body: RequestBody | undefined,
    signal: AbortSignal | undefined,
    agentOverride?: http.Agent,
  ): Promise<IncomingMessage> {
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const mod = url.protocol === 'https:' ? https : http;
      const h: OutgoingHttpHeaders = { 'user-agent': this.opts.userAgent ?? 'lifeboat-registry/1', ...headers };
      if (Buffer.isBuffer(body)) h['content-length'] = body.length;
      const req = mod.request(url, { method, headers: h, agent: this.agentFor(url, agentOverride) });
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

  /**
   * Send a request with auth, retries and error mapping. Returns the response for an `ok` status
   * with its body unread; every other status becomes a LifeboatError (body consumed).
   */
  async request(spec: RequestSpec): Promise<IncomingMessage> {
    const at: Attempt = { url: this.url(spec.path), authTries: 0, transientTries: 0, redirects: 0 };
    for (;;) {
      if (spec.signal?.aborted) throw cancelled();
      const res = await this.sendOnce(spec, at);
      if (!res) continue;
      if (spec.ok.includes(res.statusCode ?? 0)) return res;
      if (await this.again(spec, at, res)) continue;
      throw await this.statusError(spec, at.url, res);
    }
  }

  /** Send once with the current authorization; null when a transient socket error is worth a retry. */
  private async sendOnce(spec: RequestSpec, at: Attempt): Promise<IncomingMessage | null> {
    const headers: OutgoingHttpHeaders = { ...spec.headers };
    if (at.url.origin === this.base.origin) {
      const auth = this.auth.authorization(spec.scopes ?? []);
      if (auth) headers.authorization = auth;
    }
    try {
      return await this.send(at.url, spec.method, headers, spec.body, spec.signal);
    } catch (e) {
      if (e instanceof LifeboatError) throw e;
      const err = e as NodeJS.ErrnoException;
      const canRetry = spec.idempotent !== false && (spec.body === undefined || typeof spec.body === 'function' || Buffer.isBuffer(spec.body));
      if (canRetry && TRANSIENT.has(err.code ?? '') && at.transientTries < (this.opts.retries ?? 3)) {
        at.transientTries++;
        await sleep(150 * 2 ** at.transientTries, spec.signal);
        return null;
      }
      throw unreachableError(err, at.url);
    }
  }

  /** Whether an unexpected answer is worth sending again: a challenge, a redirect, a 5xx or 429. Throws on 403. */
  private async again(spec: RequestSpec, at: Attempt, res: IncomingMessage): Promise<boolean> {
    const status = res.statusCode ?? 0;
    if (status === 401 && at.url.origin === this.base.origin) {
      const body = await readAll(res, 1 << 16).catch(() => Buffer.alloc(0));
      await this.auth.challenged(res.headers['www-authenticate'], body, spec.scopes ?? [], at.authTries >= 1, spec.signal);
      at.authTries++;
      return true;
    }
    if (status === 403) {
      const body = await readAll(res, 1 << 16).catch(() => Buffer.alloc(0));
      throw this.auth.authFailed(`${spec.method} ${at.url.pathname} is denied (${registryErrorText(body) || 'forbidden'})`, 403);
    }
    if (spec.followRedirects && [301, 302, 303, 307, 308].includes(status) && res.headers.location && at.redirects < 5) {
      drain(res);
      at.redirects++;
      at.url = new URL(res.headers.location, at.url);
      return true;
    }
    if ((status >= 500 || status === 429) && spec.idempotent !== false && at.transientTries < (this.opts.retries ?? 3)) {
      drain(res);
      at.transientTries++;
      await sleep(200 * 2 ** at.transientTries, spec.signal);
      return true;
    }
    return false;
  }

  /** A status nobody expected: REGISTRY_NOT_FOUND for 404, REGISTRY_FAILED otherwise. */
  private async statusError(spec: RequestSpec, url: URL, res: IncomingMessage): Promise<LifeboatError> {
    const status = res.statusCode ?? 0;
    const body = await readAll(res, 1 << 16).catch(() => Buffer.alloc(0));
    const text = registryErrorText(body);
    if (status === 404) {
      return new LifeboatError(
        'REGISTRY_NOT_FOUND',
        `${spec.what ?? url.pathname} was not found in the registry at ${this.host}${text ? ` (${text})` : ''}.`,
        'It may have been deleted while Lifeboat was working; list the registry again and retry.',
        { host: this.host, path: url.pathname, status },
      );
    }
    return new LifeboatError(
      'REGISTRY_FAILED',
      `The registry at ${this.host} answered ${status} to ${spec.method} ${url.pathname}${text ? `: ${text}` : ''}.`,
      status >= 500 ? 'The registry had an internal error; check its logs and storage (disk full?).' : undefined,
      { host: this.host, path: url.pathname, status },
    );
  }
}
