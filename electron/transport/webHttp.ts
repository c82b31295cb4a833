/**
 * Web mode's HTTP plumbing (transport/web.ts): JSON replies with the status an error code maps to,
 * and request bodies read within a byte limit (a refused body is drained, bounded, so the reply is
 * not lost to a reset connection).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorData, ErrorCode } from '../api/errors.js';
import type { Reply } from './protocol.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_ORIGIN: 403,
  PERMISSION_DENIED: 403,
  UNKNOWN_METHOD: 404,
  NOT_CONNECTED: 409,
  CLUSTER_UNREACHABLE: 502,
  CLUSTER_AUTH_FAILED: 502,
  CERTIFICATE_EXPIRED: 502,
  TOOL_TIMEOUT: 504,
  INTERNAL: 500,
};
export const httpStatusOf = (code: ErrorCode) => STATUS[code] ?? 422;

export function send(res: ServerResponse, status: number, body: Reply<unknown>, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

export function fail(res: ServerResponse, error: ApiErrorData, extra: Record<string, string> = {}): void {
  send(res, httpStatusOf(error.code), { ok: false, error }, extra);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new Error('too-large'));
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // A chunked body has no Content-Length to refuse up front: stop keeping it, let the caller
        // answer 413, and drop the rest (bounded) so the reply is not lost to a reset connection.
        req.off('data', onData);
        chunks.length = 0;
        reject(new Error('too-large'));
        discardRest(req);
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads and drops what is left of a refused body for at most 2 s or 1 MiB, then closes the connection. */
function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  const timer = setTimeout(() => req.destroy(), 2000);
  timer.unref();
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > 1024 * 1024) {
      clearTimeout(timer);
      req.destroy();
    }
  });
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.resume();
}

/** The JSON body (undefined when empty), or null once an error reply has been sent. */
export async function readJson(req: IncomingMessage, res: ServerResponse, limit: number): Promise<{ input: unknown } | null> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) {
    fail(res, {
      code: 'BAD_INPUT',
      message: 'The request body must be JSON (Content-Type: application/json).',
      hint: 'Send the method input as a JSON object with Content-Type: application/json.',
    });
    return null;
  }
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (err) {
    const tooLarge = (err as Error).message === 'too-large';
    res.setHeader('connection', 'close');
    send(res, tooLarge ? 413 : 400, {
      ok: false,
      error: {
        code: 'BAD_INPUT',
        message: tooLarge ? `The request body is larger than ${limit} bytes.` : 'The request body could not be read.',
        hint: tooLarge ? 'Send a smaller input; files are named by path, never uploaded.' : 'Send the request again; the connection may have been cut.',
      },
    });
    return null;
  }
  if (!text.trim()) return { input: undefined };
  try {
    return { input: JSON.parse(text) };
  } catch {
    fail(res, { code: 'BAD_INPUT', message: 'The request body is not valid JSON.', hint: 'Send the method input as a JSON object.' });
    return null;
  }
}
