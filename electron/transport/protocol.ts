/**
 * Web mode's wire protocol, shared by the server (electron/transport/web.ts) and the renderer's
 * HTTP client (renderer/api.ts). Electron IPC carries the same envelopes over ipcMain/ipcRenderer.
 *
 * - Method call: `POST /api/<method>` with the JSON input as body; the browser sends the session
 *   cookie. Reply: 200 `{ ok: true, result }` or a 4xx/5xx `{ ok: false, error: ApiErrorData }`.
 * - Events: `GET /api/events` as server-sent events (the cookie again); each message has
 *   `event: <event name>` and `data: <JSON payload>`.
 * - Signing in: web mode opens (and prints) `http://127.0.0.1:<port>/?code=<launch code>`. A
 *   launch code works once, within LAUNCH_CODE_TTL_MS; the page trades it with
 *   `POST /api/session {"code": …}` for the session cookie (`lifeboat_<port>`: HttpOnly,
 *   SameSite=Strict) and takes the code out of the address bar. The session secret itself is never
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
