/**
 * Web mode's event stream (transport/web.ts): server-sent events for every bus event, with a
 * heartbeat; the first message says how many events the bus had published (protocol.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../events.js';
import { STREAM_OPENED_EVENT } from './protocol.js';

/** Stream the bus to `res` until the request closes; `streams` holds the open ones (ended on close). */
export function streamEvents(req: IncomingMessage, res: ServerResponse, bus: EventBus, streams: Set<ServerResponse>, heartbeatMs = 25_000): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\nretry: 2000\n\n');
  streams.add(res);
  const off = bus.on((event, payload) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload ?? null)}\n\n`);
  });
  // Read in the same turn as the subscription: every event after this count comes down this stream.
  res.write(`event: ${STREAM_OPENED_EVENT}\ndata: ${JSON.stringify({ seq: bus.published })}\n\n`);
  const beat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  beat.unref();
  const done = () => {
    clearInterval(beat);
    off();
    streams.delete(res);
  };
  req.on('close', done);
  res.on('error', done);
}
