/**
 * The tar form of a layout: a small ustar writer (GNU base-256 for large numbers) and a reader that
 * indexes entries (pax and GNU long names understood) so blobs are read in place, never extracted.
 */
import { once } from 'node:events';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { LifeboatError } from '../api/errors.js';
import { MAX_TAR_META_BYTES, MiB, checkedSize, damaged } from './layoutLimits.js';
import { replaceFile } from './safeFs.js';

/** Write an octal number field (NUL-terminated), or base-256 when it does not fit. */
export function tarNumber(buf: Buffer, off: number, len: number, value: number): void {
  const octal = value.toString(8);
  if (octal.length <= len - 1) {
    buf.write(octal.padStart(len - 1, '0'), off, 'ascii');
    buf[off + len - 1] = 0;
    return;
  }
  // GNU base-256: high bit set in the first byte, big-endian value in the rest.
  let v = BigInt(value);
  for (let i = off + len - 1; i > off; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  buf[off] = 0x80;
}

/**
 * A numeric header field: octal (NUL/space-terminated), or GNU base-256 (high bit set). NaN when the
 * field is not a number, negative (base-256 sign bit), or beyond Number.MAX_SAFE_INTEGER.
 */
export function parseTarNumber(buf: Buffer, off: number, len: number): number {
  if (buf[off] & 0x80) {
    if (buf[off] & 0x40) return NaN; // negative
    let v = BigInt(buf[off] & 0x3f);
    for (let i = off + 1; i < off + len; i++) v = (v << 8n) | BigInt(buf[i]);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? NaN : Number(v);
  }
  const s = buf
    .toString('latin1', off, off + len)
    .replace(/\0.*$/s, '')
    .trim();
  if (!s) return 0;
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
}

/** A ustar header for a file ('0') or directory ('5'). Names longer than 100 use the prefix field. */
export function tarHeader(name: string, size: number, type: '0' | '5', mtime = 0): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  tarNumber(h, 100, 8, type === '5' ? 0o755 : 0o644);
  tarNumber(h, 108, 8, 0);
  tarNumber(h, 116, 8, 0);
  tarNumber(h, 124, 12, size);
  tarNumber(h, 136, 12, mtime);
  h.write('        ', 148, 8, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

export interface TarInput {
  name: string;
  /** A file to copy, or bytes. */
  file?: string;
  data?: Buffer;
  size: number;
  dir?: boolean;
}

/** Write a tar of these entries to `out` (via `out.partial`, renamed at the end). */
export async function writeTar(out: string, entries: TarInput[], opts: { onBytes?: (n: number) => void; signal?: AbortSignal } = {}): Promise<void> {
  const partial = `${out}.partial`;
  // Whatever is at the partial name (an earlier attempt's file, or a planted symlink) is removed, not followed.
  const ws = (await replaceFile(partial)).createWriteStream({ highWaterMark: 1 << 20 });
  const write = async (b: Buffer) => {
    if (!ws.write(b)) await once(ws, 'drain');
  };
  try {
    const mtime = Math.floor(Date.now() / 1000);
    for (const e of entries) {
      if (opts.signal?.aborted) throw new LifeboatError('CANCELLED', 'Packing the archive was cancelled.');
      await write(tarHeader(e.dir ? `${e.name.replace(/\/$/, '')}/` : e.name, e.dir ? 0 : e.size, e.dir ? '5' : '0', mtime));
      if (e.dir) continue;
      let n = 0;
      if (e.data) {
        await write(e.data);
        n = e.data.length;
      } else if (e.file) {
        for await (const c of createReadStream(e.file, { highWaterMark: 1 << 20 })) {
          await write(c as Buffer);
          n += (c as Buffer).length;
          opts.onBytes?.((c as Buffer).length);
        }
      }
      if (n !== e.size) throw new LifeboatError('ARCHIVE_INVALID', `${e.name} changed size while it was packed (${n} ≠ ${e.size}).`);
      const pad = (512 - (n % 512)) % 512;
      if (pad) await write(Buffer.alloc(pad));
    }
    await write(Buffer.alloc(1024));
    ws.end();
    await once(ws, 'finish');
  } catch (e) {
    ws.destroy();
    await fsp.rm(partial, { force: true });
    throw e;
  }
  await fsp.rename(partial, out);
}

export interface TarEntry {
  offset: number;
  size: number;
  type: string;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0 || sp - i > 16) break;
    const field = data.toString('ascii', i, sp);
    const len = /^[0-9]+$/.test(field) ? Number(field) : NaN;
    if (!(len > sp - i + 1) || i + len > data.length) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Index a tar file: entry name (without "./") → data offset, size and type. Reads headers only. */
export async function indexTar(file: string): Promise<Map<string, TarEntry>> {
  const fh = await fsp.open(file, 'r');
  const entries = new Map<string, TarEntry>();
  try {
    const { size: total } = await fh.stat();
    let pos = 0;
    const hdr = Buffer.alloc(512);
    let pax: Record<string, string> = {};
    let longName: string | null = null;
    while (pos + 512 <= total) {
      const { bytesRead } = await fh.read(hdr, 0, 512, pos);
      if (bytesRead < 512) break;
      if (hdr.every((b) => b === 0)) break;
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : hdr[i];
      if (sum !== parseTarNumber(hdr, 148, 8)) {
        throw new LifeboatError(
          'ARCHIVE_INVALID',
          `${path.basename(file)} is not a valid tar archive (bad header checksum at byte ${pos}).`,
          'The archive is truncated or damaged.',
        );
      }
      const type = String.fromCharCode(hdr[156] || 48);
      const prefix = hdr.toString('utf8', 345, 500).replace(/\0.*$/s, '');
      let name = hdr.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      if (prefix && hdr.toString('ascii', 257, 262) === 'ustar') name = `${prefix}/${name}`;
      const where = `Tar entry "${name.slice(0, 200)}" at byte ${pos} of ${path.basename(file)}`;
      let size = checkedSize(parseTarNumber(hdr, 124, 12), where);
      const dataOff = pos + 512;
      if (size > total - dataOff) {
        throw damaged(`${where} claims ${size} bytes, but only ${total - dataOff} follow: the archive is truncated or damaged.`, {
          entry: name,
          offset: pos,
          size,
          available: total - dataOff,
        });
      }
      if (type === 'x' || type === 'L' || type === 'K') {
        if (size > MAX_TAR_META_BYTES) {
          throw damaged(
            `${where} is a ${type === 'x' ? 'pax extended header' : 'GNU long name'} of ${size} bytes, more than the ${MiB(MAX_TAR_META_BYTES)} allowed.`,
            { entry: name, offset: pos, size, limit: MAX_TAR_META_BYTES },
          );
        }
        const data = Buffer.alloc(size);
        const { bytesRead: got } = await fh.read(data, 0, size, dataOff);
        if (got !== size) throw damaged(`${where} is truncated (${got} of ${size} bytes).`, { entry: name, offset: pos });
        if (type === 'x') pax = parsePax(data);
        else if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
      } else if (type !== 'g') {
        if (pax.path) name = pax.path;
        else if (longName) name = longName;
        if (pax.size !== undefined) {
          size = checkedSize(/^[0-9]+$/.test(pax.size) ? Number(pax.size) : NaN, `${where} (pax size "${pax.size.slice(0, 40)}")`);
          if (size > total - dataOff) {
            throw damaged(`${where} claims ${size} bytes (pax size), but only ${total - dataOff} follow: the archive is truncated or damaged.`, {
              entry: name,
              offset: pos,
              size,
              available: total - dataOff,
            });
          }
        }
        name = name.replace(/^\.\//, '');
        entries.set(name, { offset: dataOff, size, type });
        pax = {};
        longName = null;
      }
      pos = dataOff + Math.ceil(size / 512) * 512;
    }
    if (pos > total)
      throw new LifeboatError('ARCHIVE_INVALID', `${path.basename(file)} is truncated.`, 'Copy the archive again; it is shorter than its contents say.');
  } finally {
    await fh.close();
  }
  return entries;
}
