/**
 * Web mode's wire protocol, shared by the server (electron/transport/web.ts) and the renderer's
 * HTTP client (renderer/api.ts). Electron IPC carries the same envelopes over ipcMain/ipcRenderer.
 *
 * - Method call: `POST /api/<method>` with the JSON input as body; the browser sends the session
 *   cookie. Reply: 200 `{ ok: true, result }` or a 4xx/5xx `{ ok: false, error: ApiErrorData }`.
 *   The few reads that take no input and that a cold start waits for (PRELOADED_METHODS) may also
 *   be `GET /api/<method>`, same reply, so index.html can have the browser fetch them while the
 *   scripts load; such a GET must say `Sec-Fetch-Site: same-origin` (a GET carries no Origin and
 *   needs no CORS preflight, so that header is what tells the page's own fetch from another site's).
 * - Events: `GET /api/events` as server-sent events (the cookie again); each message has
 *   `event: <event name>` and `data: <JSON payload>`; the first is STREAM_OPENED_EVENT, and each
 *   API reply has an EVENT_SEQ_HEADER, so the window can tell whether it missed an event.
 * - Signing in: web mode opens (and prints) `http://127.0.0.1:<port>/?code=<launch code>`. A
 *   launch code works once, within LAUNCH_CODE_TTL_MS. Opening the link trades it for the session
 *   cookie (`lifeboat_<port>`: HttpOnly, SameSite=Strict) in a 303 redirect to the same address
 *   without the code, so the page's first requests are signed in. A code the navigation could not
 *   trade (used, expired) is left in the address: the page posts it with
 *   `POST /api/session {"code": …}`, which says why it is refused, and takes it out of the address
 *   bar. The session secret itself is never
 *   in a URL, an argv or the page's reach. `POST /api/session {}` answers whether the cookie is a
 *   session; `POST /api/session/link {}` (with the cookie) answers a new link, for test harnesses
 *   that open many pages.
 * - Deep links keep their route in the fragment: `/?code=…#/backups`.
 */
import type { ApiErrorData } from '../api/errors.js';

export type Reply<T> = { ok: true; result: T } | { ok: false; error: ApiErrorData };

export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const SESSION_PATH = '/api/session';
export const SESSION_LINK_PATH = '/api/session/link';
/**
 * Reads a cold start waits for, that take no input: the page may `GET /api/<method>` them, and a
 * signed-in index.html preloads them (renderer/transport/web.ts uses the preloaded answer).
 */
export const PRELOADED_METHODS: readonly string[] = ['backups.rows'];

/**
 * Whether the window may have missed an event between its reads and the event stream. The bus
 * counts the events it publishes (electron/events.ts); every API reply says the count when its
 * request arrived (this header), and the stream's first message (STREAM_OPENED_EVENT, data
 * `{"seq": n}`) the count when it began. A reply with a lower count was read before events the
 * stream will not bring; when no reply is, the window's reads and the stream leave no gap, and
 * the window need not read everything a second time when the stream first opens.
 */
export const EVENT_SEQ_HEADER = 'x-lifeboat-event-seq';
/** The event stream's first message (a name no contract event can have: contract names have no colon). */
export const STREAM_OPENED_EVENT = 'lifeboat:stream-opened';

/** The query parameter of a launch link that carries its single-use code. */
export const LAUNCH_CODE_QUERY = 'code';
/** How long a launch code can be traded for a session. */
export const LAUNCH_CODE_TTL_MS = 2 * 60_000;
/** Cookies are not scoped by port, so the session cookie's name carries it. */
export const sessionCookieName = (port: number | string) => `lifeboat_${port}`;

/** Electron IPC channel names. */
export const IPC_INVOKE = 'lifeboat:invoke';
export const IPC_EVENT = 'lifeboat:event';

/** What the preload exposes as `window.lifeboat` (and nothing else). */
export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Reply<unknown>>;
  on(listener: (event: string, payload: unknown) => void): () => void;
}
