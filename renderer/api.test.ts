import { describe, expect, it, vi } from 'vitest';
import { LifeboatError } from '../electron/api/errors.js';
import { EVENT_SEQ_HEADER, STREAM_OPENED_EVENT, type PreloadBridge } from '../electron/transport/protocol.js';
import { createBridgeClient, createWebClient, defaultBackoff, takeLaunchCode, type EventSourceLike, type LinkState, type StreamOpened } from './api.js';

class FakeEventSource implements EventSourceLike {
  static made: FakeEventSource[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  listeners = new Map<string, ((ev: { data: string }) => void)[]>();
  closed = false;
  constructor(public url: string) {
    FakeEventSource.made.push(this);
  }
  addEventListener(type: string, l: (ev: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
  }
  fire(type: string, payload: unknown) {
    for (const l of this.listeners.get(type) ?? []) l({ data: JSON.stringify(payload) });
  }
}

const signedIn = async () => json(200, { ok: true, result: { signedIn: true } });

/** A web client whose sign-in (POST /api/session) answers `signIn`, and every other request `fetchImpl`; settled. */
async function setup(fetchImpl: (url: string, init: RequestInit) => Promise<Response>, signIn = signedIn, launchCode: string | null = 'c0de') {
  FakeEventSource.made = [];
  const timers: { cb: () => void; ms: number }[] = [];
  const fetch = vi.fn((url: string, init: RequestInit) => (url.endsWith('/api/session') ? signIn() : fetchImpl(url, init)));
  const client = createWebClient({
    baseUrl: 'http://127.0.0.1:4000/',
    launchCode,
    fetch: fetch as unknown as typeof globalThis.fetch,
    eventSource: (u) => new FakeEventSource(u),
    now: () => 1000,
    setTimer: (cb, ms) => timers.push({ cb, ms }),
    clearTimer: () => {},
  });
  await client.session;
  await Promise.resolve(); // the stream opens right after
  return { client, fetch, timers, es: () => FakeEventSource.made.at(-1)! };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('web client: signing in', () => {
  it('first trades the launch code: POST /api/session {code}; no credential in any header or URL after', async () => {
    const { client, fetch, es } = await setup(async () => json(200, { ok: true, result: { cancelled: true } }));
    await expect(client.session).resolves.toEqual({ ok: true });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://127.0.0.1:4000/api/session');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ code: 'c0de' });
    await client.call('activity.cancel', { runId: 'r1' });
    const headers = fetch.mock.calls[1][1].headers as Record<string, string>;
    expect(Object.keys(headers)).toEqual(['content-type']);
    expect(es().url).toBe('http://127.0.0.1:4000/api/events');
    expect(fetch).toHaveBeenCalledTimes(2); // one sign-in, whatever the number of calls
  });

  it('without a code, asks whether its cookie is a session (POST /api/session {})', async () => {
    const { client, fetch } = await setup(async () => json(200, {}), signedIn, null);
    await expect(client.session).resolves.toEqual({ ok: true });
    expect(JSON.parse(fetch.mock.calls[0][1].body as string)).toEqual({});
  });

  it("a refused link: the session carries the server's reason, calls fail with it unsent, no stream opens", async () => {
    const reason = {
      code: 'UNAUTHORIZED',
      message: 'This link was already used or has expired.',
      hint: "Start Lifeboat's web mode again, or use the new link it prints.",
    };
    const { client, fetch } = await setup(
      async () => json(200, {}),
      async () => json(401, { ok: false, error: reason }),
    );
    await expect(client.session).resolves.toEqual({ ok: false, error: reason });
    await expect(client.call('cluster.status', {})).rejects.toMatchObject(reason);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.made).toHaveLength(0);
  });

  it('a sign-in that gets no readable answer says how to sign in, or that the service is not answering', async () => {
    const a = await setup(
      async () => json(200, {}),
      async () => new Response('nope', { status: 401 }),
    );
    await expect(a.client.session).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', hint: expect.stringMatching(/link/) } });
    const b = await setup(
      async () => json(200, {}),
      async () => {
        throw new TypeError('Failed to fetch');
      },
    );
    await expect(b.client.session).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL', hint: expect.stringMatching(/lifeboat web/) } });
  });
});

describe('web client: calls', () => {
  it('posts the input to /api/<method> (the browser sends the cookie) and returns the result', async () => {
    const { client, fetch } = await setup(async () => json(200, { ok: true, result: { cancelled: true } }));
    await expect(client.call('activity.cancel', { runId: 'r1' })).resolves.toEqual({ cancelled: true });
    const [url, init] = fetch.mock.calls[1];
    expect(url).toBe('http://127.0.0.1:4000/api/activity.cancel');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(init.body as string)).toEqual({ runId: 'r1' });
  });

  it('rethrows an error reply as a LifeboatError with its code and hint', async () => {
    const { client } = await setup(async () =>
      json(400, { ok: false, error: { code: 'KUBECONFIG_MISSING', message: 'There is no kubeconfig at /x.', hint: 'Choose a kubeconfig file.' } }),
    );
    const err = await client.call('cluster.connect', { kubeconfigPath: '/x' }).catch((e) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err).toMatchObject({ code: 'KUBECONFIG_MISSING', message: 'There is no kubeconfig at /x.', hint: 'Choose a kubeconfig file.' });
  });

  it('turns an unreachable service into an error with a hint, not a TypeError', async () => {
    const { client } = await setup(async () => {
      throw new TypeError('Failed to fetch');
    });
    const err = await client.call('cluster.status', {}).catch((e) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err.code).toBe('INTERNAL');
    expect(err.hint).toMatch(/lifeboat web/);
  });

  it('explains a 401 without a JSON body as a sign-in problem', async () => {
    const { client } = await setup(async () => new Response('nope', { status: 401 }));
    await expect(client.call('cluster.status', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringMatching(/link `lifeboat web` printed/) });
  });

  it('rejects a reply that is JSON but not an envelope', async () => {
    const { client } = await setup(async () => json(200, { hello: 1 }));
    await expect(client.call('cluster.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('rejects an error reply whose code is not one of ours', async () => {
    const { client } = await setup(async () => json(500, { ok: false, error: { code: 'WAT', message: 'x' } }));
    await expect(client.call('cluster.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('web client: the preloaded reads', () => {
  const rows = { v: 1, strings: [], rows: [] };

  it('reads backups.rows with GET /api/backups.rows (what index.html preloads), without waiting for the session check', async () => {
    let settle: (r: Response) => void = () => {};
    const pendingSignIn = () => new Promise<Response>((r) => (settle = r));
    const fetch = vi.fn((url: string, _init?: RequestInit) =>
      url.endsWith('/api/session') ? pendingSignIn() : Promise.resolve(json(200, { ok: true, result: rows })),
    );
    const client = createWebClient({
      baseUrl: 'http://127.0.0.1:4000/',
      launchCode: null,
      fetch: fetch as unknown as typeof globalThis.fetch,
      eventSource: (u) => new FakeEventSource(u),
    });
    await expect(client.call('backups.rows', {})).resolves.toEqual(rows); // the session check is still unanswered
    const get = fetch.mock.calls.find(([url]) => url.endsWith('/api/backups.rows'))!;
    expect(get[1]).toBeUndefined(); // a plain GET: the same request as <link rel=preload as=fetch crossorigin>
    settle(await signedIn());
  });

  it('refused by GET (signed out until the page trades its code), the call waits for the session and POSTs', async () => {
    const seen: string[] = [];
    const { client } = await setup(async (url, init) => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
      return init?.method === 'POST'
        ? json(200, { ok: true, result: rows })
        : json(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'not signed in' } });
    });
    await expect(client.call('backups.rows', {})).resolves.toEqual(rows);
    expect(seen).toEqual(['GET /api/backups.rows', 'POST /api/backups.rows']);
  });

  it('a refused sign-in still fails the call with its reason', async () => {
    const refused = async () => json(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'This link was already used or has expired.', hint: 'x' } });
    const { client } = await setup(async () => json(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'not signed in' } }), refused);
    await expect(client.call('backups.rows', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'This link was already used or has expired.' });
  });

  it('other methods, and backups.rows with an input, are POSTs as always', async () => {
    const seen: string[] = [];
    const { client } = await setup(async (url, init) => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
      return json(200, { ok: true, result: {} });
    });
    await client.call('backups.list', {});
    await client.call('backups.rows', { x: 1 } as never);
    expect(seen).toEqual(['POST /api/backups.list', 'POST /api/backups.rows']);
  });
});

describe('web client: events', () => {
  it('opens one stream (no credential in its URL) and delivers payloads to subscribers', async () => {
    const { client, es } = await setup(async () => json(200, {}));
    expect(es().url).toBe('http://127.0.0.1:4000/api/events');
    const got: unknown[] = [];
    const off = client.subscribe('activity.entry', (e) => got.push(e));
    es().fire('activity.entry', { id: 'a' });
    off();
    es().fire('activity.entry', { id: 'b' });
    expect(got).toEqual([{ id: 'a' }]);
  });

  it('reports a lost stream, retries with backoff, and asks for a resync when it is back', async () => {
    const { client, timers, es } = await setup(async () => json(200, {}));
    const states: LinkState[] = [];
    client.onLink((s) => states.push(s));
    const resync = vi.fn();
    client.onResync(resync);
    client.subscribe('cluster.changed', () => {});

    const first = es();
    first.onopen?.({});
    expect(states.at(-1)).toEqual({ status: 'open' });
    // The notice comes with the stream's first message, which says where its events begin.
    expect(resync).not.toHaveBeenCalled();
    first.fire(STREAM_OPENED_EVENT, { seq: 0 });
    expect(resync).toHaveBeenCalledTimes(1);

    first.onerror?.({});
    expect(first.closed).toBe(true);
    expect(states.at(-1)).toEqual({ status: 'lost', attempt: 1, retryAt: 2000 });
    expect(timers.at(-1)!.ms).toBe(1000);

    timers.at(-1)!.cb();
    const second = es();
    expect(second).not.toBe(first);
    expect(second.listeners.has('cluster.changed')).toBe(true);
    second.onerror?.({});
    expect(states.at(-1)).toMatchObject({ status: 'lost', attempt: 2 });
    expect(timers.at(-1)!.ms).toBe(2000);

    timers.at(-1)!.cb();
    es().onopen?.({});
    es().fire(STREAM_OPENED_EVENT, { seq: 7 });
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(resync).toHaveBeenCalledTimes(2);
    expect(resync.mock.calls[1]![0].missedEvents()).toBe(true); // after a drop, always
  });

  it("the first open says events were missed only when a reply was read before the stream's first event count", async () => {
    const replies: Array<string | null> = [];
    const counted = async () => {
      const seq = replies.shift();
      return new Response(JSON.stringify({ ok: true, result: {} }), {
        status: 200,
        headers: { 'content-type': 'application/json', ...(seq === null || seq === undefined ? {} : { [EVENT_SEQ_HEADER]: seq }) },
      });
    };
    const opened = async (seqs: Array<string | null>, streamSeq: unknown) => {
      const { client, es } = await setup(counted);
      const notices: StreamOpened[] = [];
      client.onResync((n) => notices.push(n));
      replies.push(...seqs);
      for (let i = 0; i < seqs.length; i++) await client.call('backups.list', {});
      es().onopen?.({});
      es().fire(STREAM_OPENED_EVENT, { seq: streamSeq });
      return notices[0]!.missedEvents();
    };
    expect(await opened(['5', '5'], 5)).toBe(false); // nothing published between the reads and the stream
    expect(await opened(['6'], 5)).toBe(false); // read after the stream began: its events come down the stream
    expect(await opened([], 5)).toBe(false); // nothing read yet
    expect(await opened(['5', '4'], 5)).toBe(true); // one read predates an event the stream will not bring
    expect(await opened(['5', null], 5)).toBe(true); // a reply without a count: cannot tell
    expect(await opened(['5', 'x'], 5)).toBe(true);
    expect(await opened(['5'], 'five')).toBe(true); // an unreadable first message: cannot tell
  });

  it('stops retrying once closed', async () => {
    const { client, timers, es } = await setup(async () => json(200, {}));
    es().onerror?.({});
    client.close();
    const before = FakeEventSource.made.length;
    timers.at(-1)!.cb();
    expect(FakeEventSource.made.length).toBe(before);
  });

  it('backs off 1 s, 2 s, 4 s … up to 15 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(defaultBackoff)).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });
});

describe('bridge client (Electron)', () => {
  it('unwraps replies, rethrows errors and fans out events', async () => {
    let listener: (e: string, p: unknown) => void = () => {};
    const bridge: PreloadBridge = {
      invoke: vi.fn(async (method: string) =>
        method === 'cluster.status'
          ? { ok: true as const, result: { state: 'disconnected' } }
          : { ok: false as const, error: { code: 'NOT_CONNECTED' as const, message: 'Not connected.', hint: 'Connect first.' } },
      ),
      on: (l) => {
        listener = l;
        return () => {};
      },
    };
    const client = createBridgeClient(bridge);
    await expect(client.call('cluster.status', {})).resolves.toEqual({ state: 'disconnected' });
    await expect(client.call('environment.refresh', {})).rejects.toMatchObject({ code: 'NOT_CONNECTED', hint: 'Connect first.' });
    const seen: unknown[] = [];
    client.subscribe('environment.changed', (p) => seen.push(p));
    listener('environment.changed', null);
    listener('cluster.changed', {});
    expect(seen).toEqual([null]);
    const states: LinkState[] = [];
    client.onLink((s) => states.push(s));
    expect(states).toEqual([{ status: 'open' }]);
  });
});

describe('takeLaunchCode', () => {
  it('takes the code from ?code=… and clears it from the address bar at once', () => {
    const history = { replaceState: vi.fn() };
    expect(takeLaunchCode({ hash: '', pathname: '/', search: '?code=abc123' }, history)).toBe('abc123');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('keeps the route of /?code=…#/screen (a fresh page opens straight at that screen) and other parameters', () => {
    const history = { replaceState: vi.fn() };
    expect(takeLaunchCode({ hash: '#/backups', pathname: '/', search: '?code=t1' }, history)).toBe('t1');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/#/backups');
    const h2 = { replaceState: vi.fn() };
    expect(takeLaunchCode({ hash: '#/activity', pathname: '/', search: '?x=1&code=t2' }, h2)).toBe('t2');
    expect(h2.replaceState).toHaveBeenCalledWith(null, '', '/?x=1#/activity');
  });

  it('returns null when there is none (a reload: the cookie is the session), leaving the address alone', () => {
    const history = { replaceState: vi.fn() };
    expect(takeLaunchCode({ hash: '#/activity', pathname: '/', search: '' }, history)).toBeNull();
    expect(history.replaceState).not.toHaveBeenCalled();
    const h2 = { replaceState: vi.fn() };
    expect(takeLaunchCode({ hash: '', pathname: '/', search: '?code=' }, h2)).toBeNull();
    expect(h2.replaceState).toHaveBeenCalledWith(null, '', '/');
  });
});
