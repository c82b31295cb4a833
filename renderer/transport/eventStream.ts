/**
 * Web mode's one server-sent-events stream for all events: it delivers each named event to the
 * hub, and on a drop takes over from EventSource's own retry so the link state and the backoff
 * are the client's to show.
 */
import { STREAM_OPENED_EVENT } from '../../electron/transport/protocol.js';
import type { EventHub } from './listeners.js';
import type { LinkState } from './types.js';

/** The subset of EventSource the client uses (any object with these members will do, e.g. in unit tests). */
export interface EventSourceLike {
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  addEventListener(type: string, listener: (ev: { data: string }) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface EventStreamOptions {
  url: string;
  eventSource: EventSourceFactory;
  hub: EventHub;
  backoff: (attempt: number) => number;
  now: () => number;
  setTimer: (cb: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** The link opened or was lost. */
  onLink(state: LinkState): void;
  /**
   * The stream is open (the first time or again) and says how many events the server had
   * published when it began (protocol.ts STREAM_OPENED_EVENT; null if that message is unreadable).
   */
  onOpen(seq: number | null): void;
}

export interface EventStream {
  /** Opens the stream (after sign-in). */
  connect(): void;
  /** Listens for an event name subscribed after the stream opened. */
  listen(name: string): void;
  close(): void;
}

function listenOn(es: EventSourceLike, hub: EventHub, name: string) {
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

export function createEventStream(o: EventStreamOptions): EventStream {
  let source: EventSourceLike | null = null;
  let attempt = 0;
  let timer: unknown = null;
  let closed = false;

  function connect() {
    if (closed) return;
    const es = o.eventSource(o.url);
    source = es;
    for (const name of o.hub.names()) listenOn(es, o.hub, name);
    es.onopen = () => {
      if (source !== es) return;
      attempt = 0;
      o.onLink({ status: 'open' });
    };
    // Calls start as soon as the session is there, the stream a moment later: a change published
    // in between (detection finishing, say) would be missed for good unless the window reads the
    // state again. The stream's first message says from which event on it brings them all.
    es.addEventListener(STREAM_OPENED_EVENT, (ev) => {
      if (source !== es) return;
      let seq: number | null = null;
      try {
        const d = JSON.parse(ev.data) as { seq?: unknown };
        if (typeof d.seq === 'number' && Number.isSafeInteger(d.seq) && d.seq >= 0) seq = d.seq;
      } catch {
        // unreadable: treated as "cannot tell", so the window reads everything again
      }
      o.onOpen(seq);
    });
    es.onerror = () => {
      if (source !== es) return;
      // Take over from EventSource's own retry so the state and the backoff are ours to show.
      es.close();
      source = null;
      attempt += 1;
      const delay = o.backoff(attempt);
      o.onLink({ status: 'lost', attempt, retryAt: o.now() + delay });
      timer = o.setTimer(() => {
        timer = null;
        connect();
      }, delay);
    };
  }

  return {
    connect,
    listen(name) {
      if (source) listenOn(source, o.hub, name);
    },
    close() {
      closed = true;
      if (timer !== null) o.clearTimer(timer);
      source?.close();
      source = null;
    },
  };
}
