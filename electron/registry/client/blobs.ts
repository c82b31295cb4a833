/** Reading blobs: HEAD, and GET as a stream whose sha256 (and size) is checked as the bytes flow. */
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { LifeboatError } from '../../api/errors.js';
import { digestHex } from '../mediaTypes.js';
import { pullScope } from './auth.js';
import { drain } from './errors.js';
import type { RegistryTransport } from './transport.js';

export interface BlobInfo {
  size: number | null;
}

/** The DIGEST_MISMATCH for a blob whose bytes did not hash to its digest (or were not its size). */
export function blobMismatch(expected: string, actual: string, bytes: number): LifeboatError {
  return new LifeboatError(
    'DIGEST_MISMATCH',
    `Blob ${expected} did not match its digest: received ${bytes} bytes hashing to ${actual}.`,
    'The data was corrupted on the way or in storage. Retry; if it persists, the registry holds a damaged blob.',
    { expected, actual, bytes },
  );
}

/** A Transform that hashes what passes through and fails at the end if the digest or size differ. */
export class DigestVerifier extends Transform {
  private hash = createHash('sha256');
  private n = 0;
  constructor(
    private readonly expected: string,
    private readonly expectedSize: number | null,
    seed?: { hash: ReturnType<typeof createHash>; bytes: number },
  ) {
    super();
    if (seed) {
      this.hash = seed.hash;
      this.n = seed.bytes;
    }
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.n += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const got = `sha256:${this.hash.digest('hex')}`;
    if (got !== this.expected || (this.expectedSize !== null && this.n !== this.expectedSize)) {
      cb(blobMismatch(this.expected, got, this.n));
      return;
    }
    cb();
  }
}

/** HEAD a blob: its size when present, null when absent. */
export async function headBlob(t: RegistryTransport, repo: string, digest: string, signal?: AbortSignal): Promise<BlobInfo | null> {
  const res = await t.request({
    method: 'HEAD',
    path: `/v2/${repo}/blobs/${digest}`,
    ok: [200, 307, 302, 404],
    scopes: [pullScope(repo)],
    signal,
    idempotent: true,
  });
  drain(res);
  if (res.statusCode === 404) return null;
  const len = res.headers['content-length'];
  return { size: res.statusCode === 200 && len !== undefined ? Number(len) : null };
}

/** GET a blob (from byte `from` on with a Range request), following redirects; counted in the stats. */
export async function openBlob(
  t: RegistryTransport,
  repo: string,
  digest: string,
  opts: { signal?: AbortSignal; from?: number } = {},
): Promise<IncomingMessage> {
  t.stats.blobGets++;
  const headers: OutgoingHttpHeaders = {};
  if (opts.from) headers.range = `bytes=${opts.from}-`;
  const res = await t.request({
    method: 'GET',
    path: `/v2/${repo}/blobs/${digest}`,
    headers,
    ok: opts.from ? [200, 206] : [200],
    scopes: [pullScope(repo)],
    signal: opts.signal,
    idempotent: true,
    followRedirects: true,
    what: `Blob ${digest} of ${repo}`,
  });
  res.on('data', (c: Buffer) => (t.stats.blobBytesIn += c.length));
  return res;
}

/**
 * A blob as a stream. The sha256 of the bytes is computed as they flow; a mismatch (or a short
 * body) makes the stream fail with DIGEST_MISMATCH at the end, so a consumer writing to disk
 * must not keep the result unless the stream finished cleanly (downloadBlob does that).
 */
export async function getBlob(t: RegistryTransport, repo: string, digest: string, opts: { size?: number; signal?: AbortSignal } = {}): Promise<Readable> {
  digestHex(digest);
  const res = await openBlob(t, repo, digest, opts);
  const v = new DigestVerifier(digest, opts.size ?? null);
  res.on('error', (e) => v.destroy(e));
  return res.pipe(v);
}
