import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../events';
import { STREAM_OPENED_EVENT } from './protocol';
import { streamEvents } from './webEvents';

afterEach(() => vi.useRealTimers());

function fakeResponse() {
  const res = Object.assign(new EventEmitter(), { status: 0, headers: {} as Record<string, string>, written: [] as string[] });
  return Object.assign(res, {
    writeHead(status: number, headers: Record<string, string>) {
      res.status = status;
      res.headers = headers;
    },
    write(chunk: string) {
      res.written.push(chunk);
      return true;
    },
  });
}

describe('web event stream', () => {
  it('streams every bus event with a heartbeat, and lets go when the request closes', () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    bus.emit('cluster.changed', undefined as never); // before the stream: counted, not sent
    const streams = new Set<ServerResponse>();
    const req = new EventEmitter() as IncomingMessage;
    const res = fakeResponse();
    streamEvents(req, res as unknown as ServerResponse, bus, streams, 1000);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    // First thing, how many events were published before it: every later one comes down this stream.
    expect(res.written).toEqual([': connected\nretry: 2000\n\n', `event: ${STREAM_OPENED_EVENT}\ndata: {"seq":1}\n\n`]);
    expect(streams.size).toBe(1);
    bus.emit('cluster.changed', undefined as never);
    expect(res.written[2]).toBe('event: cluster.changed\ndata: null\n\n');
    expect(bus.published).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(res.written[3]).toBe(': keep-alive\n\n');
    req.emit('close');
    expect(streams.size).toBe(0);
    expect(bus.size).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(res.written).toHaveLength(4);
  });
});
