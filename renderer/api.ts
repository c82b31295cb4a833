/**
 * The renderer's one client for the API contract (electron/api/contract.ts).
 *
 * In Electron it talks to `window.lifeboat`, the preload bridge; in web mode it speaks the wire
 * protocol of electron/transport/protocol.ts: the page first trades the launch code in its address
 * for a session cookie (or checks the cookie it has), then `POST /api/<method>`, and one
 * server-sent-events stream for all events; the browser sends the cookie, the page never sees it. Either way a failure arrives as a `LifeboatError`
 * (code, message, hint), so screens and stores handle one kind of error.
 *
 * Only types are imported from the contract: the main process validates every input, output and
 * event with zod, and keeping zod out of the renderer bundle keeps the client small.
 */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../electron/api/contract.js';
import { LifeboatError, errorCodes, type ApiErrorData } from '../electron/api/errors.js';
import {
  API_PREFIX,
  EVENTS_PATH,
  LAUNCH_CODE_QUERY,
  SESSION_PATH,
  type PreloadBridge,
  type Reply,
} from '../electron/transport/protocol.js';

/** State of the link between this window and Lifeboat's main process. */
export type LinkState =
  | { status: 'connecting' }
  | { status: 'open' }
  /** The event stream dropped; `retryAt` is when the next attempt starts (epoch ms). */
  | { status: 'lost'; attempt: number; retryAt: number };

/** Whether this window may talk to Lifeboat, and if not, why (shown instead of the app). */
export type SessionResult = { ok: true } | { ok: false; error: ApiErrorData };

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
  /** Called after the event stream comes back from a drop: events may have been missed, so reload. */
  onResync(cb: () => void): () => void;
  close(): void;
}

// -------------------------------------------------------------------------------------------------
// Errors
// -------------------------------------------------------------------------------------------------

const knownCodes = new Set<string>(errorCodes);

function isErrorData(value: unknown): value is ApiErrorData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && knownCodes.has(v.code) && typeof v.message === 'string';
}

/** Turns a transport reply into its result, or throws it as a LifeboatError. */
export function unwrapReply<T>(reply: unknown, method: string): T {
  if (reply && typeof reply === 'object' && 'ok' in reply) {
    const r = reply as Reply<T>;
    if (r.ok) return r.result;
    if (isErrorData(r.error)) throw LifeboatError.fromData(r.error);
  }
  throw new LifeboatError(
    'INTERNAL',
    `Lifeboat's background service sent a reply to ${method} that the window could not read.`,
    'This is a bug in Lifeboat. Restart Lifeboat; if it happens again, please report it with the Activity details.',
  );
}

/** Any throwable as a LifeboatError, for code that shows errors (never a raw stack). */
export function asLifeboatError(err: unknown): LifeboatError {
  if (err instanceof LifeboatError) return err;
  // An error object that crossed a bridge may have lost its prototype but kept its fields.
  if (isErrorData(err)) return LifeboatError.fromData(err);
  const message = err instanceof Error ? err.message : String(err);
  return new LifeboatError(
    'INTERNAL',
    `Something unexpected went wrong in the Lifeboat window: ${message}`,
    'This is a bug in Lifeboat. Reload the window (Ctrl+R); if it happens again, please report it.',
  );
}

// -------------------------------------------------------------------------------------------------
// Small listener set
// -------------------------------------------------------------------------------------------------

class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(cb: (value: T) => void): () => void {
    this.set.add(cb);
    return () => this.set.delete(cb);
  }
  emit(value: T): void {
    for (const cb of [...this.set]) {
      try {
        cb(value);
      } catch (err) {
        // One broken subscriber must not stop the others from hearing about the event.
        console.error('Lifeboat event listener failed', err);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}

class EventHub {
  private readonly byEvent = new Map<string, Listeners<unknown>>();
  add(event: string, cb: (payload: unknown) => void): { off: () => void; isNew: boolean } {
    let l = this.byEvent.get(event);
    const isNew = !l;
    if (!l) {
      l = new Listeners<unknown>();
      this.byEvent.set(event, l);
    }
    return { off: l.add(cb), isNew };
  }
  emit(event: string, payload: unknown): void {
    this.byEvent.get(event)?.emit(payload);
  }
  names(): string[] {
    return [...this.byEvent.keys()];
  }
}

// -------------------------------------------------------------------------------------------------
// Electron: the preload bridge
// -------------------------------------------------------------------------------------------------

export function createBridgeClient(bridge: PreloadBridge): ApiClient {
  const hub = new EventHub();
  const off = bridge.on((event, payload) => hub.emit(event, payload));
  const open: LinkState = { status: 'open' };
  return {
    transport: 'electron',
    session: Promise.resolve({ ok: true }),
    async call(method, input) {
      let reply: unknown;
      try {
        reply = await bridge.invoke(method, input ?? {});
      } catch (err) {
        throw asLifeboatError(err);
      }
      return unwrapReply(reply, method);
    },
    subscribe(event, cb) {
      return hub.add(event, cb as (p: unknown) => void).off;
    },
    onLink(cb) {
      cb(open);
      return () => {};
    },
    onResync() {
      // IPC cannot drop events the way a network stream can.
      return () => {};
    },
    close: off,
  };
}

// -------------------------------------------------------------------------------------------------
// Web mode: HTTP + server-sent events
// -------------------------------------------------------------------------------------------------

/** The subset of EventSource the client uses (any object with these members will do, e.g. in unit tests). */
export interface EventSourceLike {
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  addEventListener(type: string, listener: (ev: { data: string }) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface WebClientOptions {
  /** Origin (and path) the page was served from, e.g. `http://127.0.0.1:4123/`. */
  baseUrl: string;
  /** The launch code from the page's address (takeLaunchCode), or null to rely on the cookie. */
  launchCode: string | null;
  fetch: typeof fetch;
  eventSource: EventSourceFactory;
  /** Delay before reconnect attempt n (1-based). */
  backoff?: (attempt: number) => number;
  now?: () => number;
  setTimer?: (cb: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** 1 s, 2 s, 4 s … capped at 15 s: quick after a blip, gentle when the service is gone. */
export function defaultBackoff(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export function createWebClient(opts: WebClientOptions): ApiClient {
  const backoff = opts.backoff ?? defaultBackoff;
  const now = opts.now ?? (() => Date.now());
  const setTimer = opts.setTimer ?? ((cb, ms) => setTimeout(cb, ms));
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const hub = new EventHub();
  const linkListeners = new Listeners<LinkState>();
  const resyncListeners = new Listeners<void>();
  let link: LinkState = { status: 'connecting' };
  let source: EventSourceLike | null = null;
  let attempt = 0;

  let timer: unknown = null;
  let closed = false;

  const url = (path: string) => new URL(path.replace(/^\//, ''), opts.baseUrl).toString();

  function setLink(next: LinkState) {
    link = next;
    linkListeners.emit(next);
  }

  function listen(es: EventSourceLike, name: string) {
    es.addEventListener(name, (ev) => {
      let payload: unknown;
      try {
        payload = JSON.parse(ev.data);
      } catch {
        console.error(`Lifeboat event ${name} carried data that is not JSON`);
        return;
      }
      hub.emit(name, payload);
    });
  }

  function connect() {
    if (closed) return;
    const es = opts.eventSource(url(EVENTS_PATH));
    source = es;
    for (const name of hub.names()) listen(es, name);
    es.onopen = () => {
      if (source !== es) return;

      attempt = 0;
      setLink({ status: 'open' });
      // Calls start as soon as the session is there, the stream a moment later: a change published
      // in between (detection finishing, say) would be missed for good, so the window reads the
      // state again once the stream is open — the first time as after a reconnect.
      resyncListeners.emit();
    };
    es.onerror = () => {
      if (source !== es) return;
      // Take over from EventSource's own retry so the state and the backoff are ours to show.
      es.close();
      source = null;
      attempt += 1;
      const delay = backoff(attempt);
      setLink({ status: 'lost', attempt, retryAt: now() + delay });
      timer = setTimer(() => {
        timer = null;
        connect();
      }, delay);
    };
  }

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

  /** One POST /api/session: the launch code for the cookie, or (no code) is the cookie a session? */
  async function signIn(): Promise<SessionResult> {
    let res: Response;
    try {
      res = await opts.fetch(url(SESSION_PATH), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(opts.launchCode ? { code: opts.launchCode } : {}),
      });
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

  const session = signIn();
  // Signed out, the stream would only be refused; the window explains how to sign in instead.
  void session.then((s) => {
    if (s.ok) connect();
  });

  return {
    transport: 'web',
    session,
    async call(method, input) {
      const signedIn = await session;
      if (!signedIn.ok) throw LifeboatError.fromData(signedIn.error);
      let res: Response;
      try {
        res = await opts.fetch(url(API_PREFIX + method), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw LifeboatError.fromData(notAnswering());
      }
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
    },
    subscribe(event, cb) {
      const { off, isNew } = hub.add(event, cb as (p: unknown) => void);
      if (isNew && source) listen(source, event);
      return off;
    },
    onLink(cb) {
      cb(link);
      return linkListeners.add(cb);
    },
    onResync(cb) {
      return resyncListeners.add(cb);
    },
    close() {
      closed = true;
      if (timer !== null) clearTimer(timer);
      source?.close();
      source = null;
    },
  };
}

// -------------------------------------------------------------------------------------------------
// The launch code (web mode)
// -------------------------------------------------------------------------------------------------

interface LocationLike {
  hash: string;
  pathname: string;
  search: string;
}
interface HistoryLike {
  replaceState(data: unknown, unused: string, url?: string): void;
}

/**
 * Takes the launch code from `?code=…` and removes it from the address bar at once (so a used code
 * is not bookmarked, shared in a screenshot, or reloaded); the route in the fragment stays
 * (`/?code=…#/backups` → `/#/backups`). The code works once: the client trades it for the session.
 */
export function takeLaunchCode(location: LocationLike, history: HistoryLike): string | null {
  const params = new URLSearchParams(location.search);
  if (!params.has(LAUNCH_CODE_QUERY)) return null;
  const code = params.get(LAUNCH_CODE_QUERY);
  params.delete(LAUNCH_CODE_QUERY);
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  return code || null;
}

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
