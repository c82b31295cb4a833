/** Read access to an OCI layout, whether a directory or a tar file (read in place). */
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LifeboatError } from '../api/errors.js';
import { blobPath, hashFile } from './layoutFiles.js';
import { MAX_JSON_BYTES, MiB, damaged } from './layoutLimits.js';
import { digestHex } from './mediaTypes.js';
import { indexTar } from './tar.js';

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

type TooBig = (name: string, size: number, limit: number) => Error;

function directorySource(location: string, tooBig: TooBig): LayoutSource {
  return {
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
}

async function tarSource(location: string, tooBig: TooBig): Promise<LayoutSource> {
  const entries = await indexTar(location);
  const get = (name: string) => entries.get(name);
  const blobName = (d: string) => `blobs/sha256/${digestHex(d)}`;
  return {
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

/** The layout at `location` (a directory or a .tar), once its oci-layout file says version 1.x. */
export async function openLayout(location: string): Promise<LayoutSource> {
  const st = await fsp.stat(location).catch(() => null);
  if (!st) throw new LifeboatError('ARCHIVE_INVALID', `There is no archive at ${location}.`, 'Choose the directory or .tar written by a registry export.');
  const tooBig: TooBig = (name, size, limit) =>
    damaged(`${name} in ${location} is ${MiB(size)}, more than the ${MiB(limit)} Lifeboat reads for it.`, { entry: name, size, limit });
  const src = st.isDirectory() ? directorySource(location, tooBig) : await tarSource(location, tooBig);
  let layout: { imageLayoutVersion?: string };
  try {
    layout = JSON.parse((await src.readFile('oci-layout', 64 << 10)).toString());
  } catch (e) {
    if (e instanceof LifeboatError) throw e;
    throw new LifeboatError(
      'ARCHIVE_INVALID',
      `${location} is not an OCI image layout (no readable oci-layout file).`,
      'Choose the directory or .tar written by a registry export.',
    );
  }
  if (typeof layout.imageLayoutVersion !== 'string' || !layout.imageLayoutVersion.startsWith('1.')) {
    throw new LifeboatError('ARCHIVE_INVALID', `${location} has an unsupported OCI layout version "${layout.imageLayoutVersion}".`);
  }
  return src;
}
