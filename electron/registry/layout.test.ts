import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REF_NAME, buildIndex, hashFile, indexTar, openLayout, parseTarNumber, readIndex, tarHeader, tarNumber, writeTar } from './layout.js';
import { MediaTypes, sha256Digest } from './mediaTypes.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('index.json', () => {
  it('names every image repo:tag, sorted, and reads back', () => {
    const idx = buildIndex(
      [
        { repo: 'b/x', tag: '1', digest: d('b'), mediaType: MediaTypes.dockerManifest, size: 3 },
        { repo: 'a', tag: 'latest', digest: d('a'), mediaType: MediaTypes.ociIndex, size: 2 },
      ],
      { 'io.lifeboat.source.registry': 'r:5000' },
    );
    expect(idx.mediaType).toBe(MediaTypes.ociIndex);
    expect(idx.manifests.map((m) => m.annotations![REF_NAME])).toEqual(['a:latest', 'b/x:1']);
    const back = readIndex(JSON.stringify(idx));
    expect(back.images[1]).toEqual({ repo: 'b/x', tag: '1', digest: d('b'), mediaType: MediaTypes.dockerManifest, size: 3 });
    expect(back.annotations['io.lifeboat.source.registry']).toBe('r:5000');
  });

  it('keeps entries without a repo:tag name apart and rejects non-indexes', () => {
    const r = readIndex(
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaTypes.ociManifest, digest: d('c'), size: 1, annotations: { [REF_NAME]: 'v1' } }] }),
    );
    expect(r.images).toEqual([]);
    expect(r.unnamed).toHaveLength(1);
    expect(() => readIndex('{"schemaVersion":1}')).toThrow(/not an OCI image index/);
    expect(() => readIndex('nope')).toThrow(/not valid JSON/);
  });
});

describe('tar', () => {
  it('numbers: octal, and base-256 beyond 8 GiB', () => {
    const b = Buffer.alloc(12);
    tarNumber(b, 0, 12, 0o777);
    expect(parseTarNumber(b, 0, 12)).toBe(0o777);
    tarNumber(b, 0, 12, 20 * 1024 ** 3);
    expect(b[0]).toBe(0x80);
    expect(parseTarNumber(b, 0, 12)).toBe(20 * 1024 ** 3);
  });

  it('headers have a valid checksum and split long names into prefix', () => {
    const h = tarHeader(`${'p/'.repeat(60)}file`, 5, '0');
    expect(h.length).toBe(512);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(parseTarNumber(h, 148, 8)).toBe(sum);
  });

  it('writes a tar GNU tar can list and extract, and indexes it back for in-place reads', async () => {
    const root = path.join(tmp, 'layout');
    mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
    const blob = Buffer.from('hello blob, not a multiple of 512 bytes');
    const digest = sha256Digest(blob);
    writeFileSync(path.join(root, 'blobs', 'sha256', digest.slice(7)), blob);
    const index = buildIndex([{ repo: 'r', tag: 't', digest, mediaType: MediaTypes.ociManifest, size: blob.length }]);
    const out = path.join(tmp, 'x.tar');
    await writeTar(out, [
      { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}'), size: 30 },
      { name: 'index.json', data: Buffer.from(JSON.stringify(index)), size: JSON.stringify(index).length },
      { name: 'blobs', dir: true, size: 0 },
      { name: 'blobs/sha256', dir: true, size: 0 },
      { name: `blobs/sha256/${digest.slice(7)}`, file: path.join(root, 'blobs', 'sha256', digest.slice(7)), size: blob.length },
    ]);
    const listing = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['oci-layout', 'index.json', 'blobs/', 'blobs/sha256/', `blobs/sha256/${digest.slice(7)}`]);
    const ex = path.join(tmp, 'ex');
    mkdirSync(ex);
    execFileSync('tar', ['-xf', out, '-C', ex]);
    expect(readFileSync(path.join(ex, 'blobs', 'sha256', digest.slice(7)))).toEqual(blob);

    const entries = await indexTar(out);
    expect(entries.get(`blobs/sha256/${digest.slice(7)}`)!.size).toBe(blob.length);
    const src = await openLayout(out);
    expect(await src.blobSize(digest)).toBe(blob.length);
    expect((await src.hashBlob(digest)).digest).toBe(digest);
    const chunks: Buffer[] = [];
    for await (const c of src.blobStream(digest, 6, 10)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('blob');
    expect(await src.blobSize(d('0'))).toBeNull();
  });

  it('indexes tars written by GNU tar (./ prefixes, pax headers) and refuses garbage', async () => {
    const dir = path.join(tmp, 'gnu');
    mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(path.join(dir, 'blobs', 'sha256', 'é'.repeat(70)), 'x');
    const out = path.join(tmp, 'gnu.tar');
    execFileSync('tar', ['--format=pax', '-cf', out, '-C', dir, '.']);
    const e = await indexTar(out);
    expect(e.has('oci-layout')).toBe(true);
    expect(e.get(`blobs/sha256/${'é'.repeat(70)}`)!.size).toBe(1);
    writeFileSync(path.join(tmp, 'bad.tar'), Buffer.alloc(1024, 7));
    await expect(indexTar(path.join(tmp, 'bad.tar'))).rejects.toThrow(/not a valid tar/);
    await expect(openLayout(path.join(tmp, 'missing'))).rejects.toThrow(/no archive/);
  });

  it('hashFile hashes a range', async () => {
    const f = path.join(tmp, 'h');
    writeFileSync(f, 'abcdef');
    expect((await hashFile(f, undefined, { start: 2, size: 2 })).digest).toBe(sha256Digest(Buffer.from('cd')));
  });
});
