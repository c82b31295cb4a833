/**
 * Web mode: the client over HTTP and server-sent events. The page first trades the launch code in
 * its address for a session cookie (or checks the cookie it has), then `POST /api/<method>`, and one
 * event stream for all events; the browser sends the cookie, the page never sees it.
 *
 * A page opened from its launch link is signed in before its first byte (the server traded the code
 * in a redirect) and index.html preloads the reads a cold start waits for (PRELOADED_METHODS): the
 * first call of one is a GET that takes the preloaded answer, without waiting for the session
 * check; if that GET fails, the call is made again as a POST once the session is settled.
 */
import { LifeboatError } from '../../electron/api/errors.js';
import { EVENTS_PATH, PRELOADED_METHODS } from '../../electron/transport/protocol.js';
import { createEventStream, type EventSourceFactory } from './eventStream.js';
import { EventHub, Listeners } from './listeners.js';
import type { ApiClient, LinkState, StreamOpened } from './types.js';
import { getCall, postCall, signIn, type Http } from './webHttp.js';

/** `{}` or nothing: the only input a preloaded read (a GET) can carry. */
const isEmptyInput = (input: unknown) => input === undefined || (typeof input === 'object' && input !== null && Object.keys(input).length === 0);

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
  const hub = new EventHub();
  const linkListeners = new Listeners<LinkState>();
  const resyncListeners = new Listeners<StreamOpened>();
  let link: LinkState = { status: 'connecting' };
  // The lowest event count of any reply so far (protocol.ts EVENT_SEQ_HEADER), and whether one had none.
  let oldestRead = Infinity;
  let readUncounted = false;
  let opens = 0;
  const http: Http = {
    fetch: opts.fetch,
    url: (path) => new URL(path.replace(/^\//, ''), opts.baseUrl).toString(),
    seen(seq) {
      if (seq === null) readUncounted = true;
      else oldestRead = Math.min(oldestRead, seq);
    },
  };
  const stream = createEventStream({
    url: http.url(EVENTS_PATH),
    eventSource: opts.eventSource,
    hub,
    backoff: opts.backoff ?? defaultBackoff,
    now: opts.now ?? (() => Date.now()),
    setTimer: opts.setTimer ?? ((cb, ms) => setTimeout(cb, ms)),
    clearTimer: opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
    onLink(next) {
      link = next;
      linkListeners.emit(next);
    },
    onOpen(seq) {
      const first = opens++ === 0;
      // After a drop, events were surely missed; the first time, only if a reply predates the stream.
      resyncListeners.emit({ missedEvents: () => !first || seq === null || readUncounted || oldestRead < seq });
    },
  });

  const session = signIn(http, opts.launchCode);
  // Signed out, the stream would only be refused; the window explains how to sign in instead.
  void session.then((s) => {
    if (s.ok) stream.connect();
  });

  return {
    transport: 'web',
    session,
    async call(method, input) {
      if (PRELOADED_METHODS.includes(method) && isEmptyInput(input)) {
        try {
          return await getCall(http, method);
        } catch {
          // Signed out so far (a code the page has yet to trade), or a server without the GET
          // route: the call is made the usual way below, which reports whatever is still wrong.
        }
      }
      const signedIn = await session;
      if (!signedIn.ok) throw LifeboatError.fromData(signedIn.error);
      return postCall(http, method, input);
    },
    subscribe(event, cb) {
      const { off, isNew } = hub.add(event, cb as (p: unknown) => void);
      if (isNew) stream.listen(event);
      return off;
    },
    onLink(cb) {
      cb(link);
      return linkListeners.add(cb);
    },
    onResync(cb) {
      return resyncListeners.add(cb);
    },
    close: () => stream.close(),
  };
}
