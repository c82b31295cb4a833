import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { bySchema, onStateFileMovedAside, StateStore, writeFileAtomic, type MovedAside } from './stateFile';

// Lets a test make the rename (the commit of an atomic write) fail, as a full disk or a crash would.
const fail = vi.hoisted(() => ({ rename: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof real.renameSync = (a, b) => {
    if (fail.rename) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    real.renameSync(a, b);
  };
  return { ...real, renameSync, default: { ...real, renameSync } };
});

const Doc = z.object({ name: z.string(), rev: z.number().optional() });
type Doc = z.infer<typeof Doc>;

const stops: Array<() => void> = [];
afterEach(() => {
  fail.rename = false;
  while (stops.length) stops.pop()!();
});

function setup(opts: { revisions?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lb-statefile-'));
  const moved: MovedAside[] = [];
  stops.push(onStateFileMovedAside(dir, (m) => moved.push(m)));
  const file = join(dir, 'area', 'state.json');
  const make = () =>
    new StateStore<Doc>({ file, accept: bySchema(Doc), consequence: 'the test starts over', ...(opts.revisions ? { revisionOf: (d: Doc) => d.rev } : {}) });
  return { dir, file, moved, make };
}

const leftovers = (file: string) => readdirSync(join(file, '..')).filter((n) => n.endsWith('.tmp'));

describe('StateStore: one JSON state file', () => {
  it('none yet: undefined, revision 0; a save creates the folder (0700) and the file (0600)', () => {
    const { file, make } = setup();
    const s = make();
    expect(s.load()).toBeUndefined();
    expect(s.revision).toBe(0);
    expect(s.save({ name: 'a' })).toEqual({ name: 'a' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ name: 'a' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(make().load()).toEqual({ name: 'a' });
  });

  it('a corrupt file is moved aside byte for byte and reported, never thrown; the next save leaves the kept copy alone', () => {
    const { file, moved, make } = setup();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '{"name": "tor');
    const s = make();
    expect(s.load()).toBeUndefined();
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ file, consequence: 'the test starts over', reason: expect.stringMatching(/not valid JSON/) });
    expect(readFileSync(moved[0].movedTo!, 'utf8')).toBe('{"name": "tor');
    s.save({ name: 'fresh' });
    expect(readFileSync(moved[0].movedTo!, 'utf8')).toBe('{"name": "tor');
    expect(make().load()).toEqual({ name: 'fresh' });
  });

  it('valid JSON of the wrong shape is moved aside too (not overwritten at the next save)', () => {
    const { file, moved, make } = setup();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify({ name: 7 }));
    expect(make().load()).toBeUndefined();
    expect(moved[0].reason).toMatch(/does not hold what Lifeboat expects \(name/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('revision: one more at every save, continued from the value loaded, above any revision a caller has seen', () => {
    const { make } = setup({ revisions: true });
    const s = make();
    s.load();
    const a = s.save((rev) => ({ name: 'a', rev }));
    const b = s.save((rev) => ({ name: 'b', rev }));
    expect([a.rev, b.rev, s.revision]).toEqual([1, 2, 2]);
    // A start-over object that carries no revision still gets a higher one.
    expect(s.save((rev) => ({ name: 'fresh', rev })).rev).toBe(3);
    // A caller holding a higher revision (another process wrote it) is not gone back on.
    expect(s.save((rev) => ({ name: 'c', rev }), 10).rev).toBe(11);
    // After a restart the revisions continue from the file.
    const again = make();
    expect(again.load()).toEqual({ name: 'c', rev: 11 });
    expect(again.revision).toBe(11);
    expect(again.save((rev) => ({ name: 'd', rev })).rev).toBe(12);
  });

  it('atomic: a write that cannot be committed leaves the previous file whole and no temp file behind', () => {
    const { file, make } = setup();
    const s = make();
    s.save({ name: 'before' });
    fail.rename = true;
    expect(() => s.save({ name: 'after' })).toThrow(/ENOSPC/);
    fail.rename = false;
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ name: 'before' }, null, 2));
    expect(leftovers(file)).toEqual([]);
    expect(s.revision).toBe(1); // the failed write did not count
    expect(make().load()).toEqual({ name: 'before' });
  });

  it('atomic: writeFileAtomic replaces the whole file, never appends or leaves a shorter tail', () => {
    const { file } = setup();
    writeFileAtomic(file, 'x'.repeat(1000));
    writeFileAtomic(file, 'short');
    expect(readFileSync(file, 'utf8')).toBe('short');
    expect(leftovers(file)).toEqual([]);
  });

  it('saveLater: writes in call order, the last value ends up on disk, every read in between is whole', async () => {
    const { file, make } = setup();
    const s = make();
    const seen: string[] = [];
    const writes = Array.from({ length: 25 }, (_, i) => {
      const p = s.saveLater({ name: `v${i}` });
      if (fs.existsSync(file)) seen.push((JSON.parse(readFileSync(file, 'utf8')) as Doc).name);
      return p;
    });
    await Promise.all(writes);
    expect(make().load()).toEqual({ name: 'v24' });
    expect(s.revision).toBe(25);
    expect(seen.every((n) => /^v\d+$/.test(n))).toBe(true);
    expect(leftovers(file)).toEqual([]);
  });

  it('saveLater: a failed write is swallowed and the next one succeeds', async () => {
    const { file, make } = setup();
    const s = make();
    mkdirSync(file, { recursive: true }); // a folder where the file should be: the rename fails
    await expect(s.saveLater({ name: 'lost' })).resolves.toBeUndefined();
    fs.rmSync(file, { recursive: true });
    await s.saveLater({ name: 'kept' });
    expect(make().load()).toEqual({ name: 'kept' });
  });
});
