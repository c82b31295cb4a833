/**
 * Downloading a blob to a file: bytes go to `<dest>.partial`, hashed on the way, and the file is
 * renamed to `dest` only when the digest matches. A partial file left by an earlier attempt is
 * continued with a Range request (never followed when it is not a regular file).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { LifeboatError } from '../../api/errors.js';
import { diskFullError } from '../diskSpace.js';
import { digestHex } from '../mediaTypes.js';
import { EXISTING_FILE_FLAGS, replaceFile } from '../safeFs.js';
import { blobMismatch, openBlob } from './blobs.js';
import { cancelled } from './errors.js';
import type { RegistryTransport } from './transport.js';

/** A failure of this computer's disk, not of the connection: never reported as the registry's. */
class LocalWriteError extends Error {
  constructor(readonly cause: NodeJS.ErrnoException) {
    super(cause.message);
  }
}

/** A write to `file` that failed: DISK_FULL when the disk (or quota) is full, else what the system said. */
export function localWriteError(e: NodeJS.ErrnoException, file: string): LifeboatError {
  const dir = file.slice(0, Math.max(0, file.lastIndexOf('/'))) || '/';
  return (
    diskFullError(e, dir) ??
    new LifeboatError(
      'LOCAL_WRITE_FAILED',
      `Lifeboat could not write ${file}: ${e.message}.`,
      'Check that the folder is on a working disk this user may write to, then run it again: what was written is kept.',
      { file, errno: e.code },
    )
  );
}

export interface DownloadBlobOptions {
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  /** Keep `<dest>.partial` on failure/abort and continue it with a Range request next time (default true). */
  resumePartial?: boolean;
}

type FileHandle = Awaited<ReturnType<typeof fsp.open>>;

/** What an earlier partial file holds: its length and the hash of its bytes (0 and empty when there is none to continue). */
export async function partialState(partial: string, size: number | null, resume: boolean): Promise<{ have: number; hash: Hash }> {
  const hash = createHash('sha256');
  if (!resume) {
    await fsp.rm(partial, { force: true });
    return { have: 0, hash };
  }
  // lstat: only a regular file is continued; a symlink (or anything else) there is removed, not followed.
  const st = await fsp.lstat(partial).catch(() => null);
  if (st && st.isFile() && st.size > 0 && (size === null || st.size < size)) {
    // A sink: the generator reads every chunk into the hash and yields nothing.
    // eslint-disable-next-line require-yield
    await pipeline(createReadStream(partial, { highWaterMark: 1 << 20 }), async function* (src) {
      for await (const c of src) hash.update(c as Buffer);
    });
    return { have: st.size, hash };
  }
  if (st) await fsp.rm(partial, { force: true });
  return { have: 0, hash };
}

/**
 * Write the response body to `file` from position `pos`, hashing it into `h`. No chain of streams:
 * TLS hands over ~16 KiB at a time, and per-chunk stream machinery (two Transforms and a
 * WriteStream) cost more CPU than hashing. Chunks are gathered into ~1 MiB batches, each hashed in
 * one call and sent to disk with positioned writes while reading goes on (a few in flight at most,
 * else the response pauses). Resolves with the bytes received.
 */
export function receive(res: IncomingMessage, file: FileHandle, pos: number, h: Hash, onBytes?: (n: number) => void): Promise<number> {
  let fetched = 0;
  return new Promise<number>((resolve, reject) => {
    // A response destroyed before these listeners were attached (a cancel, or the connection lost,
    // while the file was being opened) has already emitted its 'close': waiting for it would wait
    // for ever, and hold the whole export with it.
    if (res.destroyed && !res.readableEnded) {
      reject(res.errored ?? Object.assign(new Error('the connection closed before the whole blob arrived'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      return;
    }
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let inFlight = 0;
    let ended = false;
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      res.destroy();
      reject(e);
    };
    const flush = () => {
      if (!batch.length) return;
      // One contiguous buffer per write: cheaper than a writev of ~64 TLS-sized pieces.
      const data = batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes);
      h.update(data); // one native call per MiB, not per TLS record
      const at = pos;
      pos += batchBytes;
      batch = [];
      batchBytes = 0;
      inFlight++;
      if (inFlight >= 4) res.pause();
      file.write(data, 0, data.length, at).then(
        () => {
          inFlight--;
          if (failed) return;
          if (ended) {
            if (inFlight === 0) resolve(fetched);
          } else if (inFlight < 4 && res.isPaused()) res.resume();
        },
        (e: NodeJS.ErrnoException) => fail(new LocalWriteError(e)),
      );
    };
    res.on('data', (chunk: Buffer) => {
      fetched += chunk.length;
      onBytes?.(chunk.length);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= 1 << 20) flush();
    });
    res.once('end', () => {
      ended = true;
      flush();
      if (inFlight === 0 && !failed) resolve(fetched);
    });
    res.once('error', fail);
    res.once('close', () => {
      if (!ended && !res.readableEnded)
        fail(Object.assign(new Error('the connection closed before the whole blob arrived'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
    res.resume();
  });
}

/**
 * Download a blob to `dest`: bytes go to `<dest>.partial`, are hashed on the way, and the file
 * is renamed to `dest` only when the digest matches; a mismatch deletes the partial file. With
 * resumePartial, an existing partial file is hashed and continued with a Range request.
 * Returns the number of bytes fetched over the network.
 */
export async function downloadBlob(
  t: RegistryTransport,
  repo: string,
  digest: string,
  size: number | null,
  dest: string,
  opts: DownloadBlobOptions = {},
): Promise<number> {
  digestHex(digest);
  const partial = `${dest}.partial`;
  const resume = opts.resumePartial !== false;
  const { have, hash } = await partialState(partial, size, resume);
  // Open the response only once it can be read at once (the stats listener makes it flow).
  const res = await openBlob(t, repo, digest, { signal: opts.signal, from: have });
  res.pause();
  // The registry continued the partial file (206), or sent it all again (start over).
  const append = have > 0 && res.statusCode === 206;
  const h = append ? hash : createHash('sha256');
  const start = append ? have : 0;
  const onAbort = () => res.destroy(cancelled());
  // A signal that aborted while the request was answered never fires its listener again.
  if (opts.signal?.aborted) {
    res.destroy();
    throw cancelled();
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let fh: FileHandle | undefined;
  let fetched = 0;
  try {
    fh = await (append ? fsp.open(partial, EXISTING_FILE_FLAGS) : replaceFile(partial)).catch((e: NodeJS.ErrnoException) => {
      throw new LocalWriteError(e);
    });
    fetched = await receive(res, fh, start, h, opts.onBytes);
    await fh.close().catch((e: NodeJS.ErrnoException) => {
      throw new LocalWriteError(e);
    });
    fh = undefined;
    const got = `sha256:${h.digest('hex')}`;
    const n = start + fetched;
    if (got !== digest || (size !== null && n !== size)) throw blobMismatch(digest, got, n);
  } catch (e) {
    await fh?.close().catch(() => {});
    const err = e as Error & { code?: string };
    if (err instanceof LifeboatError && err.code === 'DIGEST_MISMATCH') {
      await fsp.rm(partial, { force: true });
      throw err;
    }
    if (!resume) await fsp.rm(partial, { force: true });
    if (opts.signal?.aborted || err.name === 'AbortError') throw cancelled();
    if (err instanceof LifeboatError) throw err;
    if (err instanceof LocalWriteError) {
      res.destroy();
      throw localWriteError(err.cause, partial);
    }
    throw t.unreachable(err);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  await fsp.rename(partial, dest);
  return fetched;
}
