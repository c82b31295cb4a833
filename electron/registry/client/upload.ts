/**
 * Pushing a blob: a cross-repository mount when the registry already holds it, else one PUT up to
 * `chunkSize`, else PATCH chunks (a chunk that fails on the way is re-sent from the offset the
 * upload session reports).
 */
import type { Readable } from 'node:stream';
import { LifeboatError } from '../../api/errors.js';
import { digestHex } from '../mediaTypes.js';
import { pullScope, pushScope } from './auth.js';
import { drain } from './errors.js';
import type { RegistryTransport, RequestBody } from './transport.js';

export type BlobSource = Buffer | ((start: number, end: number) => Readable);

export interface PushBlobOptions {
  /** A repository of the same registry that already holds the blob: mount instead of upload. */
  mountFrom?: string;
  /** Blobs larger than this go up in PATCH chunks of this size (default 256 MiB; one PUT is faster, chunks let a failed part be re-sent alone). */
  chunkSize?: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

/** One blob's upload: where it goes, with which scopes, from which source. */
interface Upload {
  t: RegistryTransport;
  repo: string;
  digest: string;
  size: number;
  source: BlobSource;
  scopes: string[];
  opts: PushBlobOptions;
}

/** Bytes a..b of the source as a request body; a streamed body counts its bytes as they go out. */
function bodyOf(u: Upload, a: number, b: number): RequestBody {
  const { source, t, opts } = u;
  if (Buffer.isBuffer(source)) return source.subarray(a, b);
  return () => {
    const r = source(a, b);
    r.on('data', (c: Buffer) => {
      t.stats.blobBytesOut += c.length;
      opts.onBytes?.(c.length);
    });
    return r;
  };
}

/** A Buffer body was sent whole: count it (a streamed one counted itself). */
function countBuffer(u: Upload, n: number): void {
  if (!Buffer.isBuffer(u.source)) return;
  u.t.stats.blobBytesOut += n;
  u.opts.onBytes?.(n);
}

/** POST the upload: 'mounted' when the registry linked the blob from `mountFrom`, else the session's location. */
async function startUpload(u: Upload): Promise<'mounted' | URL> {
  const { t, repo, digest, opts } = u;
  const path = opts.mountFrom
    ? `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(opts.mountFrom)}`
    : `/v2/${repo}/blobs/uploads/`;
  const start = await t.request({
    method: 'POST',
    path,
    ok: [201, 202],
    scopes: u.scopes,
    signal: opts.signal,
    idempotent: false,
    headers: { 'content-length': 0 },
  });
  drain(start);
  if (start.statusCode === 201) {
    t.stats.blobMounts++;
    return 'mounted';
  }
  return t.uploadUrl(start.headers.location, digest);
}

/** The whole blob in one PUT. */
async function putWhole(u: Upload, loc: URL): Promise<void> {
  const url = new URL(loc);
  url.searchParams.set('digest', u.digest);
  const res = await u.t.request({
    method: 'PUT',
    path: url.href,
    body: bodyOf(u, 0, u.size),
    headers: { 'content-type': 'application/octet-stream', 'content-length': u.size },
    ok: [201],
    scopes: u.scopes,
    signal: u.opts.signal,
    idempotent: false,
    what: `Upload of ${u.digest} to ${u.repo}`,
  });
  drain(res);
  countBuffer(u, u.size);
}

/** PATCH the blob in chunks; returns the session's last location (to close it with the digest). */
async function patchChunks(u: Upload, loc: URL, chunk: number): Promise<URL> {
  const { t, digest, scopes, size } = u;
  let offset = 0;
  let failures = 0;
  while (offset < size) {
    const end = Math.min(size, offset + chunk);
    try {
      const res = await t.request({
        method: 'PATCH',
        path: loc.href,
        body: bodyOf(u, offset, end),
        headers: { 'content-type': 'application/octet-stream', 'content-length': end - offset, 'content-range': `${offset}-${end - 1}` },
        ok: [202],
        scopes,
        signal: u.opts.signal,
        idempotent: false,
        what: `Upload of ${digest} to ${u.repo}`,
      });
      drain(res);
      loc = t.uploadUrl(res.headers.location, digest);
      countBuffer(u, end - offset);
      offset = end;
    } catch (e) {
      if (!(e instanceof LifeboatError) || e.code !== 'REGISTRY_UNREACHABLE' || ++failures > 3) throw e;
      // Ask the upload session how much it has and continue from there.
      const st = await t.request({ method: 'GET', path: loc.href, ok: [204], scopes, signal: u.opts.signal, idempotent: true });
      drain(st);
      const m = /(\d+)-(\d+)/.exec(String(st.headers.range ?? ''));
      offset = m ? Number(m[2]) + 1 : 0;
      loc = t.uploadUrl(st.headers.location ?? loc.href, digest);
    }
  }
  return loc;
}

/**
 * Push a blob. With mountFrom, asks the registry to link it from another repository first
 * (no bytes sent); falls back to an upload if the registry declines. Blobs up to chunkSize go
 * up in one PUT; bigger ones in PATCH chunks (each retried from the registry's Range on failure).
 */
export async function pushBlob(
  t: RegistryTransport,
  repo: string,
  digest: string,
  size: number,
  source: BlobSource,
  opts: PushBlobOptions = {},
): Promise<'mounted' | 'uploaded'> {
  digestHex(digest);
  const scopes = [pushScope(repo), ...(opts.mountFrom ? [pullScope(opts.mountFrom)] : [])];
  const u: Upload = { t, repo, digest, size, source, scopes, opts };
  const loc = await startUpload(u);
  if (loc === 'mounted') return 'mounted';
  const chunk = opts.chunkSize ?? 256 << 20;
  t.stats.blobUploads++;
  if (size <= chunk) {
    await putWhole(u, loc);
    return 'uploaded';
  }
  const last = await patchChunks(u, loc, chunk);
  const fin = new URL(last);
  fin.searchParams.set('digest', digest);
  const res = await t.request({ method: 'PUT', path: fin.href, headers: { 'content-length': 0 }, ok: [201], scopes, signal: opts.signal, idempotent: false });
  drain(res);
  return 'uploaded';
}
