import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors.js';
import { SPACE_MARGIN_BYTES, diskFullError, humanBytes, requireFreeSpace, systemSpace, type SpaceProbe } from './diskSpace.js';

const MB = 1_000_000;

function probe(free: Record<string, number>, dev: Record<string, number>): SpaceProbe {
  return { available: async (d) => free[d]!, device: async (d) => dev[d]! };
}

async function refusal(p: Promise<unknown>): Promise<LifeboatError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LifeboatError);
  return e as LifeboatError;
}

describe('requireFreeSpace', () => {
  it('passes when the disk has the bytes and the margin', async () => {
    await expect(requireFreeSpace([{ dir: '/x', bytes: 100 * MB }], probe({ '/x': 100 * MB + SPACE_MARGIN_BYTES }, { '/x': 1 }))).resolves.toBeUndefined();
  });

  it('refuses with DISK_FULL naming the folder, what is needed and what is free', async () => {
    const e = await refusal(requireFreeSpace([{ dir: '/exports/reg', bytes: 812 * MB }], probe({ '/exports/reg': 60 * MB }, { '/exports/reg': 1 })));
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toBe('The export needs 812 MB more in /exports/reg, but its disk has 60.0 MB free. Nothing more was fetched.');
    expect(e.hint).toMatch(/Free space on the disk holding \/exports\/reg, or choose a folder on another disk/);
    expect(e.hint).toMatch(/kept and not fetched again/);
    expect(e.details).toMatchObject({ neededBytes: 812 * MB, freeBytes: 60 * MB });
  });

  it('adds up the needs of one disk (layout and tar side by side) but not of two', async () => {
    const oneDisk = probe({ '/a': 150 * MB, '/b': 150 * MB }, { '/a': 7, '/b': 7 });
    expect(
      (
        await refusal(
          requireFreeSpace(
            [
              { dir: '/a', bytes: 100 * MB },
              { dir: '/b', bytes: 100 * MB },
            ],
            oneDisk,
          ),
        )
      ).message,
    ).toContain('needs 200 MB more in /a');
    const twoDisks = probe({ '/a': 150 * MB, '/b': 150 * MB }, { '/a': 7, '/b': 8 });
    await expect(
      requireFreeSpace(
        [
          { dir: '/a', bytes: 100 * MB },
          { dir: '/b', bytes: 100 * MB },
        ],
        twoDisks,
      ),
    ).resolves.toBeUndefined();
  });

  it('asks nothing about needs of zero bytes (everything already exported)', async () => {
    const asked: string[] = [];
    const p: SpaceProbe = {
      available: async (d) => (asked.push(d), 0),
      device: async (d) => (asked.push(d), 1),
    };
    await requireFreeSpace([{ dir: '/done', bytes: 0 }], p);
    expect(asked).toEqual([]);
  });

  it('reads a real directory through statfs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-space-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    expect(await systemSpace.available(dir)).toBeGreaterThan(0);
    await expect(requireFreeSpace([{ dir, bytes: Number.MAX_SAFE_INTEGER / 2 }])).rejects.toMatchObject({ code: 'DISK_FULL' });
  });
});

describe('diskFullError', () => {
  it('turns ENOSPC and EDQUOT into DISK_FULL saying what was kept', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const e = diskFullError(enospc, '/mnt/usb/export')!;
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toBe('The export could not write to /mnt/usb/export: its disk is full (ENOSPC). It stopped; what was written is kept.');
    expect(diskFullError(Object.assign(new Error('quota'), { code: 'EDQUOT' }), '/home/op/x')!.message).toMatch(/disk quota there is used up \(EDQUOT\)/);
  });

  it('says a DISK_FULL from a blob folder again about the folder the operator chose', () => {
    const deep = diskFullError(Object.assign(new Error('no space'), { code: 'ENOSPC' }), '/mnt/usb/export/blobs/sha256')!;
    expect(diskFullError(deep, '/mnt/usb/export')!.message).toBe(
      'The export could not write to /mnt/usb/export: its disk is full (ENOSPC). It stopped; what was written is kept.',
    );
    // The refusal before the start has no errno: it is already about the chosen folder.
    expect(diskFullError(new LifeboatError('DISK_FULL', 'needs more', undefined, { neededBytes: 1 }), '/x')).toBeUndefined();
  });

  it('leaves every other error alone', () => {
    expect(diskFullError(Object.assign(new Error('denied'), { code: 'EACCES' }), '/x')).toBeUndefined();
    expect(diskFullError(new LifeboatError('REGISTRY_UNREACHABLE', 'down'), '/x')).toBeUndefined();
    expect(diskFullError(undefined, '/x')).toBeUndefined();
  });
});

describe('humanBytes', () => {
  it('speaks in the decimal units free-space tools show', () => {
    expect(humanBytes(512)).toBe('512 bytes');
    expect(humanBytes(60 * MB)).toBe('60.0 MB');
    expect(humanBytes(812 * MB)).toBe('812 MB');
    expect(humanBytes(1_400_000_000)).toBe('1.4 GB');
  });
});
