/**
 * The OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/<hex>`) and its tar
 * form: building and reading index.json, atomic writes, a small ustar writer and a tar reader
 * that indexes entries so blobs are read in place (no extraction).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { LifeboatError } from '../api/errors.js';
import { MediaTypes, assertDigest, digestHex, parseRefName, refName, type Descriptor } from './mediaTypes.js';
import { openNewFile, replaceFile } from './safeFs.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const OCI_LAYOUT = { imageLayoutVersion: '1.0.0' };

/**
 * Bounds on what is read from an archive into memory, checked before anything is allocated: a
 * pax extended header or GNU long name/link record (real ones are a few hundred bytes), and the
 * JSON documents (oci-layout, index.json, manifests; registries cap manifests at 4 MiB too).
 */
export const MAX_TAR_META_BYTES = 1 << 20;
export const MAX_JSON_BYTES = 4 << 20;
const DAMAGED_HINT = 'The archive is damaged or not a Lifeboat registry export; export it again.';
const MiB = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MiB`;

function damaged(message: string, details?: Record<string, unknown>): LifeboatError {
  return new LifeboatError('ARCHIVE_INVALID', message, DAMAGED_HINT, details);
}

/** A byte count read from an archive: a finite, non-negative safe integer, else a clear error. */
export function checkedSize(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw damaged(`${what} has an invalid size (${value}).`, { size: String(value) });
  return value;
}

export interface TaggedImage {
  repo: string;
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
}

export interface LayoutIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export function blobPath(root: string, digest: string): string {
  return path.join(root, 'blobs', 'sha256', digestHex(digest));
}

/** index.json for these tags: one descriptor per repo:tag, sorted, ref names as annotations. */
export function buildIndex(images: TaggedImage[], annotations?: Record<string, string>): LayoutIndex {
  const sorted = images.slice().sort((a, b) => (refName(a.repo, a.tag) < refName(b.repo, b.tag) ? -1 : 1));
  const index: LayoutIndex = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: sorted.map((i) => ({
      mediaType: i.mediaType,
      digest: i.digest,
      size: i.size,
      annotations: { [REF_NAME]: refName(i.repo, i.tag) },
    })),
  };
  if (annotations && Object.keys(annotations).length) index.annotations = annotations;
  return index;
}

/** The tagged images an index.json names; entries without a "repo:tag" ref name are reported. */
export function readIndex(bytes: Buffer | string): { images: TaggedImage[]; unnamed: Descriptor[]; annotations: Record<string, string> } {
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (length > MAX_JSON_BYTES) throw damaged(`The archive index.json is ${MiB(length)}, more than the ${MiB(MAX_JSON_BYTES)} an index may have.`, { entry: 'index.json', size: length, limit: MAX_JSON_BYTES });
  let doc: Partial<LayoutIndex>;
  try {
    doc = JSON.parse(bytes.toString());
  } catch {
    throw new LifeboatError('ARCHIVE_INVALID', 'The archive index.json is not valid JSON.', 'The archive is damaged; export it again.');
  }
  if (doc.schemaVersion !== 2 || !Array.isArray(doc.manifests)) {
    throw new LifeboatError('ARCHIVE_INVALID', 'The archive index.json is not an OCI image index.', 'Choose a directory or .tar written by a registry export.');
  }
  const images: TaggedImage[] = [];
  const unnamed: Descriptor[] = [];
  for (const m of doc.manifests) {
    if (!m || typeof m.digest !== 'string' || typeof m.size !== 'number' || typeof m.mediaType !== 'string') {
      throw new LifeboatError('ARCHIVE_INVALID', 'The archive index.json has an invalid entry.', 'The archive is damaged; export it again.');
    }
    checkedSize(m.size, `Entry ${m.digest} of the archive index.json`);
    assertDigest(m.digest);
    const ref = m.annotations?.[REF_NAME];
    const parsed = ref ? parseRefName(ref) : null;
    if (!parsed) unnamed.push(m);
    else images.push({ ...parsed, digest: m.digest, mediaType: m.mediaType, size: m.size });
  }
  return { images, unnamed, annotations: doc.annotations ?? {} };
}

/**
 * Write a file atomically: a new temp file (unguessable name, O_EXCL|O_NOFOLLOW, 0600) renamed over
 * `file` (rename replaces a symlink there, never writes through it).
 */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const fh = await openNewFile(tmp);
  try {
    await fh.writeFile(data);
  } catch (e) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, file);
}

/** sha256 digest and size of a file, streaming. */
export async function hashFile(file: string, onBytes?: (n: number) => void, range?: { start: number; size: number }): Promise<{ digest: string; size: number }> {
  const h = createHash('sha256');
  let n = 0;
  const opts = range ? { start: range.start, end: range.start + range.size - 1, highWaterMark: 1 << 20 } : { highWaterMark: 1 << 20 };
  if (range && range.size === 0) return { digest: `sha256:${h.digest('hex')}`, size: 0 };
  for await (const c of createReadStream(file, opts)) {
    h.update(c as Buffer);
    n += (c as Buffer).length;
    onBytes?.((c as Buffer).length);
  }
  return { digest: `sha256:${h.digest('hex')}`, size: n };
}

// ---------------------------------------------------------------- tar

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
  const s = buf.toString('latin1', off, off + len).replace(/\0.*$/s, '').trim();
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
        throw new LifeboatError('ARCHIVE_INVALID', `${path.basename(file)} is not a valid tar archive (bad header checksum at byte ${pos}).`, 'The archive is truncated or damaged.');
      }
      const type = String.fromCharCode(hdr[156] || 48);
      const prefix = hdr.toString('utf8', 345, 500).replace(/\0.*$/s, '');
      let name = hdr.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      if (prefix && hdr.toString('ascii', 257, 262) === 'ustar') name = `${prefix}/${name}`;
      const where = `Tar entry "${name.slice(0, 200)}" at byte ${pos} of ${path.basename(file)}`;
      let size = checkedSize(parseTarNumber(hdr, 124, 12), where);
      const dataOff = pos + 512;
      if (size > total - dataOff) {
        throw damaged(`${where} claims ${size} bytes, but only ${total - dataOff} follow: the archive is truncated or damaged.`, { entry: name, offset: pos, size, available: total - dataOff });
      }
      if (type === 'x' || type === 'L' || type === 'K') {
        if (size > MAX_TAR_META_BYTES) {
          throw damaged(`${where} is a ${type === 'x' ? 'pax extended header' : 'GNU long name'} of ${size} bytes, more than the ${MiB(MAX_TAR_META_BYTES)} allowed.`, { entry: name, offset: pos, size, limit: MAX_TAR_META_BYTES });
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
            throw damaged(`${where} claims ${size} bytes (pax size), but only ${total - dataOff} follow: the archive is truncated or damaged.`, { entry: name, offset: pos, size, available: total - dataOff });
          }
        }
        name = name.replace(/^\.\//, '');
        entries.set(name, { offset: dataOff, size, type });
        pax = {};
        longName = null;
      }
      pos = dataOff + Math.ceil(size / 512) * 512;
    }
    if (pos > total) throw new LifeboatError('ARCHIVE_INVALID', `${path.basename(file)} is truncated.`, 'Copy the archive again; it is shorter than its contents say.');
  } finally {
    await fh.close();
  }
  return entries;
}

// ---------------------------------------------------------------- sources

/** Read access to a layout, whether a directory or a tar file. */
export interface LayoutSource {
  readonly location: string;
  /** A small file (oci-layout, index.json, a manifest): refused above `limit` (default MAX_JSON_BYTES). */
  readFile(name: string, limit?: number): Promise<Buffer>;
  /** Size of a blob, or null when the archive does not hold it. */
  blobSize(digest: string): Promise<number | null>;
  /** Stream [start, end) of a blob. */
  blobStream(digest: string, start?: number, end?: number): Readable;
  hashBlob(digest: string, onBytes?: (n: number) => void): Promise<{ digest: string; size: number }>;
  /** Where a blob's bytes are (a file and a range of it), for hashing elsewhere (HashPool); null when absent. */
  blobLocation(digest: string): Promise<{ file: string; start: number; size: number } | null>;
}

export async function openLayout(location: string): Promise<LayoutSource> {
  const st = await fsp.stat(location).catch(() => null);
  if (!st) throw new LifeboatError('ARCHIVE_INVALID', `There is no archive at ${location}.`, 'Choose the directory or .tar written by a registry export.');
  let src: LayoutSource;
  const tooBig = (name: string, size: number, limit: number) =>
    damaged(`${name} in ${location} is ${MiB(size)}, more than the ${MiB(limit)} Lifeboat reads for it.`, { entry: name, size, limit });
  if (st.isDirectory()) {
    src = {
      location,
      readFile: async (name, limit = MAX_JSON_BYTES) => {
        const fh = await fsp.open(path.join(location, name), 'r');
        try {
          const { size } = await fh.stat();
          if (size > limit) throw tooBig(name, size, limit);
          const buf = Buffer.alloc(size);
          const { bytesRead } = await fh.read(buf, 0, size, 0);
          return buf.subarray(0, bytesRead);
        } finally {
          await fh.close();
        }
      },
      blobSize: async (d) => (await fsp.stat(blobPath(location, d)).catch(() => null))?.size ?? null,
      blobStream: (d, start = 0, end) =>
        end !== undefined && end <= start
          ? Readable.from([])
          : createReadStream(blobPath(location, d), { start, end: end !== undefined ? end - 1 : undefined, highWaterMark: 1 << 20 }),
      hashBlob: (d, onBytes) => hashFile(blobPath(location, d), onBytes),
      blobLocation: async (d) => {
        const size = (await fsp.stat(blobPath(location, d)).catch(() => null))?.size;
        return size === undefined ? null : { file: blobPath(location, d), start: 0, size };
      },
    };
  } else {
    const entries = await indexTar(location);
    const get = (name: string) => entries.get(name);
    const blobName = (d: string) => `blobs/sha256/${digestHex(d)}`;
    src = {
      location,
      readFile: async (name, limit = MAX_JSON_BYTES) => {
        const e = get(name);
        if (!e) throw Object.assign(new Error(`${name} not in archive`), { code: 'ENOENT' });
        if (e.size > limit) throw tooBig(name, e.size, limit);
        const buf = Buffer.alloc(e.size);
        const fh = await fsp.open(location, 'r');
        try {
          const { bytesRead } = await fh.read(buf, 0, e.size, e.offset);
          if (bytesRead !== e.size) throw damaged(`${name} in ${location} is truncated (${bytesRead} of ${e.size} bytes).`, { entry: name });
        } finally {
          await fh.close();
        }
        return buf;
      },
      blobSize: async (d) => get(blobName(d))?.size ?? null,
      blobStream: (d, start = 0, end) => {
        const e = get(blobName(d))!;
        const stop = end ?? e.size;
        if (stop <= start) return Readable.from([]);
        return createReadStream(location, { start: e.offset + start, end: e.offset + stop - 1, highWaterMark: 1 << 20 });
      },
      hashBlob: (d, onBytes) => {
        const e = get(blobName(d))!;
        return hashFile(location, onBytes, { start: e.offset, size: e.size });
      },
      blobLocation: async (d) => {
        const e = get(blobName(d));
        return e ? { file: location, start: e.offset, size: e.size } : null;
      },
    };
  }
  let layout: { imageLayoutVersion?: string };
  try {
    layout = JSON.parse((await src.readFile('oci-layout', 64 << 10)).toString());
  } catch (e) {
    if (e instanceof LifeboatError) throw e;
    throw new LifeboatError('ARCHIVE_INVALID', `${location} is not an OCI image layout (no readable oci-layout file).`, 'Choose the directory or .tar written by a registry export.');
  }
  if (typeof layout.imageLayoutVersion !== 'string' || !layout.imageLayoutVersion.startsWith('1.')) {
    throw new LifeboatError('ARCHIVE_INVALID', `${location} has an unsupported OCI layout version "${layout.imageLayoutVersion}".`);
  }
  return src;
}
