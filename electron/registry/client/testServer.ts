/**
 * For the client modules' unit tests: a local HTTP server whose handler each test sets, recording
 * every request (method, path with query, headers), and a transport pointed at it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { RegistryTransport, type RegistryClientOptions } from './transport.js';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface TestServer {
  base: string;
  seen: Seen[];
  handle(h: (req: Seen, res: http.ServerResponse) => void): void;
  transport(opts?: Partial<RegistryClientOptions>): RegistryTransport;
  close(): Promise<void>;
}

export const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function startServer(): Promise<TestServer> {
  const seen: Seen[] = [];
  let handler: (req: Seen, res: http.ServerResponse) => void = (_q, res) => {
    res.writeHead(404);
    res.end();
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transports: RegistryTransport[] = [];
  return {
    base,
    seen,
    handle: (h) => {
      handler = h;
      seen.length = 0;
    },
    transport: (opts = {}) => {
      const t = new RegistryTransport({ registry: base, retries: 1, ...opts });
      transports.push(t);
      return t;
    },
    close: () => {
      for (const t of transports) t.close();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
