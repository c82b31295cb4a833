import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blobPath, hashFile, writeFileAtomic } from './layoutFiles.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-layoutfiles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('layout files', () => {
  it('puts a blob under blobs/sha256/<hex>', () => {
    expect(blobPath('/x', `sha256:${'a'.repeat(64)}`)).toBe(path.join('/x', 'blobs', 'sha256', 'a'.repeat(64)));
  });

  it('writes atomically, replacing a symlink rather than writing through it', async () => {
    const target = path.join(tmp, 'target');
    writeFileSync(target, 'keep');
    const file = path.join(tmp, 'index.json');
    symlinkSync(target, file);
    await writeFileAtomic(file, '{}');
    expect(readFileSync(file, 'utf8')).toBe('{}');
    expect(readFileSync(target, 'utf8')).toBe('keep');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('hashes a file or a range of it, counting the bytes', async () => {
    const file = path.join(tmp, 'data');
    writeFileSync(file, 'hello world');
    let seen = 0;
    expect(await hashFile(file, (n) => (seen += n))).toEqual({ digest: sha('hello world'), size: 11 });
    expect(seen).toBe(11);
    expect(await hashFile(file, undefined, { start: 6, size: 5 })).toEqual({ digest: sha('world'), size: 5 });
    expect(await hashFile(file, undefined, { start: 3, size: 0 })).toEqual({ digest: sha(''), size: 0 });
  });
});
