/**
 * Web mode over HTTP: the sign-in (POST /api/session) and the calls (POST /api/<method>, and
 * GET /api/<method> for the preloaded reads).
 */
import { LifeboatError, type ApiErrorData } from '../../electron/api/errors.js';
import { API_PREFIX, EVENT_SEQ_HEADER, SESSION_PATH, type Reply } from '../../electron/transport/protocol.js';
import { isErrorData, unwrapReply } from './errors.js';
import type { SessionResult } from './types.js';

const notAnswering = (): ApiErrorData => ({
  code: 'INTERNAL',
  message: "Lifeboat's background service is not answering.",
  hint: 'If the terminal running `lifeboat web` was closed, start it again and open the link it prints.',
});
const notSignedIn = (): ApiErrorData => ({
  code: 'UNAUTHORIZED',
  message: 'This window is not signed in to Lifeboat.',
  hint: 'Open the link `lifeboat web` printed in its terminal (each link works once, for two minutes; it prints a new one when an old one is refused).',
});

/** How the client reaches the server: `fetch` and the absolute URL of a path. */
export interface Http {
  fetch: typeof fetch;
  url(path: string): string;
  /** Each API reply's event count (protocol.ts EVENT_SEQ_HEADER), null when it has none. */
  seen?(seq: number | null): void;
}

/** The reply's event count, or null when it carries none that is valid. */
function seqOf(res: Response): number | null {
  const v = res.headers?.get(EVENT_SEQ_HEADER);
  return v !== null && v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null;
}

const postJson = (http: Http, path: string, body: unknown) =>
  http.fetch(http.url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** One POST /api/session: the launch code for the cookie, or (no code) is the cookie a session? */
export async function signIn(http: Http, launchCode: string | null): Promise<SessionResult> {
  let res: Response;
  try {
    res = await postJson(http, SESSION_PATH, launchCode ? { code: launchCode } : {});
  } catch {
    return { ok: false, error: notAnswering() };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const reply = body as Reply<unknown> | undefined;
  if (res.ok && reply?.ok) return { ok: true };
  if (reply && !reply.ok && isErrorData(reply.error)) return { ok: false, error: reply.error };
  return { ok: false, error: res.status === 401 ? notSignedIn() : notAnswering() };
}

/** The result of an API reply, or its failure as a LifeboatError. */
async function resultOf<T>(http: Http, res: Response, method: string): Promise<T> {
  http.seen?.(seqOf(res));
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    if (res.status === 401) throw LifeboatError.fromData(notSignedIn());
    throw new LifeboatError(
      'INTERNAL',
      `Lifeboat's background service answered ${method} with HTTP ${res.status} and no readable reply.`,
      'Restart `lifeboat web`; if it happens again, please report it.',
    );
  }
  return unwrapReply(body, method);
}

/** One POST /api/<method>: its result, or its failure as a LifeboatError. */
export async function postCall<T>(http: Http, method: string, input: unknown): Promise<T> {
  let res: Response;
  try {
    res = await postJson(http, API_PREFIX + method, input ?? {});
  } catch {
    throw LifeboatError.fromData(notAnswering());
  }
  return resultOf<T>(http, res, method);
}

/**
 * One GET /api/<method> of a preloaded read (protocol.ts PRELOADED_METHODS): the same request as
 * index.html's preload link (a same-origin GET, credentials same-origin), so the browser answers it
 * with the response already fetched, or on its way.
 */
export async function getCall<T>(http: Http, method: string): Promise<T> {
  let res: Response;
  try {
    res = await http.fetch(http.url(API_PREFIX + encodeURIComponent(method)));
  } catch {
    throw LifeboatError.fromData(notAnswering());
  }
  return resultOf<T>(http, res, method);
}
