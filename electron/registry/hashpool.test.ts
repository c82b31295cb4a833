import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HashPool } from './hashpool.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-hashpool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('HashPool', () => {
  it('hashes whole files and ranges on worker threads, in parallel, reporting bytes', async () => {
    const big = Buffer.alloc(40 << 20, 7);
    big.write('lifeboat', 1000);
    const file = path.join(tmp, 'big');
    writeFileSync(file, big);
    const pool = new HashPool(2);
    let bytes = 0;
    const [whole, range, empty] = await Promise.all([pool.hash(file, 0, big.length, (n) => (bytes += n)), pool.hash(file, 500, 4096), pool.hash(file, 10, 0)]);
    expect(whole).toEqual({ digest: sha(big), size: big.length });
    expect(bytes).toBe(big.length);
    expect(range).toEqual({ digest: sha(big.subarray(500, 500 + 4096)), size: 4096 });
    expect(empty).toEqual({ digest: sha(Buffer.alloc(0)), size: 0 });
    // A range past the end hashes what is there (the caller compares the size).
    expect((await pool.hash(file, big.length - 10, 100)).size).toBe(10);
    await pool.close();
  });

  it('rejects a missing file with its code, and everything once closed', async () => {
    const pool = new HashPool(1);
    await expect(pool.hash(path.join(tmp, 'nope'), 0, 10)).rejects.toMatchObject({ code: 'ENOENT' });
    await pool.close();
    await expect(pool.hash(path.join(tmp, 'nope'), 0, 10)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
