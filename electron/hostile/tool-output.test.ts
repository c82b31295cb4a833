/**
 * Hostile inputs: kubectl-kots and velero printing garbage, printing without end, exiting mid-line.
 * Small shell scripts stand in for the tools (as tools/*.test.ts do) and the real runner runs them.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolOutputLine } from '../api/contract';
import { EventBus } from '../events';
import { Journal, JOURNAL_FILE } from '../journal';
import { parseBackupOutput } from '../kots/cli';
import { LINE_CUT_MARKER, MAX_LINE_CHARS, ToolRunner } from '../tools/runner';
import { expectAlive, expectClearError, failure, snapshot } from './helpers';

const bin = mkdtempSync(join(tmpdir(), 'lb-hostile-tools-'));
function tool(name: string, body: string, mode = 0o755): string {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, mode);
  return file;
}

function setup(limits?: { lineChars?: number; captureChars?: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-hostile-tools-data-'));
  const bus = new EventBus();
  const lines: ToolOutputLine[] = [];
  bus.on((e, p) => e === 'activity.output' && lines.push(p as ToolOutputLine));
  const journal = new Journal(dataDir, bus);
  return { dataDir, lines, journal, runner: new ToolRunner({ bus, journal, limits }) };
}

/** Only the journal was written in the data folder. */
function onlyJournal(dataDir: string) {
  expect(Object.keys(snapshot(dataDir))).toEqual([`/${JOURNAL_FILE}`]);
}

describe('hostile tool output', () => {
  it('velero printing binary garbage where JSON is expected: TOOL_OUTPUT_INVALID with a sample', async () => {
    const { runner, dataDir } = setup();
    const file = tool('velero-garbage', 'head -c 4096 /dev/urandom; echo');
    const err = await failure(runner.runJson({ tool: 'velero', file, args: ['backup', 'get', '-o', 'json'] }));
    expectClearError(err, 'TOOL_OUTPUT_INVALID', /velero printed output Lifeboat could not read/);
    onlyJournal(dataDir);
    await expectAlive();
  });

  it('velero printing 3 MB on one line: the line is cut with a marker, the event stays small (was: one 3 MB event line)', async () => {
    const { runner, lines } = setup();
    const file = tool('velero-longline', "head -c 3000000 /dev/zero | tr '\\0' 'x'; echo; echo after");
    const res = await runner.run({ tool: 'velero', file, args: [] });
    const out = lines.filter((l) => l.stream === 'stdout');
    expect(out[0]!.line.length).toBe(MAX_LINE_CHARS + LINE_CUT_MARKER.length);
    expect(out[0]!.line.endsWith(LINE_CUT_MARKER)).toBe(true);
    expect(out.map((l) => l.line)).toContain('after');
    expect(res.stdout.length).toBeLessThan(MAX_LINE_CHARS + 1000);
    await expectAlive();
  });

  it('velero printing without end (more than the capture limit): runJson refuses it by size (was: every byte kept in memory)', async () => {
    const { runner } = setup({ captureChars: 1 << 20 });
    const file = tool(
      'velero-flood',
      'i=0; while [ $i -lt 40000 ]; do echo \'{"kind":"Backup","metadata":{"name":"padding-padding-padding"}}\'; i=$((i+1)); done',
    );
    const err = await failure(runner.runJson({ tool: 'velero', file, args: ['backup', 'get', '-o', 'json'] }));
    expectClearError(err, 'TOOL_OUTPUT_INVALID', /printed more than 1 MiB/);
    await expectAlive();
  });

  it('a tool that never stops printing is stopped at its timeout: TOOL_TIMEOUT, output bounded', async () => {
    const { runner, journal } = setup({ captureChars: 1 << 20 });
    const file = tool('velero-yes', 'yes garbage');
    const err = await failure(runner.run({ tool: 'velero', file, args: ['backup', 'logs', 'b1'], timeoutMs: 700 }));
    expectClearError(err, 'TOOL_TIMEOUT', /did not finish within/);
    expect(journal.list(1)[0]!.outcome).toBe('timed-out');
    await expectAlive();
  });

  it('kubectl-kots exiting mid-line in its JSON: TOOL_OUTPUT_INVALID, the backup is not assumed', async () => {
    const { runner } = setup();
    const file = tool('kots-midline', 'printf \'{"success":tr\'');
    const res = await runner.run({ tool: 'kubectl-kots', file, args: ['backup'] });
    expect(res.stdout).toBe('{"success":tr'); // the partial last line is delivered, not lost
    expectClearError(await failure(() => parseBackupOutput(res.stdout)), 'TOOL_OUTPUT_INVALID', /kubectl kots backup printed something Lifeboat cannot read/);
    await expectAlive();
  });

  it('kubectl-kots printing ANSI colour codes, carriage returns and a spinner around its answer: still read when the JSON line is whole', async () => {
    const { runner } = setup();
    const file = tool(
      'kots-ansi',
      'printf \'\\033[32m•\\033[0m Connecting\\r\\n\\r  Working |/-\\\\|\\r\\n{"success":true,"backupName":"instance-abc"}\\r\\n\'',
    );
    const res = await runner.run({ tool: 'kubectl-kots', file, args: ['backup'] });
    expect(parseBackupOutput(res.stdout)).toEqual({ success: true, backupName: 'instance-abc' });
    await expectAlive();
  });

  it('kubectl-kots answering {"success":"true"} (a string): TOOL_OUTPUT_INVALID, never read as success', async () => {
    expectClearError(await failure(() => parseBackupOutput('{"success":"true","backupName":"x"}')), 'TOOL_OUTPUT_INVALID');
    await expectAlive();
  });

  it('kubectl-kots failing mid-line on stderr: TOOL_FAILED quoting the partial line', async () => {
    const { runner, journal } = setup();
    const file = tool('kots-fail-midline', "echo 'Error: failed to get kotsadm pod' >&2; printf 'connection res' >&2; exit 1");
    const err = await failure(runner.run({ tool: 'kubectl-kots', file, args: ['backup'] }));
    expectClearError(err, 'TOOL_FAILED', /kubectl-kots failed \(exit code 1\): connection res/);
    expect(journal.list(1)[0]!.outcome).toBe('failed');
    await expectAlive();
  });

  it('velero killed by a signal halfway through its output: TOOL_FAILED naming the signal', async () => {
    const { runner } = setup();
    const file = tool('velero-killed', 'echo \'Backup request "b1" sub\'; kill -9 $$');
    const err = await failure(runner.run({ tool: 'velero', file, args: ['backup', 'create', 'b1'] }));
    expectClearError(err, 'TOOL_FAILED', /signal SIGKILL/);
    await expectAlive();
  });

  it('a tool file that is not executable: TOOL_MISSING with the path and what to do', async () => {
    const { runner } = setup();
    const file = tool('velero-noexec', 'echo hi', 0o644);
    const err = await failure(runner.run({ tool: 'velero', file, args: ['version'] }));
    expectClearError(err, 'TOOL_MISSING', /could not start velero/);
    await expectAlive();
  });

  it("velero printing valid JSON of the wrong shape: the caller's check makes it TOOL_OUTPUT_INVALID", async () => {
    const { runner } = setup();
    const file = tool('velero-wrongshape', 'echo \'{"items":"not a list"}\'');
    const err = await failure(
      runner.runJson({ tool: 'velero', file, args: [] }, (v) => {
        if (!Array.isArray((v as { items?: unknown }).items)) throw new Error('items is not a list');
        return v;
      }),
    );
    expectClearError(err, 'TOOL_OUTPUT_INVALID', /items is not a list/);
    await expectAlive();
  });
});
