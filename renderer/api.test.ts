import { describe, expect, it, vi } from 'vitest';
import { LifeboatError } from '../electron/api/errors.js';
import type { PreloadBridge } from '../electron/transport/protocol.js';
import { createBridgeClient, createWebClient, defaultBackoff, takeToken, type EventSourceLike, type LinkState } from './api.js';

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

function setup(fetchImpl: (url: string, init: RequestInit) => Promise<Response>) {
  FakeEventSource.made = [];
  const timers: { cb: () => void; ms: number }[] = [];
  const fetch = vi.fn(fetchImpl);
  const client = createWebClient({
    baseUrl: 'http://127.0.0.1:4000/',
    token: 'tok en',
    fetch: fetch as unknown as typeof globalThis.fetch,
    eventSource: (u) => new FakeEventSource(u),
    now: () => 1000,
    setTimer: (cb, ms) => timers.push({ cb, ms }),
    clearTimer: () => {},
  });
  return { client, fetch, timers, es: () => FakeEventSource.made.at(-1)! };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('web client: calls', () => {
  it('posts the input to /api/<method> with the bearer token and returns the result', async () => {
    const { client, fetch } = setup(async () => json(200, { ok: true, result: { cancelled: true } }));
    await expect(client.call('activity.cancel', { runId: 'r1' })).resolves.toEqual({ cancelled: true });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://127.0.0.1:4000/api/activity.cancel');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok en');
    expect(JSON.parse(init.body as string)).toEqual({ runId: 'r1' });
  });

  it('rethrows an error reply as a LifeboatError with its code and hint', async () => {
    const { client } = setup(async () =>
      json(400, { ok: false, error: { code: 'KUBECONFIG_MISSING', message: 'There is no kubeconfig at /x.', hint: 'Choose a kubeconfig file.' } }),
    );
    const err = await client.call('cluster.connect', { kubeconfigPath: '/x' }).catch((e) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err).toMatchObject({ code: 'KUBECONFIG_MISSING', message: 'There is no kubeconfig at /x.', hint: 'Choose a kubeconfig file.' });
  });

  it('turns an unreachable service into an error with a hint, not a TypeError', async () => {
    const { client } = setup(async () => {
      throw new TypeError('Failed to fetch');
    });
    const err = await client.call('cluster.status', {}).catch((e) => e);
    expect(err).toBeInstanceOf(LifeboatError);
    expect(err.code).toBe('INTERNAL');
    expect(err.hint).toMatch(/lifeboat web/);
  });

  it('explains a 401 without a JSON body as a sign-in problem', async () => {
    const { client } = setup(async () => new Response('nope', { status: 401 }));
    await expect(client.call('cluster.status', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringMatching(/#token=/) });
  });

  it('knows whether it has a token', () => {
    expect(setup(async () => json(200, {})).client.hasToken).toBe(true);
    const bare = createWebClient({ baseUrl: 'http://x/', token: null, fetch: globalThis.fetch, eventSource: (u) => new FakeEventSource(u) });
    expect(bare.hasToken).toBe(false);
    bare.close();
  });

  it('rejects a reply that is JSON but not an envelope', async () => {
    const { client } = setup(async () => json(200, { hello: 1 }));
    await expect(client.call('cluster.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('rejects an error reply whose code is not one of ours', async () => {
    const { client } = setup(async () => json(500, { ok: false, error: { code: 'WAT', message: 'x' } }));
    await expect(client.call('cluster.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('web client: events', () => {
  it('opens one stream with the token in the query and delivers payloads to subscribers', () => {
    const { client, es } = setup(async () => json(200, {}));
    expect(es().url).toBe('http://127.0.0.1:4000/api/events?token=tok%20en');
    const got: unknown[] = [];
    const off = client.subscribe('activity.entry', (e) => got.push(e));
    es().fire('activity.entry', { id: 'a' });
    off();
    es().fire('activity.entry', { id: 'b' });
    expect(got).toEqual([{ id: 'a' }]);
  });

  it('reports a lost stream, retries with backoff, and asks for a resync when it is back', () => {
    const { client, timers, es } = setup(async () => json(200, {}));
    const states: LinkState[] = [];
    client.onLink((s) => states.push(s));
    const resync = vi.fn();
    client.onResync(resync);
    client.subscribe('cluster.changed', () => {});

    const first = es();
    first.onopen?.({});
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(resync).not.toHaveBeenCalled();

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
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(resync).toHaveBeenCalledTimes(1);
  });

  it('stops retrying once closed', () => {
    const { client, timers, es } = setup(async () => json(200, {}));
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

describe('takeToken', () => {
  const storage = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };

  it('moves the token from the fragment to storage and clears it from the address bar', () => {
    const s = storage();
    const history = { replaceState: vi.fn() };
    expect(takeToken({ hash: '#token=abc123', pathname: '/', search: '' }, s, history)).toBe('abc123');
    expect(s.getItem('lifeboat.token')).toBe('abc123');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('keeps the route of #/screen?token=… (a fresh page opens straight at that screen)', () => {
    const history = { replaceState: vi.fn() };
    expect(takeToken({ hash: '#/backups?token=t1', pathname: '/', search: '' }, storage(), history)).toBe('t1');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/#/backups');
  });

  it('falls back to the stored token after a reload', () => {
    const s = storage();
    s.setItem('lifeboat.token', 'kept');
    const history = { replaceState: vi.fn() };
    expect(takeToken({ hash: '#/activity', pathname: '/', search: '' }, s, history)).toBe('kept');
    expect(history.replaceState).not.toHaveBeenCalled();
  });

  it('returns null when there is none', () => {
    expect(takeToken({ hash: '', pathname: '/', search: '' }, storage(), { replaceState() {} })).toBeNull();
  });
});
