/** Where a registry export writes: never through a symlink, never into a directory others can write. */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRegistry } from './archive.js';
import type { RegistryClient } from './client.js';

/** A registry with nothing in it: enough to lay out oci-layout, index.json and the tar. */
const emptyRegistry = { host: 'reg.test', catalog: async () => [], tags: async () => [] } as unknown as RegistryClient;
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'lb-export-dest-'));

describe('registry export destination', () => {
  it('refuses a destination directory other users can write', async () => {
    const dest = path.join(tmp(), 'shared');
    mkdirSync(dest);
    chmodSync(dest, 0o777);
    await expect(exportRegistry({ client: emptyRegistry, dest })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/other users can write/),
    });
    expect(existsSync(path.join(dest, 'oci-layout'))).toBe(false);
  });

  it('refuses a destination that is a symbolic link', async () => {
    const root = tmp();
    mkdirSync(path.join(root, 'elsewhere'));
    symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'link'));
    await expect(exportRegistry({ client: emptyRegistry, dest: path.join(root, 'link') })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/symbolic link/),
    });
    expect(existsSync(path.join(root, 'elsewhere', 'oci-layout'))).toBe(false);
  });

  it('creates the directories 0700', async () => {
    const dest = path.join(tmp(), 'new', 'export');
    await exportRegistry({ client: emptyRegistry, dest });
    for (const d of [dest, path.join(dest, 'blobs'), path.join(dest, 'blobs', 'sha256')]) expect(statSync(d).mode & 0o777, d).toBe(0o700);
    expect(lstatSync(path.join(dest, 'oci-layout')).isFile()).toBe(true);
  });

  it('does not write through a symlink planted where the tar is packed', async () => {
    const root = tmp();
    const victim = path.join(root, 'victim');
    writeFileSync(victim, 'precious');
    const tarPath = path.join(root, 'export.tar');
    symlinkSync(victim, `${tarPath}.partial`);
    await exportRegistry({ client: emptyRegistry, dest: path.join(root, 'export'), tarPath });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(tarPath).isFile()).toBe(true);
  });
});
