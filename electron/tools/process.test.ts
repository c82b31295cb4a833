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

  it('never signals once the tool has exited: a late cancel would hit whatever took over its pid', async () => {
    const signalled: string[] = [];
    const sub = { pid: 1 << 30, kill: (sig: NodeJS.Signals) => signalled.push(sig) };
    const realKill = process.kill;
    process.kill = ((pid: number, sig?: string | number) => {
      signalled.push(`${pid} ${sig}`);
      return true;
    }) as typeof process.kill;
    try {
      const ctl = new AbortController();
      const stopper = stopOnTimeoutOrCancel(sub, ctl.signal, 60_000);
      stopper.clear(); // the tool exited and was reaped
      ctl.abort();
      expect(signalled).toEqual([]);
      // Before clear(), a cancel reaches the tool's whole process group.
      const ctl2 = new AbortController();
      const live = stopOnTimeoutOrCancel(sub, ctl2.signal, 60_000);
      ctl2.abort();
      live.clear();
      expect(signalled).toEqual([`${-(1 << 30)} SIGTERM`]);
    } finally {
      process.kill = realKill;
    }
  });
});
