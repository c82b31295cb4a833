/**
 * How much of a Velero download Lifeboat takes into memory. Every kind but BackupContents is a
 * gzip file (velero pkg/persistence/object_store.go at v1.18.3), and a few hundred KiB of gzip can
 * inflate to gigabytes, so both the bytes read from the store and the bytes after gunzip are
 * counted while they stream:
 * - logs (BackupLog, RestoreLog): the first 64 MiB / 500,000 lines are kept, then one marker line
 *   says the log was truncated and the download stops;
 * - documents (results, resource lists, volume infos…): more than 32 MiB is an error.
 * The compressed body may not be bigger than the limit either (gzip never shrinks text that much
 * the other way round). Pure streams; downloads.ts applies them (readCapped: a whole body in memory).
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { LifeboatError } from '../api/errors.js';

export const LOG_MAX_BYTES = 64 << 20;
export const LOG_MAX_LINES = 500_000;
export const DOC_MAX_BYTES = 32 << 20;

export interface DownloadLimit {
  mode: 'truncate' | 'refuse';
  maxBytes: number;
  maxLines?: number;
  /** Largest body (compressed) read from the store. */
  maxCompressed: number;
}

/** The limit for a download kind; undefined for BackupContents (streamed, never held in memory). */
export function limitFor(kind: string): DownloadLimit | undefined {
  if (kind === 'BackupContents') return undefined;
  if (kind === 'BackupLog' || kind === 'RestoreLog')
    return { mode: 'truncate', maxBytes: LOG_MAX_BYTES, maxLines: LOG_MAX_LINES, maxCompressed: LOG_MAX_BYTES };
  return { mode: 'refuse', maxBytes: DOC_MAX_BYTES, maxCompressed: DOC_MAX_BYTES };
}

const MiB = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MiB`;

export function tooLarge(what: string, limit: number, compressed: boolean): LifeboatError {
  return new LifeboatError(
    'STORAGE_INVALID',
    `The ${what} is larger than the ${MiB(limit)} Lifeboat reads${compressed ? ' (as stored, compressed)' : ' once uncompressed'}; it was not loaded.`,
    'The file in the backup storage is not what Velero writes there (it may be damaged or was replaced). Read it with the velero CLI if you need it, and check who can write to the bucket.',
    { limit },
  );
}

/** The marker line that ends a truncated log. */
export function truncatedMarker(lines: number, bytes: number, cli?: string): string {
  return `[Lifeboat: log truncated at ${lines.toLocaleString('en-US')} lines / ${MiB(bytes)}; the rest is not shown.${cli ? ` The whole log: ${cli}` : ''}]`;
}

/** Counts the bytes read from the store (before gunzip); over the limit, errors. */
export function compressedCap(limit: DownloadLimit, what: string): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      n += chunk.length;
      if (n > limit.maxCompressed) return cb(tooLarge(what, limit.maxCompressed, true));
      cb(null, chunk);
    },
  });
}

/**
 * Counts the bytes (and for logs, the lines) after gunzip. Refuse mode errors over the limit;
 * truncate mode passes what fits, a marker line, then ends and calls `stop` (to abort the download).
 */
export function outputCap(limit: DownloadLimit, what: string, opts: { stop?: () => void; cli?: string } = {}): Transform {
  let bytes = 0;
  let lines = 0;
  let done = false;
  let full = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (done) return cb();
      if (limit.mode === 'refuse') {
        bytes += chunk.length;
        return bytes > limit.maxBytes ? cb(tooLarge(what, limit.maxBytes, false)) : cb(null, chunk);
      }
      const linesBefore = lines;
      let cut = -1;
      if (full && chunk.length) cut = 0;
      else if (limit.maxLines !== undefined) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
          if (++lines >= limit.maxLines) {
            // the last line allowed: truncated only if anything follows it
            if (i + 1 < chunk.length) cut = i + 1;
            else full = true;
            break;
          }
        }
      }
      if (bytes + (cut === -1 ? chunk.length : cut) > limit.maxBytes) {
        // cut at the last line end within the budget (or at the budget inside a giant line)
        const room = limit.maxBytes - bytes;
        const nl = room > 0 ? chunk.lastIndexOf(10, room - 1) : -1;
        cut = nl >= 0 ? nl + 1 : room;
        lines = linesBefore;
        for (let i = chunk.indexOf(10); i !== -1 && i < cut; i = chunk.indexOf(10, i + 1)) lines++;
      }
      if (cut === -1) {
        bytes += chunk.length;
        return cb(null, chunk);
      }
      done = true;
      const kept = chunk.subarray(0, cut);
      bytes += kept.length;
      const partial = kept.length > 0 && kept[kept.length - 1] !== 10;
      const shownLines = lines + (partial ? 1 : 0);
      const tail = partial ? '\n' : '';
      this.push(kept);
      this.push(Buffer.from(`${tail}${truncatedMarker(shownLines, bytes, opts.cli)}\n`));
      this.push(null);
      opts.stop?.();
      cb();
    },
  });
}

/** Reads a stream to its end into one Buffer (the caps above bound it). */
export async function collect(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A download's body within its kind's limits: at most `maxCompressed` bytes read (Content-Length
 * checked first), gunzipped to at most `maxBytes` (logs truncated with a marker line, documents
 * refused). A body that is not gzip is returned as read (some stores already decompressed it).
 */
export async function readCapped(res: Response, kind: string, what: string, cli?: string): Promise<Buffer> {
  const limit = limitFor(kind)!;
  if (Number(res.headers.get('content-length') ?? NaN) > limit.maxCompressed) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(what, limit.maxCompressed, true);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  if (res.body) {
    for await (const c of Readable.fromWeb(res.body as never)) {
      n += (c as Buffer).length;
      if (n > limit.maxCompressed) throw tooLarge(what, limit.maxCompressed, true);
      chunks.push(c as Buffer);
    }
  }
  const body = Buffer.concat(chunks);
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body.length > limit.maxBytes ? truncatedOrRefused(body, limit, what, cli) : body;
  if (limit.mode === 'refuse') {
    try {
      return gunzipSync(body, { maxOutputLength: limit.maxBytes });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(what, limit.maxBytes, false);
      return body;
    }
  }
  const gunzip = createGunzip();
  const capped = outputCap(limit, what, { cli, stop: () => gunzip.destroy() });
  gunzip.on('error', (e) => capped.destroy(e));
  gunzip.end(body);
  try {
    return await collect(gunzip.pipe(capped));
  } catch {
    return body;
  }
}

async function truncatedOrRefused(body: Buffer, limit: NonNullable<ReturnType<typeof limitFor>>, what: string, cli?: string): Promise<Buffer> {
  if (limit.mode === 'refuse') throw tooLarge(what, limit.maxBytes, false);
  return collect(Readable.from([body]).pipe(outputCap(limit, what, { cli })));
}
