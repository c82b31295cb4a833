/**
 * Web mode's sign-in (transport/web.ts, protocol.ts): single-use launch codes — random, valid for
 * a short time, kept only as their sha256 — traded for the session cookie, whose value is this
 * launch's secret (compared in constant time), either by opening the link (a 303 to the same address
 * without the code) or by `POST /api/session {"code"}`; `POST /api/session/link` mints a new launch
 * link for a signed-in page.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ApiErrorData } from '../api/errors.js';
import { LAUNCH_CODE_QUERY, SESSION_LINK_PATH } from './protocol.js';
import { fail, readJson, send } from './webHttp.js';

/** Sign-in bodies are `{"code": "…"}`; nothing legitimate comes near this. */
export const SESSION_MAX_BODY = 1024;
/** Launch codes not yet used or expired; minting more drops the oldest. */
const MAX_LIVE_CODES = 64;

/** Launch codes are 32 base64url characters; anything much longer is not one. */
const MAX_CODE_LENGTH = 256;
const SessionInput = z.object({ code: z.string().min(1).max(MAX_CODE_LENGTH).optional() }).strict();
const LinkInput = z.object({}).strict();

export const LINK_REFUSED: ApiErrorData = {
  code: 'UNAUTHORIZED',
  message: 'This link was already used or has expired.',
  hint: "Start Lifeboat's web mode again, or use the new link it prints.",
};
export const NO_SESSION: ApiErrorData = {
  code: 'UNAUTHORIZED',
  message: 'This page is not signed in to Lifeboat.',
  hint: 'Open the link `lifeboat web` printed in its terminal (a link works once, for two minutes; it prints a new one when an old one is refused), or start it again.',
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

/** Whether the request carries the session cookie `cookieName` with the secret `token`. */
export function hasSession(req: IncomingMessage, cookieName: string, token: string): boolean {
  return cookieValues(req.headers.cookie, cookieName).some((v) => tokenMatches(v, token));
}

export interface LaunchCodes {
  /** A new code, live for the TTL. */
  mint(): string;
  /** True once per live code; a used, expired or unknown code is false. */
  redeem(code: string): boolean;
}

export function launchCodes(ttl: number, now: () => number): LaunchCodes {
  /** sha256(code) → expiry; a code leaves on first use. */
  const codes = new Map<string, number>();
  return {
    mint() {
      const t = now();
      for (const [k, exp] of codes) if (exp <= t) codes.delete(k);
      while (codes.size >= MAX_LIVE_CODES) codes.delete(codes.keys().next().value!);
      const code = randomBytes(24).toString('base64url');
      codes.set(digest(code).toString('hex'), t + ttl);
      return code;
    },
    redeem(code) {
      const k = digest(code).toString('hex');
      const exp = codes.get(k);
      if (exp === undefined) return false;
      codes.delete(k);
      return now() < exp;
    },
  };
}

/** What the sign-in routes need of the server. */
export interface SessionSite {
  token: string;
  cookieName: string;
  maxBody: number;
  codes: LaunchCodes;
  launchUrl(): string;
  signedIn(req: IncomingMessage): boolean;
  onSignInRefused?: () => void;
}

function refuse(site: SessionSite, res: ServerResponse, error: ApiErrorData): void {
  fail(res, error);
  try {
    site.onSignInRefused?.();
  } catch {
    // the launcher's notice must not break the reply
  }
}

// No Max-Age: it ends with the browser session, and with this launch (the secret is new each time).
const sessionCookie = (site: SessionSite) => `${site.cookieName}=${site.token}; Path=/; HttpOnly; SameSite=Strict`;

/**
 * Opening a launch link (`GET /?code=…`, a top-level navigation): a live code is traded here for the
 * cookie, with a 303 to the same address without the code — the browser keeps the fragment
 * (`#/backups`) — so the page loads signed in and its first requests (index.html's preloads) carry
 * the session. Returns false, changing nothing, for anything else: no code, not a GET, not a
 * navigation (a link checker's HEAD, a prefetch or a subresource must not use up the code), or a
 * code that cannot be traded — the page then posts it (`POST /api/session`), which says why it is
 * refused and lets the launcher print a new link.
 */
export function launchRedirect(site: SessionSite, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const code = url.searchParams.get(LAUNCH_CODE_QUERY);
  if (!code || code.length > MAX_CODE_LENGTH || req.method !== 'GET') return false;
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined && mode !== 'navigate') return false;
  if (req.headers.purpose === 'prefetch' || req.headers['sec-purpose'] !== undefined) return false;
  if (!site.codes.redeem(code)) return false;
  const rest = new URLSearchParams(url.searchParams);
  rest.delete(LAUNCH_CODE_QUERY);
  const query = rest.toString();
  res.writeHead(303, {
    location: url.pathname + (query ? `?${query}` : ''),
    'set-cookie': sessionCookie(site),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-length': 0,
  });
  res.end();
  return true;
}

/** `POST /api/session` (trade a launch code for the cookie) and `POST /api/session/link` (a new link). */
export async function sessionRoute(site: SessionSite, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'POST') return fail(res, { code: 'BAD_INPUT', message: `Use POST for ${pathname}.` });
  const body = await readJson(req, res, Math.min(site.maxBody, SESSION_MAX_BODY));
  if (!body) return;
  if (pathname === SESSION_LINK_PATH) {
    if (!site.signedIn(req)) return fail(res, NO_SESSION);
    if (!LinkInput.safeParse(body.input ?? {}).success) return fail(res, { code: 'BAD_INPUT', message: 'This request takes no input ({}).' });
    return send(res, 200, { ok: true, result: { url: site.launchUrl() } });
  }
  const parsed = SessionInput.safeParse(body.input ?? {});
  if (!parsed.success) {
    return fail(res, {
      code: 'BAD_INPUT',
      message: 'A sign-in is {"code": "<the code from the link>"}.',
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  const { code } = parsed.data;
  if (code === undefined) return site.signedIn(req) ? send(res, 200, { ok: true, result: { signedIn: true } }) : refuse(site, res, NO_SESSION);
  if (!site.codes.redeem(code)) return refuse(site, res, LINK_REFUSED);
  return send(res, 200, { ok: true, result: { signedIn: true } }, { 'set-cookie': sessionCookie(site) });
}
