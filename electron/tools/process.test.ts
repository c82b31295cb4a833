import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LINE_CUT_MARKER, pump, spawnTool, stopOnTimeoutOrCancel } from './process';

describe('tool process', () => {
  it('reads bounded lines: CRLF trimmed, a long line cut once, a last line without newline kept', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    const done = pump(stream, (l) => lines.push(l), 5);
    stream.write('ab\r\ncd\n0123456789');
    stream.write('more\nlast');
    stream.end();
    await done;
    expect(lines).toEqual(['ab', 'cd', `01234${LINE_CUT_MARKER}`, 'last']);
    await expect(pump(undefined, () => {}, 5)).resolves.toBeUndefined();
  });

  it('spawns with argv only and stops the tool on cancel', async () => {
    const sub = spawnTool({ file: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'] });
    const ctl = new AbortController();
    const stopper = stopOnTimeoutOrCancel(sub, ctl.signal, 60_000);
    ctl.abort();
    const result = await sub;
    stopper.clear();
    expect(stopper.timedOut()).toBe(false);
    expect(result.signal).toBe('SIGTERM');
  });

  it('stops the tool at the timeout and says so', async () => {
    const sub = spawnTool({ file: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'] });
    const stopper = stopOnTimeoutOrCancel(sub, new AbortController().signal, 50);
    const result = await sub;
    expect(stopper.timedOut()).toBe(true);
    expect(result.exitCode).toBeUndefined();
  });
});
