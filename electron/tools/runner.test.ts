import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors';
import { EventBus } from '../events';
import { Journal } from '../journal';
import { ToolRunner } from './runner';

const dir = mkdtempSync(join(tmpdir(), 'lb-runner-'));
function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function setup() {
  const bus = new EventBus();
  const events: Array<[string, any]> = [];
  bus.on((e, p) => events.push([e, p]));
  const journal = new Journal(mkdtempSync(join(tmpdir(), 'lb-runner-j-')), bus);
  return { bus, events, journal, runner: new ToolRunner({ bus, journal }) };
}

async function caught(p: Promise<unknown>): Promise<LifeboatError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LifeboatError);
    return err as LifeboatError;
  }
  throw new Error('expected a failure');
}

describe('ToolRunner', () => {
  it('streams lines, records the journal, and redacts secrets everywhere', async () => {
    const { runner, events, journal } = setup();
    const file = script('ok.sh', 'echo "one"; echo "key is $SECRET" 1>&2; echo "two --secret-access-key=LEAKED"');
    const res = await runner.run({ tool: 'fake', file, args: ['--password=hunter22', 'x'], env: { SECRET: 'supersecret' }, secrets: ['supersecret'] });
    expect(res.exitCode).toBe(0);
    const lines = events.filter(([e]) => e === 'activity.output').map(([, p]) => p.line);
    expect(lines).toContain('one');
    expect(lines).toContain('key is ***');
    expect(lines).toContain('two --secret-access-key=***');
    expect(runner.output(res.runId).map((l) => l.line)).toEqual(expect.arrayContaining(['one', 'key is ***']));
    const entry = journal.get(res.runId)!;
    expect(entry.outcome).toBe('succeeded');
    expect(entry.args).toEqual(['--password=***', 'x']);
    expect(JSON.stringify(events)).not.toMatch(/supersecret|hunter22|LEAKED/);
  });

  it('a non-zero exit is TOOL_FAILED with the exit code and last stderr lines', async () => {
    const { runner, journal } = setup();
    const file = script('fail.sh', 'echo "working"; echo "an error occurred: token=abcdef123" 1>&2; exit 3');
    const err = await caught(runner.run({ tool: 'velero', file, args: ['backup', 'create', 'b1'] }));
    expect(err.code).toBe('TOOL_FAILED');
    expect(err.message).toMatch(/exit code 3/);
    expect(err.details?.exitCode).toBe(3);
    expect(err.details?.lastLines).toEqual(['an error occurred: token=***']);
    expect(err.hint).toBeTruthy();
    const entry = journal.list(1)[0];
    expect(entry.outcome).toBe('failed');
    expect(entry.exitCode).toBe(3);
  });

  it('times out with TOOL_TIMEOUT', async () => {
    const { runner, journal } = setup();
    const file = script('slow.sh', 'sleep 5');
    const err = await caught(runner.run({ tool: 'slow', file, args: [], timeoutMs: 200 }));
    expect(err.code).toBe('TOOL_TIMEOUT');
    expect(journal.list(1)[0].outcome).toBe('timed-out');
  });

  it('cancels by runId with CANCELLED', async () => {
    const { runner, journal } = setup();
    const file = script('long.sh', 'echo started; sleep 5');
    const h = runner.start({ tool: 'long', file, args: [] });
    await new Promise((r) => setTimeout(r, 150));
    expect(runner.isRunning(h.runId)).toBe(true);
    expect(runner.cancel(h.runId)).toBe(true);
    const err = await caught(h.done);
    expect(err.code).toBe('CANCELLED');
    expect(journal.get(h.runId)?.outcome).toBe('cancelled');
    expect(runner.cancel('no-such-run')).toBe(false);
  });

  it('a missing executable is TOOL_MISSING', async () => {
    const { runner } = setup();
    const err = await caught(runner.run({ tool: 'velero', file: join(dir, 'nope'), args: [] }));
    expect(err.code).toBe('TOOL_MISSING');
    expect(err.hint).toMatch(/LIFEBOAT_TOOLS_DIR/);
  });

  it('malformed output is TOOL_OUTPUT_INVALID', async () => {
    const { runner } = setup();
    const file = script('garbage.sh', 'echo "{not json"');
    const err = await caught(runner.runJson({ tool: 'kubectl-kots', file, args: ['backup', 'ls', '-o', 'json'] }));
    expect(err.code).toBe('TOOL_OUTPUT_INVALID');
    const good = script('good.sh', 'echo \'{"a":1}\'');
    const { value } = await runner.runJson<{ a: number }>({ tool: 'k', file: good, args: [] });
    expect(value.a).toBe(1);
  });

  it('passes stdin input to the tool', async () => {
    const { runner } = setup();
    const file = script('cat.sh', 'cat');
    const res = await runner.run({ tool: 'cat', file, args: [], input: 'from stdin\n' });
    expect(res.stdout).toBe('from stdin');
  });

  it('redacts the values of secret-named environment variables even when the caller did not list them; env is never recorded', async () => {
    const { runner, events, journal } = setup();
    const file = script('env.sh', 'echo "pw=$KOTS_REGISTRY_PASSWORD kc=$KUBECONFIG"');
    const res = await runner.run({ tool: 'kubectl-kots', file, args: ['velero'], env: { KOTS_REGISTRY_PASSWORD: 'envonly-42', KUBECONFIG: '/k/config' } });
    expect(res.stdout).toBe('pw=envonly-42 kc=/k/config');
    expect(runner.output(res.runId).map((l) => l.line)).toEqual(['pw=*** kc=/k/config']);
    expect(JSON.stringify(events)).not.toContain('envonly-42');
    expect(JSON.stringify(journal.get(res.runId))).not.toContain('envonly-42');
  });
});
