/**
 * Hostile archives (issue 14, medium 2): headers and documents that claim more than the file holds
 * or more than Lifeboat reads into memory are refused with ARCHIVE_INVALID before any allocation,
 * never a crash. The tars are crafted here byte by byte.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LifeboatError } from '../api/errors.js';
import { MAX_JSON_BYTES, MAX_TAR_META_BYTES, indexTar, openLayout, parseTarNumber, readIndex, writeTar } from './layout.js';
import { inspectArchive } from './inspect.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A ustar header with a raw size field (any bytes), a valid checksum. */
function header(name: string, type: string, sizeField: string | Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  if (typeof sizeField === 'string') h.write(sizeField.padEnd(12, '\0').slice(0, 12), 124, 12, 'latin1');
  else sizeField.copy(h, 124, 0, 12);
  h.write('00000000000\0', 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}
const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
const octal = (n: number) => n.toString(8).padStart(11, '0') + '\0';
function tarOf(file: string, ...parts: Buffer[]): string {
  const f = path.join(tmp, file);
  writeFileSync(f, Buffer.concat(parts));
  return f;
}
async function refusal(p: Promise<unknown>): Promise<LifeboatError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LifeboatError);
  expect((e as LifeboatError).code).toBe('ARCHIVE_INVALID');
  expect((e as LifeboatError).hint).toMatch(/damaged or not a Lifeboat registry export; export it again/);
  return e as LifeboatError;
}

describe('hostile tar archives', () => {
  it('a 1.5 KiB tar whose pax header claims 3 GiB is refused in a process that lives on', () => {
    // 3 GiB = 0o30000000000: the header was allocated and read past int32, aborting node.
    const f = tarOf('pax-3g.tar', header('PaxHeaders/x', 'x', octal(3 * 1024 ** 3)), Buffer.alloc(1024, 0x41));
    const code = `
      import { indexTar } from ${JSON.stringify(path.join(repoRoot, 'electron/registry/layout.ts'))};
      try { await indexTar(${JSON.stringify(f)}); console.log('ACCEPTED'); }
      catch (e) { console.log('REFUSED', e.name, e.code, e.message); }
      console.log('ALIVE');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr.slice(0, 400) }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toMatch(
      /REFUSED LifeboatError ARCHIVE_INVALID Tar entry "PaxHeaders\/x" at byte 0 of pax-3g\.tar claims 3221225472 bytes, but only 1024 follow/,
    );
    expect(r.stdout).toMatch(/ALIVE/);
  });

  it('the same header in this process: a clear error, no allocation', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const f = tarOf('pax-3g-inproc.tar', header('PaxHeaders/x', 'x', octal(3 * 1024 ** 3)), Buffer.alloc(1024));
    const e = await refusal(indexTar(f));
    expect(e.message).toMatch(/claims 3221225472 bytes/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('pax and GNU long-name records above 1 MiB are refused even when the file holds them', async () => {
    const big = MAX_TAR_META_BYTES + 512;
    const pax = tarOf('pax-big.tar', header('PaxHeaders/y', 'x', octal(big)), Buffer.alloc(big, 0x20), Buffer.alloc(1024));
    expect((await refusal(indexTar(pax))).message).toMatch(/pax extended header of 1049088 bytes, more than the 1 MiB allowed/);
    const gnu = tarOf('gnu-big.tar', header('././@LongLink', 'L', octal(big)), Buffer.alloc(big, 0x61), Buffer.alloc(1024));
    expect((await refusal(indexTar(gnu))).message).toMatch(/"\.\/\.\/@LongLink" at byte 0 .* GNU long name of 1049088 bytes/);
  });

  it('a truncated entry names the entry and how much is missing', async () => {
    const f = tarOf('trunc.tar', header('oci-layout', '0', octal(10_000)), pad(Buffer.from('{"imageLayoutVersion":"1.0.0"}')));
    expect((await refusal(indexTar(f))).message).toMatch(/Tar entry "oci-layout" at byte 0 of trunc\.tar claims 10000 bytes, but only 512 follow/);
  });

  it('negative, non-octal and negative base-256 sizes are refused', async () => {
    const neg256 = Buffer.alloc(12, 0xff); // GNU base-256 for -1
    for (const [file, field, shown] of [
      ['neg.tar', '-0000000001\0', 'NaN'],
      ['nan.tar', '00000zzzz00\0', 'NaN'],
      ['neg256.tar', neg256, 'NaN'],
    ] as const) {
      const f = tarOf(file, header('blob', '0', field), Buffer.alloc(1024));
      expect((await refusal(indexTar(f))).message).toContain(`Tar entry "blob" at byte 0 of ${file} has an invalid size (${shown})`);
    }
    expect(parseTarNumber(neg256, 0, 12)).toBeNaN();
    const huge256 = Buffer.alloc(12, 0);
    huge256[0] = 0x80;
    huge256[1] = 0x7f; // 2^87-ish: beyond a safe integer
    expect(parseTarNumber(huge256, 0, 12)).toBeNaN();
  });

  it('a pax size record that is not a safe non-negative integer, or beyond the file, is refused', async () => {
    const rec = (kv: string) => {
      let len = kv.length + 3;
      while (`${len} ${kv}\n`.length !== len) len = `${len} ${kv}\n`.length;
      return Buffer.from(`${len} ${kv}\n`);
    };
    for (const [file, value, want] of [
      ['pax-neg.tar', '-5', /invalid size \(NaN\)/],
      ['pax-exp.tar', '1e400', /invalid size \(NaN\)/],
      ['pax-huge.tar', '99999999999999999999', /invalid size \(100000000000000000000\)/],
      ['pax-past.tar', String(3 * 1024 ** 3), /claims 3221225472 bytes \(pax size\)/],
    ] as const) {
      const r = rec(`size=${value}`);
      const f = tarOf(file, header('PaxHeaders/blob', 'x', octal(r.length)), pad(r), header('blob', '0', octal(0)), Buffer.alloc(1024));
      expect((await refusal(indexTar(f))).message).toMatch(want);
    }
  });

  it('an index.json over 4 MiB is refused before it is read, in a tar and in a directory', async () => {
    const huge = Buffer.alloc(MAX_JSON_BYTES + 1, 0x20);
    const tar = path.join(tmp, 'huge-index.tar');
    await writeTar(tar, [
      { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}'), size: 30 },
      { name: 'index.json', data: huge, size: huge.length },
    ]);
    const e1 = await refusal(inspectArchive(tar));
    expect(e1.message).toMatch(/index\.json in .*huge-index\.tar is 4 MiB, more than the 4 MiB Lifeboat reads for it/);
    expect(e1.details).toMatchObject({ entry: 'index.json', size: MAX_JSON_BYTES + 1, limit: MAX_JSON_BYTES });

    const dir = path.join(tmp, 'huge-dir');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(path.join(dir, 'index.json'), huge);
    expect((await refusal(inspectArchive(dir))).details).toMatchObject({ entry: 'index.json', limit: MAX_JSON_BYTES });
    expect(() => readIndex(huge)).toThrow(/more than the 4 MiB an index may have/);
  });

  it('index entries with impossible sizes are refused', () => {
    const idx = (size: unknown) =>
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'a'.repeat(64)}`,
            size,
            annotations: { 'org.opencontainers.image.ref.name': 'r:t' },
          },
        ],
      });
    expect(() => readIndex(idx(-1))).toThrow(/invalid size \(-1\)/);
    expect(() => readIndex(idx(1.5))).toThrow(/invalid size \(1\.5\)/);
    expect(() => readIndex(idx(1e300))).toThrow(/invalid size/);
    expect(readIndex(idx(7)).images[0]!.size).toBe(7);
  });

  it('a manifest blob over 4 MiB is refused by name', async () => {
    const dir = path.join(tmp, 'huge-manifest');
    const digest = `sha256:${'b'.repeat(64)}`;
    mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(
      path.join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 10, annotations: { 'org.opencontainers.image.ref.name': 'r:t' } }],
      }),
    );
    writeFileSync(path.join(dir, 'blobs', 'sha256', 'b'.repeat(64)), Buffer.alloc(MAX_JSON_BYTES + 1));
    const e = await refusal(inspectArchive(dir));
    expect(e.message).toContain(`blobs/sha256/${'b'.repeat(64)} in ${dir}`);
    // the layout itself still opens: only oversized documents are refused
    expect((await openLayout(dir)).location).toBe(dir);
  });
});
