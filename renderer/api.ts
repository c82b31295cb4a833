/**
 * The renderer's one client for the API contract (electron/api/contract.ts).
 *
 * In Electron it talks to `window.lifeboat`, the preload bridge (transport/bridge.ts); in web mode
 * it speaks the wire protocol of electron/transport/protocol.ts (transport/web.ts): the page first
 * trades the launch code in its address for a session cookie (or checks the cookie it has), then
 * `POST /api/<method>`, and one server-sent-events stream for all events (transport/eventStream.ts);
 * the browser sends the cookie, the page never sees it. Either way a failure arrives as a
 * `LifeboatError` (code, message, hint), so screens and stores handle one kind of error.
 *
 * Only types are imported from the contract: the main process validates every input, output and
 * event with zod, and keeping zod out of the renderer bundle keeps the client small.
 */
import type { PreloadBridge } from '../electron/transport/protocol.js';
import { createBridgeClient } from './transport/bridge.js';
import type { EventSourceLike } from './transport/eventStream.js';
import { takeLaunchCode } from './transport/launchCode.js';
import type { ApiClient } from './transport/types.js';
import { createWebClient } from './transport/web.js';

export type { ApiClient, LinkState, SessionResult, StreamOpened } from './transport/types.js';
export type { EventSourceLike } from './transport/eventStream.js';
export { asLifeboatError } from './transport/errors.js';
export { createBridgeClient } from './transport/bridge.js';
export { createWebClient, defaultBackoff } from './transport/web.js';
export { takeLaunchCode } from './transport/launchCode.js';

// -------------------------------------------------------------------------------------------------
// The client this window uses
// -------------------------------------------------------------------------------------------------

declare global {
  interface Window {
    lifeboat?: PreloadBridge;
  }
}

export function createDefaultClient(): ApiClient {
  if (window.lifeboat) return createBridgeClient(window.lifeboat);
  const launchCode = takeLaunchCode(window.location, window.history);
  return createWebClient({
    // The API lives at the server's root (/api/…) whatever path the page was served from.
    baseUrl: window.location.origin + '/',
    launchCode,
    fetch: window.fetch.bind(window),
    eventSource: (u) => new EventSource(u) as unknown as EventSourceLike,
  });
}
