/**
 * Registry authentication: the WWW-Authenticate challenge, Basic credentials, and the Bearer-token
 * flow (a token per set of scopes, fetched from the realm the registry names; the credentials go
 * there only where realm.ts allows). Holds the negotiated mode and the tokens; sends nothing itself
 * but through the `get` it is given.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { LifeboatError } from '../../api/errors.js';
import { tokenRealmRefusal } from '../realm.js';
import { readAll, registryErrorText, unreachableError } from './errors.js';

export interface Challenge {
  scheme: 'basic' | 'bearer' | 'other';
  params: Record<string, string>;
}

/** Parse `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (quoted or bare values). */
export function parseChallenge(header: string | undefined): Challenge | null {
  if (!header) return null;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return null;
  const scheme = m[1].toLowerCase();
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]))) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: scheme === 'basic' ? 'basic' : scheme === 'bearer' ? 'bearer' : 'other', params };
}

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

export interface AuthOptions {
  /** The registry's origin (scheme://host:port). */
  base: URL;
  username?: string;
  password?: string;
  /** Token services on other hosts the operator allowed to receive the credentials (realm.ts). */
  tokenRealmHosts?: string[];
  /** GET a token URL (through the agent fit for its origin); a socket error rejects as is. */
  get(url: URL, headers: OutgoingHttpHeaders, signal?: AbortSignal): Promise<IncomingMessage>;
}

const scopeKey = (scopes: string[]) => scopes.slice().sort().join(' ');

export class RegistryAuth {
  private mode: 'none' | 'basic' | 'bearer' = 'none';
  private bearer: { realm: string; service?: string } | null = null;
  private readonly tokens = new Map<string, { token: string; expires: number }>();
  private readonly host: string;

  constructor(private readonly opts: AuthOptions) {
    this.host = opts.base.host;
  }

  /** The Authorization header for a request needing these scopes, once the registry asked for one. */
  authorization(scopes: string[]): string | undefined {
    if (this.mode === 'basic') return this.basicHeader();
    if (this.mode === 'bearer') {
      const t = this.tokens.get(scopeKey(scopes));
      if (t && t.expires > Date.now()) return `Bearer ${t.token}`;
    }
    return undefined;
  }

  private basicHeader(): string | undefined {
    if (this.opts.username === undefined) return undefined;
    return `Basic ${Buffer.from(`${this.opts.username}:${this.opts.password ?? ''}`).toString('base64')}`;
  }

  authFailed(why: string, status: number): LifeboatError {
    return new LifeboatError(
      'REGISTRY_AUTH_FAILED',
      `The registry at ${this.host} refused the credentials${this.opts.username ? ` for user "${this.opts.username}"` : ' (none were given)'}: ${why}.`,
      status === 403
        ? 'The user is known but not allowed to do this; use an account with pull (export) or push (re-seed) rights.'
        : 'Check the registry user name and password (kURL: Secret "registry-creds"; Embedded Cluster: Secret "registry-creds" in namespace "kotsadm").',
      { host: this.host, status },
    );
  }

  /**
   * The registry answered 401 (body `body`, challenge header `header`): switch to the scheme it
   * asks for (fetching a token for Bearer) so the request can be sent again, or throw when there is
   * nothing more to try (`retried`: this request already answered one challenge).
   */
  async challenged(header: string | undefined, body: Buffer, scopes: string[], retried: boolean, signal?: AbortSignal): Promise<void> {
    const ch = parseChallenge(header);
    if (retried || !ch) throw this.authFailed(registryErrorText(body) || 'unauthorized', 401);
    if (ch.scheme === 'basic') {
      if (this.opts.username === undefined) throw this.authFailed('the registry requires a user name and password', 401);
      this.mode = 'basic';
      return;
    }
    if (ch.scheme === 'bearer' && ch.params.realm) {
      this.mode = 'bearer';
      this.bearer = { realm: ch.params.realm, service: ch.params.service };
      await this.fetchToken(scopes, ch.params.scope, signal);
      return;
    }
    throw this.authFailed(`unsupported authentication scheme in "${String(header)}"`, 401);
  }

  /** The token URL for these scopes, refused when the credentials may not go there. */
  private tokenUrl(scopes: string[], challengeScope: string | undefined, withCredentials: boolean): URL {
    if (!this.bearer) throw new LifeboatError('REGISTRY_FAILED', 'The registry asked for a token without saying where to get one.');
    const all = [...new Set([...scopes, ...(challengeScope ? challengeScope.split(' ') : [])])];
    const u = new URL(this.bearer.realm, this.opts.base);
    // The credentials go to the token service only where they belong (realm.ts); nothing is sent otherwise.
    const refusal = tokenRealmRefusal(this.opts.base, u, { withCredentials, allowedHosts: this.opts.tokenRealmHosts });
    if (refusal) {
      throw new LifeboatError(
        'REGISTRY_AUTH_FAILED',
        `The registry at ${this.host} sent its login to the token service ${u.protocol}//${u.host}, and Lifeboat did not send it the credentials: ${refusal.reason}.`,
        refusal.fix,
        {
          host: this.host,
          realm: `${u.protocol}//${u.host}`,
        },
      );
    }
    if (this.bearer.service) u.searchParams.set('service', this.bearer.service);
    for (const s of all) u.searchParams.append('scope', s);
    if (this.opts.username !== undefined) u.searchParams.set('account', this.opts.username);
    return u;
  }

  /** Get a Bearer token from the realm for these scopes. */
  private async fetchToken(scopes: string[], challengeScope: string | undefined, signal?: AbortSignal): Promise<void> {
    const basic = this.basicHeader();
    const u = this.tokenUrl(scopes, challengeScope, !!basic);
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (basic) headers.authorization = basic;
    let res: IncomingMessage;
    try {
      res = await this.opts.get(u, headers, signal);
    } catch (e) {
      if (e instanceof LifeboatError) throw e;
      throw unreachableError(e as NodeJS.ErrnoException, u);
    }
    const body = await readAll(res, 1 << 20);
    if (res.statusCode === 401 || res.statusCode === 403)
      throw this.authFailed(`the token service said ${res.statusCode} ${registryErrorText(body)}`.trim(), res.statusCode);
    if (res.statusCode !== 200) {
      throw new LifeboatError('REGISTRY_FAILED', `The registry token service at ${u.host} answered ${res.statusCode}: ${registryErrorText(body)}`, undefined, {
        status: res.statusCode,
      });
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
    this.tokens.set(scopeKey(scopes), { token, expires: Date.now() + ttl });
  }
}
