/**
 * Web mode's transport: node:http on 127.0.0.1 only. Generic over the contract (dispatch.ts);
 * nothing here knows a method.
 *
 * - Signing in (protocol.ts): the URL web mode opens and prints carries a launch code — random,
 *   single use, valid for two minutes — never the session secret, which would otherwise sit in the
 *   browser's argv (xdg-open) for the browser's lifetime. `POST /api/session {"code"}` trades it
 *   for the session cookie `lifeboat_<port>` (HttpOnly, SameSite=Strict; its value is the random
 *   32-byte secret of this launch, compared in constant time).
 * - `POST /api/<method>`: needs the session cookie and `Content-Type: application/json`; the body
 *   is capped.
 * - `GET /api/events`: server-sent events for every bus event, with the session cookie.
 * - Requests carrying an Origin other than this server's own are refused (FORBIDDEN_ORIGIN), and so
 *   are Host headers that are not this server (DNS rebinding). Cookies are not scoped by port, so
 *   a page on another 127.0.0.1 port is "same site" and its requests would carry the cookie: API
 *   requests whose Sec-Fetch-Site is anything but same-origin are refused too (an <img> or a GET
 *   sends no Origin).
 * - Everything else serves the built renderer from dist/renderer with a strict CSP; `/` and
 *   extension-less paths get index.html.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { ApiErrorData, ErrorCode } from '../api/errors.js';
import type { EventBus } from '../events.js';
import { dispatch, type Handlers } from './dispatch.js';
import {
  API_PREFIX,
  EVENTS_PATH,
  LAUNCH_CODE_QUERY,
  LAUNCH_CODE_TTL_MS,
  SESSION_LINK_PATH,
  SESSION_PATH,
  sessionCookieName,
  type Reply,
} from './protocol.js';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets style attributes and injects <style> at runtime
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export const DEFAULT_MAX_BODY = 1024 * 1024;
/** Sign-in bodies are `{"code": "…"}`; nothing legitimate comes near this. */
export const SESSION_MAX_BODY = 1024;
/** Launch codes not yet used or expired; minting more drops the oldest. */
const MAX_LIVE_CODES = 64;

const SessionInput = z.object({ code: z.string().min(1).max(256).optional() }).strict();
const LinkInput = z.object({}).strict();

export const LINK_REFUSED: ApiErrorData = {
  code: 'UNAUTHORIZED',
  message: 'This link was already used or has expired.',
  hint: "Start Lifeboat's web mode again, or use the new link it prints.",
};
const NO_SESSION: ApiErrorData = {
  code: 'UNAUTHORIZED',
  message: 'This page is not signed in to Lifeboat.',
  hint: 'Open the link `lifeboat web` printed in its terminal (a link works once, for two minutes; it prints a new one when an old one is refused), or start it again.',
};

export interface WebServerOptions {
  handlers: Handlers;
  bus: EventBus;
  port?: number;
  /** The session secret (random per launch unless given). */
  token?: string;
  /** Built renderer (dist/renderer). */
  staticDir?: string;
  maxBodyBytes?: number;
  heartbeatMs?: number;
  launchCodeTtlMs?: number;
  now?: () => number;
  /** A sign-in was refused (a used, expired or wrong code, or no session): the launcher may print a new link. */
  onSignInRefused?: () => void;
}

export interface WebServer {
  /** The server's root, no credential in it. */
  url: string;
  /** The first launch link (`/?code=…`): open it, or print it. Single use, short-lived. */
  openUrl: string;
  /** A new single-use launch link. */
  launchUrl(): string;
  port: number;
  /** The session secret: only ever in the HttpOnly cookie, never in a URL. */
  token: string;
  origin: string;
  cookieName: string;
  server: Server;
  close(): Promise<void>;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_ORIGIN: 403,
  PERMISSION_DENIED: 403,
  UNKNOWN_METHOD: 404,
  NOT_CONNECTED: 409,
  CLUSTER_UNREACHABLE: 502,
  CLUSTER_AUTH_FAILED: 502,
  CERTIFICATE_EXPIRED: 502,
  TOOL_TIMEOUT: 504,
  INTERNAL: 500,
};
export const httpStatusOf = (code: ErrorCode) => STATUS[code] ?? 422;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const digest = (text: string) => createHash('sha256').update(text).digest();

function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  // hash both sides so the comparison is constant-time whatever the lengths
  return timingSafeEqual(digest(given), digest(token));
}

/** Every value of cookie `name` in a Cookie header (a browser may send more than one). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

function send(res: ServerResponse, status: number, body: Reply<unknown>, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

function fail(res: ServerResponse, error: ApiErrorData): void {
  send(res, httpStatusOf(error.code), { ok: false, error });
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new Error('too-large'));
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // A chunked body has no Content-Length to refuse up front: stop keeping it, let the caller
        // answer 413, and drop the rest (bounded) so the reply is not lost to a reset connection.
        req.off('data', onData);
        chunks.length = 0;
        reject(new Error('too-large'));
        discardRest(req);
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads and drops what is left of a refused body for at most 2 s or 1 MiB, then closes the connection. */
function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  const timer = setTimeout(() => req.destroy(), 2000);
  timer.unref();
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > 1024 * 1024) {
      clearTimeout(timer);
      req.destroy();
    }
  });
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.resume();
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const ttl = opts.launchCodeTtlMs ?? LAUNCH_CODE_TTL_MS;
  const now = opts.now ?? Date.now;
  /** sha256(code) → expiry; a code leaves on first use. */
  const codes = new Map<string, number>();
  let cookieName = '';
  const staticRoot = opts.staticDir ? resolve(opts.staticDir) : undefined;
  const streams = new Set<ServerResponse>();
  let origin = '';
  let allowedHosts = new Set<string>();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) fail(res, { code: 'INTERNAL', message: 'Lifeboat failed to answer this request.' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (!allowedHosts.has(String(req.headers.host ?? '').toLowerCase())) {
      return fail(res, { code: 'FORBIDDEN_ORIGIN', message: `Lifeboat answers only requests addressed to ${origin}.`, hint: `Open ${origin} directly.` });
    }
    const reqOrigin = req.headers.origin;
    if (reqOrigin !== undefined && reqOrigin !== origin) {
      return fail(res, { code: 'FORBIDDEN_ORIGIN', message: `Requests from ${String(reqOrigin).slice(0, 200)} are refused.`, hint: `Only pages served by Lifeboat itself (${origin}) may call it.` });
    }

    const isApi = url.pathname.startsWith(API_PREFIX) || url.pathname === EVENTS_PATH;
    const site = req.headers['sec-fetch-site'];
    if (isApi && site !== undefined && site !== 'same-origin') {
      // The cookie rides along on requests from any page on 127.0.0.1 (cookies ignore the port).
      return fail(res, { code: 'FORBIDDEN_ORIGIN', message: 'Only pages served by Lifeboat itself may call it.', hint: `Open ${origin} directly.` });
    }

    if (url.pathname === SESSION_PATH || url.pathname === SESSION_LINK_PATH) {
      if (req.method !== 'POST') return fail(res, { code: 'BAD_INPUT', message: `Use POST for ${url.pathname}.` });
      const body = await readJson(req, res, Math.min(maxBody, SESSION_MAX_BODY));
      if (!body) return;
      if (url.pathname === SESSION_LINK_PATH) {
        if (!signedIn(req)) return unauthorized(res);
        if (!LinkInput.safeParse(body.input ?? {}).success) return fail(res, { code: 'BAD_INPUT', message: 'This request takes no input ({}).' });
        return send(res, 200, { ok: true, result: { url: launchUrl() } });
      }
      const parsed = SessionInput.safeParse(body.input ?? {});
      if (!parsed.success) {
        return fail(res, { code: 'BAD_INPUT', message: 'A sign-in is {"code": "<the code from the link>"}.', details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
      }
      const { code } = parsed.data;
      if (code === undefined) return signedIn(req) ? send(res, 200, { ok: true, result: { signedIn: true } }) : refuse(res, NO_SESSION);
      if (!redeem(code)) return refuse(res, LINK_REFUSED);
      return send(res, 200, { ok: true, result: { signedIn: true } }, {
        // No Max-Age: it ends with the browser session, and with this launch (the secret is new each time).
        'set-cookie': `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`,
      });
    }

    if (url.pathname === EVENTS_PATH) {
      if (req.method !== 'GET') return fail(res, { code: 'BAD_INPUT', message: 'Use GET for the event stream.' });
      if (!signedIn(req)) return unauthorized(res);
      return events(req, res);
    }

    if (url.pathname.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return fail(res, { code: 'BAD_INPUT', message: `Use POST to call ${url.pathname}.`, hint: 'Every API method is POST /api/<method> with a JSON body.' });
      if (!signedIn(req)) return unauthorized(res);
      const body = await readJson(req, res, maxBody);
      if (!body) return;
      const input = body.input;
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice(API_PREFIX.length));
      } catch {
        return fail(res, { code: 'BAD_INPUT', message: 'The method name in the URL is not valid (a malformed %-escape).', hint: 'Every API method is POST /api/<method> with a JSON body.' });
      }
      const reply = await dispatch(opts.handlers, method, input);
      return reply.ok ? send(res, 200, reply) : fail(res, reply.error);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return void res.end();
    }
    return serveStatic(url.pathname, res, req.method === 'HEAD');
  }

  /** The JSON body (undefined when empty), or null once an error reply has been sent. */
  async function readJson(req: IncomingMessage, res: ServerResponse, limit: number): Promise<{ input: unknown } | null> {
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) {
      fail(res, { code: 'BAD_INPUT', message: 'The request body must be JSON (Content-Type: application/json).', hint: 'Send the method input as a JSON object with Content-Type: application/json.' });
      return null;
    }
    let text: string;
    try {
      text = await readBody(req, limit);
    } catch (err) {
      const tooLarge = (err as Error).message === 'too-large';
      res.setHeader('connection', 'close');
      send(res, tooLarge ? 413 : 400, { ok: false, error: { code: 'BAD_INPUT', message: tooLarge ? `The request body is larger than ${limit} bytes.` : 'The request body could not be read.', hint: tooLarge ? 'Send a smaller input; files are named by path, never uploaded.' : 'Send the request again; the connection may have been cut.' } });
      return null;
    }
    if (!text.trim()) return { input: undefined };
    try {
      return { input: JSON.parse(text) };
    } catch {
      fail(res, { code: 'BAD_INPUT', message: 'The request body is not valid JSON.', hint: 'Send the method input as a JSON object.' });
      return null;
    }
  }

  function signedIn(req: IncomingMessage): boolean {
    return cookieValues(req.headers.cookie, cookieName).some((v) => tokenMatches(v, token));
  }

  function unauthorized(res: ServerResponse): void {
    fail(res, NO_SESSION);
  }

  function refuse(res: ServerResponse, error: ApiErrorData): void {
    fail(res, error);
    try {
      opts.onSignInRefused?.();
    } catch {
      // the launcher's notice must not break the reply
    }
  }

  function mintCode(): string {
    const t = now();
    for (const [k, exp] of codes) if (exp <= t) codes.delete(k);
    while (codes.size >= MAX_LIVE_CODES) codes.delete(codes.keys().next().value!);
    const code = randomBytes(24).toString('base64url');
    codes.set(digest(code).toString('hex'), t + ttl);
    return code;
  }

  /** True once per live code; a used, expired or unknown code is false. */
  function redeem(code: string): boolean {
    const k = digest(code).toString('hex');
    const exp = codes.get(k);
    if (exp === undefined) return false;
    codes.delete(k);
    return now() < exp;
  }

  function launchUrl(): string {
    return `${origin}/?${LAUNCH_CODE_QUERY}=${mintCode()}`;
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\nretry: 2000\n\n');
    streams.add(res);
    const off = opts.bus.on((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload ?? null)}\n\n`);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 25_000);
    beat.unref();
    const done = () => {
      clearInterval(beat);
      off();
      streams.delete(res);
    };
    req.on('close', done);
    res.on('error', done);
  }

  function serveStatic(pathname: string, res: ServerResponse, head: boolean): void {
    const headers = {
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    };
    const index = staticRoot && join(staticRoot, 'index.html');
    if (!staticRoot || !index || !existsSync(index)) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('The Lifeboat renderer is not built. Run `npm run build`, then reload.\n');
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400, headers);
      return void res.end();
    }
    let file = normalize(join(staticRoot, decoded));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      res.writeHead(403, headers);
      return void res.end();
    }
    if (decoded === '/' || !existsSync(file) || statSync(file).isDirectory()) {
      if (extname(decoded) && decoded !== '/') {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('Not found\n');
      }
      file = index; // client-side routes
    }
    const isIndex = file === index;
    res.writeHead(200, {
      ...headers,
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': isIndex ? 'no-store' : 'public, max-age=3600',
    });
    if (head) return void res.end();
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((r, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => r());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`]);
  cookieName = sessionCookieName(port);
  return {
    url: `${origin}/`,
    openUrl: launchUrl(),
    launchUrl,
    port,
    token,
    origin,
    cookieName,
    server,
    close: () =>
      new Promise<void>((r) => {
        for (const s of streams) s.end();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
