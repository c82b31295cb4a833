/**
 * Hostile inputs: corrupt, truncated or foreign state files in the data folder. Each is moved aside
 * (<file>.corrupt-<timestamp>, bytes kept as they were), reported, and the store starts fresh;
 * start-up never stops. Catalogue: README.md here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { Journal, JOURNAL_FILE } from '../journal';
import { onStateFileMovedAside, type MovedAside } from '../stateFile';
import { followedFile, loadFollowed, saveFollowed } from '../workflows/backups/followed';
import { JobStore } from '../workflows/registry/jobs';
import { WizardStore } from '../workflows/restore/state';
import { SetupStore } from '../workflows/setup/state';
import { expectAlive } from './helpers';

const stops: Array<() => void> = [];
afterEach(() => {
  while (stops.length) stops.pop()!();
});

function dataDir(): { dir: string; moved: MovedAside[] } {
  const dir = mkdtempSync(join(tmpdir(), 'lb-hostile-state-'));
  const moved: MovedAside[] = [];
  stops.push(onStateFileMovedAside(dir, (m) => moved.push(m)));
  return { dir, moved };
}

function plant(file: string, body: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
}

/** The file is gone from its place, kept byte for byte beside it, and the move was reported. */
function expectMovedAside(file: string, body: string | Buffer, moved: MovedAside[]): MovedAside {
  expect(existsSync(file)).toBe(false);
  const kept = readdirSync(dirname(file)).filter((n) => n.startsWith(`${file.split('/').pop()}.corrupt-`));
  expect(kept).toHaveLength(1);
  expect(readFileSync(join(dirname(file), kept[0]!))).toEqual(Buffer.isBuffer(body) ? body : Buffer.from(body));
  const m = moved.find((x) => x.file === file)!;
  expect(m).toBeTruthy();
  expect(m.movedTo).toBe(join(dirname(file), kept[0]!));
  expect(m.reason.length).toBeGreaterThan(5);
  expect(m.consequence.length).toBeGreaterThan(5);
  return m;
}

describe('hostile state files in the data folder', () => {
  it('restore wizard.json truncated mid-write: moved aside, the wizard starts over (was: SyntaxError, start-up stopped)', async () => {
    const { dir, moved } = dataDir();
    const store = new WizardStore(dir);
    const body = '{"step":"confirm","situation":"same-cluster","backup":"instance-';
    plant(store.file, body);
    const w = store.load();
    expect(w.step).toBe('situation');
    expect(expectMovedAside(store.file, body, moved).reason).toMatch(/not valid JSON/);
    store.save(w); // the next save works and does not touch the kept copy
    expect(JSON.parse(readFileSync(store.file, 'utf8')).step).toBe('situation');
    await expectAlive();
  });

  it('restore wizard.json of random binary bytes: moved aside (was: SyntaxError, start-up stopped)', async () => {
    const { dir, moved } = dataDir();
    const store = new WizardStore(dir);
    const body = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x80, 0x81, 0x0a, 0x00]);
    plant(store.file, body);
    expect(store.load().step).toBe('situation');
    expectMovedAside(store.file, body, moved);
    await expectAlive();
  });

  it('restore wizard.json from another version (valid JSON, unknown step): kept aside, not overwritten (was: silently replaced at the next save)', async () => {
    const { dir, moved } = dataDir();
    const store = new WizardStore(dir);
    const body = JSON.stringify({ step: 'teleport', updatedAt: 'yesterday', schema: 99 });
    plant(store.file, body);
    expect(store.load().step).toBe('situation');
    expect(expectMovedAside(store.file, body, moved).reason).toMatch(/does not hold what Lifeboat expects \(step/);
    await expectAlive();
  });

  it('setup wizard.json truncated: moved aside, setup starts at preflight (was: silently discarded, overwritten at the next save)', async () => {
    const { dir, moved } = dataDir();
    const store = new SetupStore(dir);
    const body = '{"step":"apply","veleroNamespace":"velero","apply":{"state":"runn';
    plant(store.file, body);
    const w = store.load({ remembered: false, rememberAvailable: false, note: 'x' } as never);
    expect(w.step).toBe('preflight');
    expectMovedAside(store.file, body, moved);
    await expectAlive();
  });

  it('setup wizard.json is a directory: moved aside and the next save works (was: every save failed on rename)', async () => {
    const { dir, moved } = dataDir();
    const store = new SetupStore(dir);
    mkdirSync(store.file, { recursive: true });
    writeFileSync(join(store.file, 'inner'), 'x');
    const w = store.load({ remembered: false, rememberAvailable: false, note: 'x' } as never);
    expect(w.step).toBe('preflight');
    const m = moved.find((x) => x.file === store.file)!;
    expect(m.reason).toMatch(/not a regular file/);
    expect(readFileSync(join(m.movedTo!, 'inner'), 'utf8')).toBe('x');
    store.save(w);
    expect(JSON.parse(readFileSync(store.file, 'utf8')).step).toBe('preflight');
    await expectAlive();
  });

  it('followed.json of zero bytes (power cut before the write): moved aside, nothing followed, saving works', async () => {
    const { dir, moved } = dataDir();
    plant(followedFile(dir), '');
    expect(loadFollowed(dir)).toBeNull();
    expect(expectMovedAside(followedFile(dir), '', moved).reason).toMatch(/empty/);
    saveFollowed(dir, { name: 'instance-1', state: 'running', startedAt: new Date().toISOString(), timeline: [] } as never);
    expect(existsSync(followedFile(dir))).toBe(true);
    await expectAlive();
  });

  it('registry jobs.json truncated: moved aside, the job list starts empty (was: silently emptied and overwritten at the next job)', async () => {
    const { dir, moved } = dataDir();
    const file = join(dir, 'registry', 'jobs.json');
    const body = '{"version":1,"jobs":[{"job":{"id":"rx-1","kind":"export","state":"succ';
    plant(file, body);
    const store = new JobStore(dir);
    expect(store.list()).toEqual([]);
    expectMovedAside(file, body, moved);
    await expectAlive();
  });

  it('registry jobs.json of a future version: kept aside with its jobs, not overwritten', async () => {
    const { dir, moved } = dataDir();
    const file = join(dir, 'registry', 'jobs.json');
    const body = JSON.stringify({ version: 2, jobs: [{ id: 'rx-9' }] });
    plant(file, body);
    expect(new JobStore(dir).list()).toEqual([]);
    expect(expectMovedAside(file, body, moved).reason).toMatch(/version/);
    await expectAlive();
  });

  it("a 40 MB state file (not Lifeboat's): moved aside without being read", async () => {
    const { dir, moved } = dataDir();
    const store = new WizardStore(dir);
    plant(store.file, '');
    truncateSync(store.file, 40 * 1024 * 1024); // sparse: costs no disk
    expect(store.load().step).toBe('situation');
    expect(moved.find((m) => m.file === store.file)!.reason).toMatch(/41943040 bytes/);
    expect(existsSync(store.file)).toBe(false);
    await expectAlive();
  });

  it('journal.jsonl with garbage and NUL lines between good entries: the good ones load, nothing is rewritten', async () => {
    const { dir } = dataDir();
    const good = { id: 'a', startedAt: '2026-01-01T00:00:00.000Z', tool: 'velero', args: [], outcome: 'succeeded' };
    const body = `${JSON.stringify(good)}\n\u0000\u0000\u0000garbage{{{\n{"id":"b","tool":\n${JSON.stringify({ ...good, id: 'c' })}\n`;
    writeFileSync(join(dir, JOURNAL_FILE), body);
    const j = new Journal(dir);
    expect(
      j
        .list(10)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8')).toBe(body);
    await expectAlive();
  });

  it('start-up with every state file corrupt: the app builds, each wizard answers from a fresh state, and Activity says what was moved aside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-hostile-startup-'));
    plant(join(dir, 'restore', 'wizard.json'), '{"step":');
    plant(join(dir, 'setup', 'wizard.json'), 'not json at all');
    plant(join(dir, 'backups', 'followed.json'), '[1,2');
    plant(join(dir, 'registry', 'jobs.json'), '\u0000');
    const app = createApp({ dataDir: dir, mode: 'web', version: '0.0.0', env: { HOME: dir }, toolsDir: join(dir, 'no-tools') });
    try {
      expect(((await app.handlers['restore.state']({} as never)) as { step: string }).step).toBe('situation');
      expect(((await app.handlers['setup.state']({} as never)) as { step: string }).step).toBe('preflight');
      expect(await app.handlers['backups.followed']({} as never)).toBeNull();
      expect(await app.handlers['registry.jobs']({} as never)).toEqual([]);
      const notes = app.journal.list(50).filter((e) => e.tool === 'lifeboat');
      expect(notes.map((n) => n.args[1]).sort()).toEqual(
        ['backups/followed.json', 'registry/jobs.json', 'restore/wizard.json', 'setup/wizard.json'].map((f) => join(dir, f)).sort(),
      );
      for (const n of notes) {
        expect(n.outcome).toBe('failed');
        expect(n.summary).toMatch(/Kept as .*\.corrupt-/);
      }
    } finally {
      await app.dispose();
    }
    await expectAlive();
  });
});
