import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexTar, parseTarNumber, tarHeader, tarNumber, writeTar } from './tar.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-tar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tar', () => {
  it('writes numbers as octal, or base-256 when they do not fit, and reads both back', () => {
    const buf = Buffer.alloc(12);
    tarNumber(buf, 0, 12, 0o777);
    expect(buf.toString('latin1', 0, 11)).toBe('00000000777');
    expect(parseTarNumber(buf, 0, 12)).toBe(0o777);
    tarNumber(buf, 0, 12, 2 ** 40);
    expect(buf[0]).toBe(0x80);
    expect(parseTarNumber(buf, 0, 12)).toBe(2 ** 40);
    expect(parseTarNumber(Buffer.from('12x\0'), 0, 4)).toBeNaN();
  });

  it('puts a long name in the prefix field, and refuses one that cannot be split', () => {
    const long = `${'d'.repeat(120)}/file`;
    const h = tarHeader(long, 3, '0');
    expect(h.toString('utf8', 0, 4)).toBe('file');
    expect(h.toString('utf8', 345, 465)).toBe('d'.repeat(120));
    expect(() => tarHeader('x'.repeat(150), 1, '0')).toThrow(/too long/);
  });

  it('writes entries that tar(1) and indexTar read back, at their offsets', async () => {
    const src = path.join(tmp, 'src');
    writeFileSync(src, 'from a file');
    const out = path.join(tmp, 'out.tar');
    let copied = 0;
    await writeTar(
      out,
      [
        { name: 'blobs', size: 0, dir: true },
        { name: 'blobs/a', file: src, size: 11 },
        { name: 'b', data: Buffer.from('xy'), size: 2 },
      ],
      { onBytes: (n) => (copied += n) },
    );
    expect(copied).toBe(11);
    expect(execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['blobs/', 'blobs/a', 'b']);
    const entries = await indexTar(out);
    const a = entries.get('blobs/a')!;
    expect(a.size).toBe(11);
    expect(readFileSync(out).toString('utf8', a.offset, a.offset + a.size)).toBe('from a file');
    expect(entries.get('blobs/')?.type).toBe('5');
  });

  it('refuses an entry that changes size while packed, leaving no partial file', async () => {
    const out = path.join(tmp, 'bad.tar');
    await expect(writeTar(out, [{ name: 'b', data: Buffer.from('xyz'), size: 2 }])).rejects.toThrow(/changed size/);
    expect(() => readFileSync(`${out}.partial`)).toThrow();
  });

  it('refuses a header with a bad checksum', async () => {
    const out = path.join(tmp, 'corrupt.tar');
    const h = tarHeader('a', 0, '0');
    h[0] = 'z'.charCodeAt(0);
    writeFileSync(out, Buffer.concat([h, Buffer.alloc(1024)]));
    await expect(indexTar(out)).rejects.toThrow(/bad header checksum at byte 0/);
  });
});
