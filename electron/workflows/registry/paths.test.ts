import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDestination, checkSource, nearestExisting, writable } from './paths.js';

const dir = () => mkdtempSync(join(tmpdir(), 'lb-reg-paths-'));

describe('checkDestination', () => {
  it('a new directory under a writable one; an earlier export there is resumable', async () => {
    const d = dir();
    expect(await checkDestination(join(d, 'a', 'b'))).toEqual({ ok: true, resumable: false, reason: undefined });
    mkdirSync(join(d, 'prev'));
    writeFileSync(join(d, 'prev', 'oci-layout'), '{}');
    expect(await checkDestination(join(d, 'prev'), join(d, 'prev.tar'))).toMatchObject({
      ok: true,
      resumable: true,
      reason: expect.stringContaining('continues'),
    });
  });

  it('refuses each bad destination or .tar with a reason and a fix', async () => {
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    mkdirSync(join(d, 'dir.tar'));
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['rel', undefined, /absolute/],
      [join(d, 'file'), undefined, /not a directory/],
      [join(d, 'file', 'under'), undefined, /cannot be created/],
      [join(d, 'x'), 'rel.tar', /absolute/],
      [join(d, 'x'), join(d, 'a.zip'), /does not end in \.tar/],
      [join(d, 'x'), join(d, 'x', 'in.tar'), /inside the export directory/],
      [join(d, 'x'), join(d, 'dir.tar'), /is a directory/],
    ];
    for (const [dest, tar, reason] of cases) {
      const r = await checkDestination(dest, tar);
      expect(r, `${dest} ${tar}`).toMatchObject({ ok: false, resumable: false, reason: expect.stringMatching(reason), fix: expect.any(String) });
    }
    mkdirSync(join(d, 'foreign'));
    writeFileSync(join(d, 'foreign', 'notes.txt'), 'x');
    expect(await checkDestination(join(d, 'foreign'))).toMatchObject({ ok: false, reason: expect.stringMatching(/other files/) });
  });

  it('nearestExisting walks up to what exists; writable says whether this user may write', async () => {
    const d = dir();
    expect(await nearestExisting(join(d, 'a', 'b', 'c'))).toBe(d);
    expect(await writable(d)).toBe(true);
    expect(await writable(join(d, 'missing'))).toBe(false);
  });
});

describe('checkSource', () => {
  it('accepts a finished export directory or a file; refuses relative, missing, unfinished', async () => {
    const d = dir();
    mkdirSync(join(d, 'done'));
    writeFileSync(join(d, 'done', 'index.json'), '{}');
    writeFileSync(join(d, 'x.tar'), '');
    await expect(checkSource(join(d, 'done'))).resolves.toBeUndefined();
    await expect(checkSource(join(d, 'x.tar'))).resolves.toBeUndefined();
    await expect(checkSource('rel')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(checkSource(join(d, 'missing'))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('does not exist') });
    mkdirSync(join(d, 'half'));
    await expect(checkSource(join(d, 'half'))).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', message: expect.stringContaining('index.json') });
  });
});
