/** The renderer's API client and the shapes it reports (see renderer/api.ts). */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../electron/api/contract.js';
import type { ApiErrorData } from '../../electron/api/errors.js';

/** State of the link between this window and Lifeboat's main process. */
export type LinkState =
  | { status: 'connecting' }
  | { status: 'open' }
  /** The event stream dropped; `retryAt` is when the next attempt starts (epoch ms). */
  | { status: 'lost'; attempt: number; retryAt: number };

/** Whether this window may talk to Lifeboat, and if not, why (shown instead of the app). */
export type SessionResult = { ok: true } | { ok: false; error: ApiErrorData };

/** The event stream (re)opened. */
export interface StreamOpened {
  /**
   * Whether a read answered so far may lack an event the stream will not bring: always after a
   * drop; the first time, only when a reply was read before the stream began (or cannot tell).
   * Ask once the reads in flight are in.
   */
  missedEvents(): boolean;
}

export interface ApiClient {
  readonly transport: 'electron' | 'web';
  /**
   * Settles once the window knows whether it is signed in: at once in Electron; in web mode after
   * trading the launch code in the address for the session cookie, or checking the cookie it has.
   * Calls wait for it (and fail with its error when it is not ok); the event stream starts after it.
   */
  readonly session: Promise<SessionResult>;
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
  /** Link-state changes; the callback also gets the current state at once. */
  onLink(cb: (state: LinkState) => void): () => void;
  /**
   * Called when the event stream opens (web mode; IPC cannot drop events): the first time, and
   * after each drop. Whether the window's reads may have missed events, and so need reading again,
   * is the notice's to say.
   */
  onResync(cb: (opened: StreamOpened) => void): () => void;
  close(): void;
}
