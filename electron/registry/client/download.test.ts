import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBlob, partialState } from './download.js';
import { sha, startServer, type TestServer } from './testServer.js';

let s: TestServer;
let tmp: string;
beforeAll(async () => {
  s = await startServer();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-download-'));
});
afterAll(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const data = Buffer.alloc(3 << 20, 9);
data.write('a blob bigger than one write batch');

/** Serve `data` (or `body`), honouring Range unless told not to. */
function serve(opts: { ranges?: boolean; body?: Buffer } = {}) {
  s.handle((q, res) => {
    const body = opts.body ?? data;
    const from = Number(/bytes=(\d+)-/.exec(String(q.headers.range ?? ''))?.[1] ?? 0);
    if (from && opts.ranges !== false) {
      res.writeHead(206, { 'content-length': body.length - from });
      return res.end(body.subarray(from));
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
}

describe('partialState', () => {
  it('hashes a regular partial file to continue; removes one too big, a symlink, or any when not resuming', async () => {
    const p = path.join(tmp, 'state.partial');
    writeFileSync(p, data.subarray(0, 10));
    const st = await partialState(p, data.length, true);
    expect(st.have).toBe(10);
    expect(st.hash.digest('hex')).toBe(createHash('sha256').update(data.subarray(0, 10)).digest('hex'));
    expect((await partialState(p, 10, true)).have).toBe(0);
    expect(existsSync(p)).toBe(false);
    writeFileSync(p, 'x');
    expect((await partialState(p, null, false)).have).toBe(0);
    expect(existsSync(p)).toBe(false);
    const victim = path.join(tmp, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, p);
    expect((await partialState(p, null, true)).have).toBe(0);
    expect(existsSync(p)).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
  });
});

describe('downloadBlob', () => {
  it('writes the blob whole through .partial, counting bytes', async () => {
    serve();
    const dest = path.join(tmp, 'whole');
    let counted = 0;
    expect(await downloadBlob(s.transport(), 'app', sha(data), data.length, dest, { onBytes: (n) => (counted += n) })).toBe(data.length);
    expect(readFileSync(dest).equals(data)).toBe(true);
    expect(counted).toBe(data.length);
    expect(existsSync(`${dest}.partial`)).toBe(false);
  });

  it('continues a partial file with Range (206), or starts over when the registry sends it all (200)', async () => {
    for (const ranges of [true, false]) {
      serve({ ranges });
      const dest = path.join(tmp, `resumed-${ranges}`);
      writeFileSync(`${dest}.partial`, data.subarray(0, 1000));
      const fetched = await downloadBlob(s.transport(), 'app', sha(data), data.length, dest);
      expect(fetched).toBe(ranges ? data.length - 1000 : data.length);
      expect(s.seen[0]!.headers.range).toBe('bytes=1000-');
      expect(readFileSync(dest).equals(data)).toBe(true);
    }
  });

  it('a mismatch (bytes or size) deletes the partial and keeps no file', async () => {
    serve({ body: Buffer.from('not it') });
    const dest = path.join(tmp, 'bad');
    await expect(downloadBlob(s.transport(), 'app', sha(data), data.length, dest)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining(sha(data)),
    });
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(existsSync(dest)).toBe(false);
    serve();
    await expect(downloadBlob(s.transport(), 'app', sha(data), data.length + 1, dest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('a cancelled download is CANCELLED', async () => {
    serve();
    const a = new AbortController();
    a.abort();
    await expect(downloadBlob(s.transport(), 'app', sha(data), data.length, path.join(tmp, 'cancelled'), { signal: a.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});
