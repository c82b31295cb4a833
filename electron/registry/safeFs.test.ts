import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertPrivateDir, othersCanWrite, preparePrivateDir, regularFileSize, replaceFile } from './safeFs.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'lb-safefs-'));

describe('safeFs', () => {
  it('others can write a group/other-writable directory unless it is sticky (and, when asked, ours)', () => {
    expect(othersCanWrite({ mode: 0o40755, uid: 1 }, { me: 1 })).toBe(false);
    expect(othersCanWrite({ mode: 0o40775, uid: 1 }, { me: 1 })).toBe(true);
    expect(othersCanWrite({ mode: 0o40757, uid: 1 }, { me: 1 })).toBe(true);
    // /tmp: sticky, owned by root.
    expect(othersCanWrite({ mode: 0o41777, uid: 0 }, { me: 1, ownedSticky: false })).toBe(false);
    expect(othersCanWrite({ mode: 0o41777, uid: 0 }, { me: 1 })).toBe(true);
    expect(othersCanWrite({ mode: 0o41777, uid: 1 }, { me: 1 })).toBe(false);
  });

  it('prepares the export directory and its subdirectories 0700', async () => {
    const dir = join(scratch(), 'export');
    await preparePrivateDir(dir, ['blobs', 'sha256']);
    await expect(assertPrivateDir(join(dir, 'blobs', 'sha256'), 'The export directory')).resolves.toBeUndefined();
  });

  it('refuses a directory reached through a symbolic link, a file, or one others can write', async () => {
    const root = scratch();
    mkdirSync(join(root, 'real'), { mode: 0o700 });
    symlinkSync(join(root, 'real'), join(root, 'link'));
    await expect(assertPrivateDir(join(root, 'link'), 'The export directory')).rejects.toMatchObject({ code: 'BAD_INPUT', message: /symbolic link/ });
    writeFileSync(join(root, 'file'), 'x');
    await expect(assertPrivateDir(join(root, 'file'), 'The export directory')).rejects.toMatchObject({ message: /not a directory/ });
    mkdirSync(join(root, 'shared'));
    chmodSync(join(root, 'shared'), 0o777);
    await expect(preparePrivateDir(join(root, 'shared'))).rejects.toMatchObject({ message: /other users can write \(mode 0777\)/ });
    // A planted link where a subdirectory goes is refused, not followed.
    const dir = join(root, 'export');
    mkdirSync(dir, { mode: 0o700 });
    symlinkSync(join(root, 'real'), join(dir, 'blobs'));
    await expect(preparePrivateDir(dir, ['blobs'])).rejects.toMatchObject({ message: /symbolic link/ });
  });

  it('sizes only regular files; replaces a planted symlink instead of writing through it', async () => {
    const root = scratch();
    writeFileSync(join(root, 'target'), 'keep me');
    symlinkSync(join(root, 'target'), join(root, 'index.json'));
    expect(await regularFileSize(join(root, 'index.json'))).toBeNull();
    expect(await regularFileSize(join(root, 'target'))).toBe(7);
    expect(await regularFileSize(join(root, 'missing'))).toBeNull();
    const fh = await replaceFile(join(root, 'index.json'));
    await fh.writeFile('{}');
    await fh.close();
    expect(readFileSync(join(root, 'target'), 'utf8')).toBe('keep me');
    expect(await regularFileSize(join(root, 'index.json'))).toBe(2);
  });
});
