/**
 * Web mode's transport: node:http on 127.0.0.1 only. Generic over the contract (dispatch.ts);
 * nothing here knows a method.
 *
 * - Signing in (protocol.ts): the URL web mode opens and prints carries a launch code — random,
 *   single use, valid for two minutes — never the session secret, which would otherwise sit in the
 *   browser's argv (xdg-open) for the browser's lifetime. Opening it (a 303 to the address without
 *   the code) or `POST /api/session {"code"}` trades it for the session cookie `lifeboat_<port>`
 *   (HttpOnly, SameSite=Strict; its value is the random 32-byte secret of this launch, compared in
 *   constant time).
 * - `POST /api/<method>`: needs the session cookie and `Content-Type: application/json`; the body
 *   is capped. `GET /api/<method>` for PRELOADED_METHODS only, with the cookie and
 *   `Sec-Fetch-Site: same-origin` (required, not merely checked when present); index.html served
 *   to a signed-in page preloads them, so the list a cold start waits for is fetched while the
 *   scripts load.
 * - `GET /api/events`: server-sent events for every bus event, with the session cookie.
 * - Requests carrying an Origin other than this server's own are refused (FORBIDDEN_ORIGIN), and so
 *   are Host headers that are not this server (DNS rebinding). Cookies are not scoped by port, so
 *   a page on another 127.0.0.1 port is "same site" and its requests would carry the cookie: API
 *   requests whose Sec-Fetch-Site is anything but same-origin are refused too (an <img> or a GET
 *   sends no Origin).
 * - Everything else serves the built renderer from dist/renderer with a strict CSP; `/` and
 *   extension-less paths get index.html.
 *
 * The pieces: webSession.ts (launch codes, the cookie, the sign-in routes), webHttp.ts (JSON
 * replies, bounded bodies), webEvents.ts (SSE), webStatic.ts (static files, CSP). This module checks
 * every request's Host, Origin and Sec-Fetch-Site, and routes it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { ApiErrorData } from '../api/errors.js';
import type { EventBus } from '../events.js';
import { dispatch, type Handlers } from './dispatch.js';
import {
  API_PREFIX,
  EVENTS_PATH,
  EVENT_SEQ_HEADER,
  LAUNCH_CODE_QUERY,
  LAUNCH_CODE_TTL_MS,
  PRELOADED_METHODS,
  SESSION_LINK_PATH,
  SESSION_PATH,
  sessionCookieName,
} from './protocol.js';
import { streamEvents } from './webEvents.js';
import { fail, readJson, send } from './webHttp.js';
import { NO_SESSION, hasSession, launchCodes, launchRedirect, sessionRoute, type SessionSite } from './webSession.js';
import { serveStatic } from './webStatic.js';

export { CSP } from './webStatic.js';

export const DEFAULT_MAX_BODY = 1024 * 1024;

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

/** One server's state; origin, hosts and cookie name are set once it listens. */
interface Site extends SessionSite {
  opts: WebServerOptions;
  origin: string;
  allowedHosts: Set<string>;
  staticRoot?: string;
  streams: Set<ServerResponse>;
}

/** Why a request is refused before routing (wrong Host, foreign Origin, cross-site API call), or null. */
function refusal(site: Site, req: IncomingMessage, pathname: string): ApiErrorData | null {
  const { origin } = site;
  if (!site.allowedHosts.has(String(req.headers.host ?? '').toLowerCase())) {
    return { code: 'FORBIDDEN_ORIGIN', message: `Lifeboat answers only requests addressed to ${origin}.`, hint: `Open ${origin} directly.` };
  }
  const reqOrigin = req.headers.origin;
  if (reqOrigin !== undefined && reqOrigin !== origin) {
    return {
      code: 'FORBIDDEN_ORIGIN',
      message: `Requests from ${String(reqOrigin).slice(0, 200)} are refused.`,
      hint: `Only pages served by Lifeboat itself (${origin}) may call it.`,
    };
  }
  const isApi = pathname.startsWith(API_PREFIX) || pathname === EVENTS_PATH;
  const fetchSite = req.headers['sec-fetch-site'];
  if (isApi && fetchSite !== undefined && fetchSite !== 'same-origin') {
    // The cookie rides along on requests from any page on 127.0.0.1 (cookies ignore the port).
    return { code: 'FORBIDDEN_ORIGIN', message: 'Only pages served by Lifeboat itself may call it.', hint: `Open ${origin} directly.` };
  }
  return null;
}

/** The method named in an API path, or null when its %-escapes are malformed. */
function methodOf(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname.slice(API_PREFIX.length));
  } catch {
    return null;
  }
}

const BAD_METHOD_NAME: ApiErrorData = {
  code: 'BAD_INPUT',
  message: 'The method name in the URL is not valid (a malformed %-escape).',
  hint: 'Every API method is POST /api/<method> with a JSON body.',
};

/**
 * `GET /api/<method>` for the preloaded reads (protocol.ts): no input, the cookie, and a
 * Sec-Fetch-Site that says the page's own — without it a GET could come from anything that can make
 * the browser load a URL, since it carries no Origin and needs no preflight.
 */
async function preloadRoute(site: Site, req: IncomingMessage, res: ServerResponse, method: string | null): Promise<void> {
  if (method === null || !PRELOADED_METHODS.includes(method))
    return fail(res, {
      code: 'BAD_INPUT',
      message: `Use POST to call ${method ?? 'this method'}.`,
      hint: `Every API method is POST /api/<method> with a JSON body; only ${PRELOADED_METHODS.join(', ')} may also be read with GET.`,
    });
  if (req.headers['sec-fetch-site'] !== 'same-origin')
    return fail(res, {
      code: 'FORBIDDEN_ORIGIN',
      message: `GET ${API_PREFIX}${method} is answered only to Lifeboat's own page (Sec-Fetch-Site: same-origin).`,
      hint: `Call it with POST ${API_PREFIX}${method} and a JSON body instead.`,
    });
  if (!site.signedIn(req)) return fail(res, NO_SESSION);
  return answer(site, res, method, {});
}

/** Dispatch, and reply with the bus's event count from before the handler read anything (protocol.ts EVENT_SEQ_HEADER). */
async function answer(site: Site, res: ServerResponse, method: string, input: unknown): Promise<void> {
  const seq = { [EVENT_SEQ_HEADER]: String(site.opts.bus.published) };
  const reply = await dispatch(site.opts.handlers, method, input);
  return reply.ok ? send(res, 200, reply, seq) : fail(res, reply.error, seq);
}

/** `POST /api/<method>`: the session cookie, a JSON body, then dispatch. */
async function apiRoute(site: Site, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const method = methodOf(pathname);
  if (req.method === 'GET') return preloadRoute(site, req, res, method);
  if (req.method !== 'POST')
    return fail(res, { code: 'BAD_INPUT', message: `Use POST to call ${pathname}.`, hint: 'Every API method is POST /api/<method> with a JSON body.' });
  if (!site.signedIn(req)) return fail(res, NO_SESSION);
  const body = await readJson(req, res, site.maxBody);
  if (!body) return;
  if (method === null) return fail(res, BAD_METHOD_NAME);
  return answer(site, res, method, body.input);
}

/** What index.html gets, signed in: the browser fetches the preloaded reads beside the scripts. */
const PRELOAD_LINKS = PRELOADED_METHODS.map((m) => `<link rel="preload" as="fetch" crossorigin href="${API_PREFIX}${encodeURIComponent(m)}">`).join('');

async function handle(site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', site.origin);
  const refused = refusal(site, req, url.pathname);
  if (refused) return fail(res, refused);
  if (url.pathname === SESSION_PATH || url.pathname === SESSION_LINK_PATH) return sessionRoute(site, req, res, url.pathname);
  if (url.pathname === EVENTS_PATH) {
    if (req.method !== 'GET') return fail(res, { code: 'BAD_INPUT', message: 'Use GET for the event stream.' });
    if (!site.signedIn(req)) return fail(res, NO_SESSION);
    return streamEvents(req, res, site.opts.bus, site.streams, site.opts.heartbeatMs);
  }
  if (url.pathname.startsWith(API_PREFIX)) return apiRoute(site, req, res, url.pathname);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return void res.end();
  }
  if (launchRedirect(site, req, res, url)) return;
  return serveStatic(site.staticRoot, url.pathname, res, req.method === 'HEAD', site.signedIn(req) ? PRELOAD_LINKS : '');
}

function newSite(opts: WebServerOptions): Site {
  const site: Site = {
    opts,
    token: opts.token ?? randomBytes(32).toString('hex'),
    maxBody: opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
    codes: launchCodes(opts.launchCodeTtlMs ?? LAUNCH_CODE_TTL_MS, opts.now ?? Date.now),
    cookieName: '',
    origin: '',
    allowedHosts: new Set<string>(),
    staticRoot: opts.staticDir ? resolve(opts.staticDir) : undefined,
    streams: new Set<ServerResponse>(),
    onSignInRefused: opts.onSignInRefused,
    launchUrl: () => `${site.origin}/?${LAUNCH_CODE_QUERY}=${site.codes.mint()}`,
    signedIn: (req) => hasSession(req, site.cookieName, site.token),
  };
  return site;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const site = newSite(opts);
  const server = createServer((req, res) => {
    handle(site, req, res).catch(() => {
      if (!res.headersSent) fail(res, { code: 'INTERNAL', message: 'Lifeboat failed to answer this request.' });
      else res.end();
    });
  });
  await new Promise<void>((r, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => r());
  });
  const port = (server.address() as AddressInfo).port;
  site.origin = `http://127.0.0.1:${port}`;
  site.allowedHosts = new Set([`127.0.0.1:${port}`]);
  site.cookieName = sessionCookieName(port);
  return {
    url: `${site.origin}/`,
    openUrl: site.launchUrl(),
    launchUrl: site.launchUrl,
    port,
    token: site.token,
    origin: site.origin,
    cookieName: site.cookieName,
    server,
    close: () =>
      new Promise<void>((r) => {
        for (const s of site.streams) s.end();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
