import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collect, limitFor, outputCap } from './downloadLimits.js';

const run = async (chunks: string[], limit: Parameters<typeof outputCap>[0], stop?: () => void) =>
  (
    await collect(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(outputCap(limit, 'backup log of b1', { stop, cli: 'velero backup logs b1 -n velero' })))
  ).toString();

describe('download limits', () => {
  it('per kind: logs are truncated, documents refused, contents streamed', () => {
    expect(limitFor('BackupLog')).toMatchObject({ mode: 'truncate', maxBytes: 64 << 20, maxLines: 500_000 });
    expect(limitFor('RestoreResults')).toMatchObject({ mode: 'refuse', maxBytes: 32 << 20 });
    expect(limitFor('BackupContents')).toBeUndefined();
  });

  it('a log over the line cap keeps the first lines and ends with a marker; the download is stopped', async () => {
    let stopped = 0;
    const out = await run(['a\nb\n', 'c\nd\ne\n'], { mode: 'truncate', maxBytes: 1000, maxLines: 3, maxCompressed: 1000 }, () => stopped++);
    expect(out).toBe('a\nb\nc\n[Lifeboat: log truncated at 3 lines / 0 MiB; the rest is not shown. The whole log: velero backup logs b1 -n velero]\n');
    expect(stopped).toBe(1);
  });

  it('exactly at the cap is not truncated', async () => {
    expect(await run(['a\nb\n', 'c\n'], { mode: 'truncate', maxBytes: 6, maxLines: 3, maxCompressed: 10 })).toBe('a\nb\nc\n');
  });

  it('a log over the byte cap is cut at the last whole line within it (or inside a giant line)', async () => {
    expect(await run(['aaaa\nbbbb\ncccc\n'], { mode: 'truncate', maxBytes: 12, maxLines: 100, maxCompressed: 100 })).toMatch(
      /^aaaa\nbbbb\n\[Lifeboat: log truncated at 2 lines/,
    );
    expect(await run(['x'.repeat(50)], { mode: 'truncate', maxBytes: 8, maxLines: 100, maxCompressed: 100 })).toMatch(
      /^x{8}\n\[Lifeboat: log truncated at 1 lines/,
    );
  });

  it('a document over its cap is an error that says what and how big', async () => {
    const err = await run(['{"a":', '"0123456789"}'], { mode: 'refuse', maxBytes: 10, maxCompressed: 10 }).catch((e) => e);
    expect(err.code).toBe('STORAGE_INVALID');
    expect(err.message).toMatch(/backup log of b1 is larger than the 0 MiB Lifeboat reads once uncompressed/);
  });
});
