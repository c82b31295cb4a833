import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, httpStatusOf, readJson, send } from './webHttp';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server answering every request with `handler`, and one request to it. */
async function roundTrip(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>, body: string, headers: Record<string, string>) {
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const echo = (limit: number) => async (req: IncomingMessage, res: ServerResponse) => {
  const body = await readJson(req, res, limit);
  if (body) send(res, 200, { ok: true, result: body.input ?? null });
};
const JSON_TYPE = { 'content-type': 'application/json' };

describe('web HTTP plumbing', () => {
  it('maps error codes to statuses, 422 for the rest', () => {
    expect(httpStatusOf('BAD_INPUT')).toBe(400);
    expect(httpStatusOf('UNAUTHORIZED')).toBe(401);
    expect(httpStatusOf('FORBIDDEN_ORIGIN')).toBe(403);
    expect(httpStatusOf('TOOL_TIMEOUT')).toBe(504);
    expect(httpStatusOf('INTERNAL')).toBe(500);
    expect(httpStatusOf('ARCHIVE_INVALID')).toBe(422);
  });

  it('sends JSON that is never cached or sniffed, and errors with their status', async () => {
    const ok = await roundTrip((_req, res) => send(res, 200, { ok: true, result: 1 }, { 'x-extra': 'y' }), '', {});
    expect(ok).toMatchObject({ status: 200, body: { ok: true, result: 1 } });
    expect(ok.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-extra': 'y' });
    server!.close();
    const bad = await roundTrip((_req, res) => fail(res, { code: 'UNAUTHORIZED', message: 'no' }), '', {});
    expect(bad).toMatchObject({ status: 401, body: { ok: false, error: { code: 'UNAUTHORIZED' } } });
  });

  it('reads a JSON body; an empty body is no input', async () => {
    expect((await roundTrip(echo(100), '{"a":1}', JSON_TYPE)).body).toEqual({ ok: true, result: { a: 1 } });
    server!.close();
    expect((await roundTrip(echo(100), '  ', JSON_TYPE)).body).toEqual({ ok: true, result: null });
  });

  it('refuses a body that is not JSON, not typed as JSON, or over the limit', async () => {
    const untyped = await roundTrip(echo(100), '{}', { 'content-type': 'text/plain' });
    expect(untyped).toMatchObject({ status: 400, body: { error: { code: 'BAD_INPUT', message: expect.stringMatching(/must be JSON/) } } });
    server!.close();
    const broken = await roundTrip(echo(100), '{', JSON_TYPE);
    expect(broken).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/not valid JSON/) } } });
    server!.close();
    const big = await roundTrip(echo(10), JSON.stringify({ a: 'x'.repeat(50) }), JSON_TYPE);
    expect(big).toMatchObject({ status: 413, body: { error: { message: 'The request body is larger than 10 bytes.' } } });
    expect(big.headers.connection).toBe('close');
  });
});
