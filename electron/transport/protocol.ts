/**
 * Web mode's wire protocol, shared by the server (electron/transport/web.ts) and the renderer's
 * HTTP client (renderer/api.ts). Electron IPC carries the same envelopes over ipcMain/ipcRenderer.
 *
 * - Method call: `POST /api/<method>` with the JSON input as body and header
 *   `Authorization: Bearer <token>`. Reply: 200 `{ ok: true, result }` or a 4xx/5xx
 *   `{ ok: false, error: ApiErrorData }`.
 * - Events: `GET /api/events?token=<token>` as server-sent events; each message has
 *   `event: <event name>` and `data: <JSON payload>`. (EventSource cannot set headers, hence the
 *   query parameter; the token is per launch and the server listens on loopback only.)
 * - The token reaches the browser in the URL fragment (`/#token=…`), which browsers never send
 *   to servers, and the renderer keeps it in sessionStorage.
 */
import type { ApiErrorData } from '../api/errors.js';

export type Reply<T> = { ok: true; result: T } | { ok: false; error: ApiErrorData };

export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const TOKEN_HEADER = 'authorization';
export const TOKEN_QUERY = 'token';
export const TOKEN_FRAGMENT = 'token';

/** Electron IPC channel names. */
export const IPC_INVOKE = 'lifeboat:invoke';
export const IPC_EVENT = 'lifeboat:event';

/** What the preload exposes as `window.lifeboat` (and nothing else). */
export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Reply<unknown>>;
  on(listener: (event: string, payload: unknown) => void): () => void;
}
