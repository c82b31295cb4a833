/**
 * A blob download whose local write fails is this computer's problem, not the registry's: a full
 * disk is DISK_FULL (it was REGISTRY_UNREACHABLE "Lost the connection to the registry … ENOSPC",
 * which sent the operator to check a registry that was fine). /dev/full answers every write with
 * ENOSPC, as a full disk does.
 */
import { mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replaceFile } from '../safeFs.js';
import { downloadBlob, localWriteError } from './download.js';
import { sha, startServer, type TestServer } from './testServer.js';

vi.mock('../safeFs.js', async (original) => {
  const m = await original<typeof import('../safeFs.js')>();
  return { ...m, replaceFile: vi.fn(m.replaceFile) };
});

let s: TestServer;
let tmp: string;
beforeAll(async () => {
  s = await startServer();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-download-local-'));
});
afterAll(async () => {
  await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const data = Buffer.alloc(3 << 20, 7);

describe('downloadBlob: cancelled while the file opens', () => {
  it('ends CANCELLED at once instead of waiting for ever on a response already closed (an export held "running")', async () => {
    s.handle((_q, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    const ctl = new AbortController();
    // Another blob of the same export failed (a full disk): the pool cancels this one while it opens its file.
    vi.mocked(replaceFile).mockImplementationOnce(async (file) => {
      ctl.abort();
      await new Promise((r) => setTimeout(r, 50)); // the response's 'close' goes out meanwhile
      return replaceFile(file);
    });
    const outcome = await Promise.race([
      downloadBlob(s.transport(), 'app', sha(data), data.length, path.join(tmp, 'cancelled'), { signal: ctl.signal }).then(
        () => 'finished',
        (e: { code?: string }) => e.code,
      ),
      new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000)),
    ]);
    expect(outcome).toBe('CANCELLED');
  });
});

describe('downloadBlob: local write failures', () => {
  it('a full disk mid blob is DISK_FULL naming the folder, and the connection is closed', async () => {
    s.handle((_q, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    vi.mocked(replaceFile).mockImplementationOnce(() => fsp.open('/dev/full', 'w'));
    const dest = path.join(tmp, 'blob');
    const err = await downloadBlob(s.transport(), 'app', sha(data), data.length, dest).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'DISK_FULL' });
    expect((err as Error).message).toBe(`The export could not write to ${tmp}: its disk is full (ENOSPC). It stopped; what was written is kept.`);
  });

  it('a file that cannot be created is LOCAL_WRITE_FAILED with the system words, not the registry', async () => {
    s.handle((_q, res) => {
      res.writeHead(200, { 'content-length': data.length });
      res.end(data);
    });
    vi.mocked(replaceFile).mockImplementationOnce(() => Promise.reject(Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' })));
    const err = await downloadBlob(s.transport(), 'app', sha(data), data.length, path.join(tmp, 'ro')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'LOCAL_WRITE_FAILED',
      message: `Lifeboat could not write ${path.join(tmp, 'ro')}.partial: EROFS: read-only file system, open.`,
    });
  });

  it('localWriteError names the folder of the file', () => {
    expect(localWriteError(Object.assign(new Error('x'), { code: 'ENOSPC' }), '/mnt/usb/blobs/sha256/ab.partial').details).toMatchObject({
      dir: '/mnt/usb/blobs/sha256',
    });
  });
});
