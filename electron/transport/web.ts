/**
 * Web mode's transport: node:http on 127.0.0.1 only. Generic over the contract (dispatch.ts);
 * nothing here knows a method.
 *
 * - `POST /api/<method>`: needs `Authorization: Bearer <token>` (a random 32-byte token per launch,
 *   compared in constant time) and `Content-Type: application/json`; the body is capped.
 * - `GET /api/events?token=`: server-sent events for every bus event.
 * - Requests carrying an Origin other than this server's own are refused (FORBIDDEN_ORIGIN), and so
 *   are Host headers that are not this server (DNS rebinding).
 * - Everything else serves the built renderer from dist/renderer with a strict CSP; `/` and
 *   extension-less paths get index.html.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ApiErrorData, ErrorCode } from '../api/errors.js';
import type { EventBus } from '../events.js';
import { dispatch, type Handlers } from './dispatch.js';
import { API_PREFIX, EVENTS_PATH, TOKEN_FRAGMENT, TOKEN_QUERY, type Reply } from './protocol.js';

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

export interface WebServerOptions {
  handlers: Handlers;
  bus: EventBus;
  port?: number;
  token?: string;
  /** Built renderer (dist/renderer). */
  staticDir?: string;
  maxBodyBytes?: number;
  heartbeatMs?: number;
}

export interface WebServer {
  url: string;
  /** The URL to open: with the token in the fragment, which browsers never send to servers. */
  openUrl: string;
  port: number;
  token: string;
  origin: string;
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

function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  // hash both sides so the comparison is constant-time whatever the lengths
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: Reply<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
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
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too-large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
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

    if (url.pathname === EVENTS_PATH) {
      if (req.method !== 'GET') return fail(res, { code: 'BAD_INPUT', message: 'Use GET for the event stream.' });
      if (!tokenMatches(url.searchParams.get(TOKEN_QUERY), token)) return unauthorized(res);
      return events(req, res);
    }

    if (url.pathname.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return fail(res, { code: 'BAD_INPUT', message: `Use POST to call ${url.pathname}.`, hint: 'Every API method is POST /api/<method> with a JSON body.' });
      const auth = req.headers.authorization;
      const given = typeof auth === 'string' && /^Bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
      if (!tokenMatches(given, token)) return unauthorized(res);
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(type)) {
        return fail(res, { code: 'BAD_INPUT', message: 'The request body must be JSON (Content-Type: application/json).' });
      }
      let text: string;
      try {
        text = await readBody(req, maxBody);
      } catch (err) {
        const tooLarge = (err as Error).message === 'too-large';
        res.setHeader('connection', 'close');
        return send(res, tooLarge ? 413 : 400, { ok: false, error: { code: 'BAD_INPUT', message: tooLarge ? `The request body is larger than ${maxBody} bytes.` : 'The request body could not be read.' } });
      }
      let input: unknown;
      if (text.trim()) {
        try {
          input = JSON.parse(text);
        } catch {
          return fail(res, { code: 'BAD_INPUT', message: 'The request body is not valid JSON.', hint: 'Send the method input as a JSON object.' });
        }
      }
      const method = decodeURIComponent(url.pathname.slice(API_PREFIX.length));
      const reply = await dispatch(opts.handlers, method, input);
      return reply.ok ? send(res, 200, reply) : fail(res, reply.error);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return void res.end();
    }
    return serveStatic(url.pathname, res, req.method === 'HEAD');
  }

  function unauthorized(res: ServerResponse): void {
    fail(res, { code: 'UNAUTHORIZED', message: 'This request lacks Lifeboat\'s launch token.', hint: `Open the URL Lifeboat printed when it started (it ends in #${TOKEN_FRAGMENT}=…).` });
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
  return {
    url: `${origin}/`,
    openUrl: `${origin}/#${TOKEN_FRAGMENT}=${token}`,
    port,
    token,
    origin,
    server,
    close: () =>
      new Promise<void>((r) => {
        for (const s of streams) s.end();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
