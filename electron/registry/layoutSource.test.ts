import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors.js';
import { openLayout } from './layoutSource.js';
import { sha256Digest } from './mediaTypes.js';
import { writeTar } from './tar.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-source-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const blob = Buffer.from('0123456789');
const digest = sha256Digest(blob);
const hex = digest.slice('sha256:'.length);

async function layouts(): Promise<string[]> {
  const dir = path.join(tmp, 'dir');
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(dir, 'blobs', 'sha256', hex), blob);
  const tar = path.join(tmp, 'layout.tar');
  await writeTar(tar, [
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}'), size: 30 },
    { name: `blobs/sha256/${hex}`, data: blob, size: blob.length },
  ]);
  return [dir, tar];
}

describe('layout sources', () => {
  it('reads a directory and a tar alike', async () => {
    for (const location of await layouts()) {
      const src = await openLayout(location);
      expect(src.location).toBe(location);
      expect(JSON.parse((await src.readFile('oci-layout')).toString())).toEqual({ imageLayoutVersion: '1.0.0' });
      expect(await src.blobSize(digest)).toBe(10);
      expect(await src.blobSize(`sha256:${'0'.repeat(64)}`)).toBeNull();
      expect(await text(src.blobStream(digest, 2, 5))).toBe('234');
      expect(await text(src.blobStream(digest, 5, 5))).toBe('');
      expect(await src.hashBlob(digest)).toEqual({ digest, size: 10 });
      expect((await src.blobLocation(digest))?.size).toBe(10);
      await expect(src.readFile('oci-layout', 4)).rejects.toThrow(/more than the/);
    }
  });

  it('refuses a missing archive, a missing oci-layout and an unknown version', async () => {
    await expect(openLayout(path.join(tmp, 'nothing'))).rejects.toThrow(/There is no archive/);
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    await expect(openLayout(empty)).rejects.toThrow(/not an OCI image layout/);
    writeFileSync(path.join(empty, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await expect(openLayout(empty)).rejects.toThrow(LifeboatError);
    await expect(openLayout(empty)).rejects.toThrow(/unsupported OCI layout version "2.0.0"/);
  });
});
