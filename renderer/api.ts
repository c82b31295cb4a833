/**
 * The renderer's one client for the API contract (electron/api/contract.ts).
 *
 * In Electron it talks to `window.lifeboat`, the preload bridge; in web mode it speaks the wire
 * protocol of electron/transport/protocol.ts: `POST /api/<method>` with a bearer token, and one
 * server-sent-events stream for all events. Either way a failure arrives as a `LifeboatError`
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
  TOKEN_FRAGMENT,
  TOKEN_QUERY,
  type PreloadBridge,
  type Reply,
} from '../electron/transport/protocol.js';

/** State of the link between this window and Lifeboat's main process. */
export type LinkState =
  | { status: 'connecting' }
  | { status: 'open' }
  /** The event stream dropped; `retryAt` is when the next attempt starts (epoch ms). */
  | { status: 'lost'; attempt: number; retryAt: number };

export interface ApiClient {
  readonly transport: 'electron' | 'web';
  /** False in web mode when the page was opened without its launch token: nothing will work. */
  readonly hasToken: boolean;
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
    hasToken: true,
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

/** The subset of EventSource the client uses, so tests can pass a fake. */
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
  token: string | null;
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
  let everOpened = false;
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
    const q = opts.token ? `?${TOKEN_QUERY}=${encodeURIComponent(opts.token)}` : '';
    const es = opts.eventSource(url(EVENTS_PATH) + q);
    source = es;
    for (const name of hub.names()) listen(es, name);
    es.onopen = () => {
      if (source !== es) return;
      const wasLost = everOpened;
      everOpened = true;
      attempt = 0;
      setLink({ status: 'open' });
      if (wasLost) resyncListeners.emit();
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

  // Without a token the stream would only be refused; the window explains how to get one instead.
  if (opts.token) connect();

  return {
    transport: 'web',
    hasToken: !!opts.token,
    async call(method, input) {
      let res: Response;
      try {
        res = await opts.fetch(url(API_PREFIX + method), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new LifeboatError(
          'INTERNAL',
          "Lifeboat's background service is not answering.",
          'If the terminal running `lifeboat web` was closed, start it again and open the address it prints.',
        );
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        if (res.status === 401) {
          throw new LifeboatError(
            'UNAUTHORIZED',
            'This window is not signed in to Lifeboat.',
            'Open the full address `lifeboat web` printed (it ends in #token=…).',
          );
        }
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
// The token (web mode)
// -------------------------------------------------------------------------------------------------

export const TOKEN_STORAGE_KEY = 'lifeboat.token';

interface LocationLike {
  hash: string;
  pathname: string;
  search: string;
}
interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
interface HistoryLike {
  replaceState(data: unknown, unused: string, url?: string): void;
}

/**
 * Takes the token from `#token=…` into sessionStorage and removes it from the address bar (so it
 * is not bookmarked, shared in a screenshot, or left in history); falls back to the stored one.
 */
export function takeToken(location: LocationLike, storage: StorageLike, history: HistoryLike): string | null {
  const hash = location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.startsWith('/') ? hash.slice(hash.indexOf('?') + 1 || hash.length) : hash);
  const fromHash = params.get(TOKEN_FRAGMENT);
  if (fromHash) {
    storage.setItem(TOKEN_STORAGE_KEY, fromHash);
    // `#/backups?token=…` keeps its route (`#/backups`); a bare `#token=…` leaves no fragment.
    const route = hash.startsWith('/') ? `#${hash.slice(0, hash.indexOf('?') === -1 ? hash.length : hash.indexOf('?'))}` : '';
    history.replaceState(null, '', location.pathname + location.search + route);
    return fromHash;
  }
  return storage.getItem(TOKEN_STORAGE_KEY);
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
  const token = takeToken(window.location, window.sessionStorage, window.history);
  return createWebClient({
    // The API lives at the server's root (/api/…) whatever path the page was served from.
    baseUrl: window.location.origin + '/',
    token,
    fetch: window.fetch.bind(window),
    eventSource: (u) => new EventSource(u) as unknown as EventSourceLike,
  });
}
