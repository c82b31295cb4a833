/**
 * Runs the bundled tools (velero, kubectl-kots). Argv arrays only, never a shell. Each run:
 * - streams stdout/stderr line by line as `activity.output` events (and keeps the recent lines for
 *   `activity.output` calls),
 * - writes a journal entry when it starts and when it ends,
 * - can be cancelled by runId and has a timeout,
 * - fails as data: TOOL_FAILED (exit code + the tool's last stderr lines), TOOL_TIMEOUT, CANCELLED,
 *   TOOL_MISSING when the executable cannot be started.
 *
 * Secrets: callers should hand secrets to a tool through `env` (e.g. AWS_SHARED_CREDENTIALS_FILE
 * pointing at a 0600 temp file, or KOTS_REGISTRY_PASSWORD for kubectl-kots), `input` (stdin) or a
 * file, never argv: argv is visible to every local user through `ps`. On Linux /proc/<pid>/cmdline
 * is mode 0444 while /proc/<pid>/environ is 0400 (owner and root only); checked on Linux 6.18 by
 * spawning a child with a secret in each and reading both as uid 65534: cmdline showed the secret,
 * environ was "Permission denied". The environment is never recorded: the journal keeps the
 * redacted argv only. Whatever the caller passes in `secrets` is redacted from every line, event,
 * error and journal entry, and so are the values of `env` variables whose names say they are secret
 * (secretEnvValues) and well-known secret patterns (tools/redact.ts), in case a secret does reach
 * argv or the tool echoes one.
 */
import { randomUUID } from 'node:crypto';
import type { JournalEntry, ToolOutputLine } from '../api/contract.js';
import { LifeboatError } from '../api/errors.js';
import type { EventBus } from '../events.js';
import type { Journal } from '../journal.js';
import { LINE_CUT_MARKER, pump, spawnTool, stopOnTimeoutOrCancel } from './process.js';
import { Redactor } from './redact.js';

export { LINE_CUT_MARKER };

export interface RunSpec {
  /** Name shown in the journal (e.g. "velero"). */
  tool: string;
  /** Absolute path of the executable. */
  file: string;
  args: readonly string[];
  /**
   * Extra environment; the preferred way to pass credentials (never argv). Never recorded. A key set
   * to undefined removes a variable Lifeboat itself inherited.
   */
  env?: Record<string, string | undefined>;
  /** Written to stdin, then stdin is closed; another safe channel for secrets. */
  input?: string;
  /** Secret values to redact from everything this run emits or records. */
  secrets?: readonly string[];
  timeoutMs?: number;
  cwd?: string;
  runId?: string;
  /** One-line description for the journal ("Create backup nightly"). */
  summary?: string;
  /**
   * The note for an output line that is not what its stream suggests (e.g. kots's version check on
   * stderr). Noted lines are shown in Activity with the note, and left out of RunResult and of the
   * lines quoted when the run fails, so nothing reads them as the tool's answer or its error.
   */
  noteFor?: (stream: 'stdout' | 'stderr', line: string) => string | undefined;
}

export interface RunResult {
  runId: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the tool printed more than the runner keeps (MAX_CAPTURE_CHARS): the rest is not in stdout/stderr. */
  truncated?: { stdout: boolean; stderr: boolean; limitChars: number };
}

export interface RunHandle {
  runId: string;
  done: Promise<RunResult>;
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

const SECRET_ENV_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY/i;

/** Values of env variables whose names say they hold a secret: redacted even if not in `secrets`. */
export function secretEnvValues(env: RunSpec['env']): string[] {
  return Object.entries(env ?? {})
    .filter(([k, v]) => SECRET_ENV_NAME.test(k) && typeof v === 'string')
    .map(([, v]) => v as string);
}

function redactorFor(base: Redactor | undefined, spec: RunSpec): Redactor {
  return (base ?? new Redactor()).with([...(spec.secrets ?? []), ...secretEnvValues(spec.env)]);
}
const KEEP_LINES_PER_RUN = 5000;
/** A line longer than this is cut (a tool printing garbage without newlines). */
export const MAX_LINE_CHARS = 256 * 1024;
/** stdout (and stderr) kept for the caller beyond this is dropped, and runJson refuses it. */
export const MAX_CAPTURE_CHARS = 64 * 1024 * 1024;
const KEEP_RUNS = 50;
const STDERR_TAIL = 20;

export class ToolRunner {
  private readonly active = new Map<string, AbortController>();
  private readonly outputs = new Map<string, ToolOutputLine[]>();

  constructor(private readonly opts: { journal?: Journal; bus?: EventBus; redactor?: Redactor; limits?: { lineChars?: number; captureChars?: number } } = {}) {}

  start(spec: RunSpec): RunHandle {
    const runId = spec.runId ?? randomUUID();
    if (this.active.has(runId)) throw new LifeboatError('BAD_INPUT', `A run with id ${runId} is already going.`);
    const done = this.execute(runId, spec);
    return { runId, done };
  }

  run(spec: RunSpec): Promise<RunResult> {
    return this.start(spec).done;
  }

  /** Runs and parses stdout as JSON; anything else is TOOL_OUTPUT_INVALID. */
  async runJson<T = unknown>(spec: RunSpec, validate?: (v: unknown) => T): Promise<{ result: RunResult; value: T }> {
    const result = await this.run(spec);
    const redactor = redactorFor(this.opts.redactor, spec);
    if (result.truncated?.stdout)
      throw outputInvalid(spec.tool, result.stdout, redactor, `it printed more than ${Math.round(result.truncated.limitChars / (1024 * 1024))} MiB`);
    let value: unknown;
    try {
      value = JSON.parse(result.stdout);
    } catch (err) {
      throw outputInvalid(spec.tool, result.stdout, redactor, (err as Error).message);
    }
    if (!validate) return { result, value: value as T };
    try {
      return { result, value: validate(value) };
    } catch (err) {
      throw outputInvalid(spec.tool, result.stdout, redactor, (err as Error).message);
    }
  }

  cancel(runId: string): boolean {
    const ctl = this.active.get(runId);
    if (!ctl) return false;
    ctl.abort();
    return true;
  }

  /** Stops every run (the app is quitting). */
  cancelAll(): void {
    for (const ctl of this.active.values()) ctl.abort();
  }

  isRunning(runId: string): boolean {
    return this.active.has(runId);
  }

  output(runId: string): ToolOutputLine[] {
    return [...(this.outputs.get(runId) ?? [])];
  }

  private async execute(runId: string, spec: RunSpec): Promise<RunResult> {
    const redactor = redactorFor(this.opts.redactor, spec);
    const ctl = new AbortController();
    this.active.set(runId, ctl);
    const lines: ToolOutputLine[] = [];
    this.outputs.set(runId, lines);
    while (this.outputs.size > KEEP_RUNS) this.outputs.delete(this.outputs.keys().next().value as string);

    const started = Date.now();
    const base: JournalEntry = {
      id: runId,
      startedAt: new Date(started).toISOString(),
      tool: spec.tool,
      args: redactor.redactArgs(spec.args),
      outcome: 'running',
      summary: spec.summary ? redactor.redact(spec.summary) : undefined,
    };
    this.opts.journal?.record(base);

    const stdout: string[] = [];
    const stderr: string[] = [];
    const captureMax = this.opts.limits?.captureChars ?? MAX_CAPTURE_CHARS;
    const captured = { stdout: 0, stderr: 0 };
    const overflow = { stdout: false, stderr: false };
    const redactLine = { stdout: redactor.lines(), stderr: redactor.lines() }; // PEM keys span lines
    const onLine = (stream: 'stdout' | 'stderr', raw: string) => {
      const note = spec.noteFor?.(stream, raw);
      if (!note) {
        // Bounded: a tool printing without end cannot take Lifeboat's memory with it.
        captured[stream] += raw.length + 1;
        if (captured[stream] <= captureMax) (stream === 'stdout' ? stdout : stderr).push(raw);
        else overflow[stream] = true;
      }
      const line: ToolOutputLine = { runId, stream, line: redactLine[stream](raw), at: new Date().toISOString(), ...(note ? { note } : {}) };
      lines.push(line);
      if (lines.length > KEEP_LINES_PER_RUN) lines.shift();
      this.opts.bus?.emit('activity.output', line);
    };

    const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const finish = (outcome: JournalEntry['outcome'], exitCode: number | null, summary?: string) => {
      this.active.delete(runId);
      this.opts.journal?.record({
        ...base,
        outcome,
        exitCode,
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - started,
        summary: summary ? redactor.redact(summary) : base.summary,
      });
    };

    let sub;
    try {
      sub = spawnTool(spec);
    } catch (err) {
      finish('failed', null, 'could not start');
      throw missing(spec, err, redactor);
    }
    const stopper = stopOnTimeoutOrCancel(sub, ctl.signal, timeoutMs);
    const maxLine = this.opts.limits?.lineChars ?? MAX_LINE_CHARS;
    const pumps = [pump(sub.stdout, (l) => onLine('stdout', l), maxLine), pump(sub.stderr, (l) => onLine('stderr', l), maxLine)];
    const result = await sub;
    stopper.clear();
    // A grandchild that inherited the pipes can hold them open after the tool itself exited or was
    // killed; give the readers a moment to drain, then stop reading.
    await Promise.race([Promise.all(pumps), new Promise((r) => setTimeout(r, 1000).unref())]);
    sub.stdout?.destroy();
    sub.stderr?.destroy();
    const durationMs = Date.now() - started;
    const tail = redactor.redactArgs(stderr.slice(-STDERR_TAIL));

    const failure = failureOf({ spec, runId, result, aborted: ctl.signal.aborted, timedOut: stopper.timedOut(), timeoutMs, tail, durationMs, redactor });
    if (failure) {
      finish(failure.outcome, failure.exitCode, failure.summary);
      throw failure.error;
    }
    finish('succeeded', 0);
    return {
      runId,
      exitCode: 0,
      stdout: stdout.join('\n'),
      stderr: stderr.join('\n'),
      durationMs,
      ...(overflow.stdout || overflow.stderr ? { truncated: { stdout: overflow.stdout, stderr: overflow.stderr, limitChars: captureMax } } : {}),
    };
  }
}

interface Ended {
  spec: RunSpec;
  runId: string;
  result: { exitCode?: number; signal?: string; cause?: unknown };
  aborted: boolean;
  timedOut: boolean;
  timeoutMs: number;
  /** The last stderr lines, redacted. */
  tail: string[];
  durationMs: number;
  redactor: Redactor;
}

/** How a run that did not succeed ended: its journal outcome and the error to throw; undefined when it succeeded. */
function failureOf(e: Ended): { outcome: JournalEntry['outcome']; exitCode: number | null; summary: string; error: LifeboatError } | undefined {
  const { spec, runId, result, tail, redactor } = e;
  const shown = `${spec.tool} ${redactor.redactArgs(spec.args).join(' ')}`.trim();
  if (e.aborted) {
    const error = new LifeboatError(
      'CANCELLED',
      `${shown} was cancelled.`,
      'Nothing else was changed by Lifeboat; the tool may have done part of its work before it stopped. Check Activity for its output.',
      { runId, lastLines: tail },
    );
    return { outcome: 'cancelled', exitCode: result.exitCode ?? null, summary: 'Cancelled by the operator', error };
  }
  if (e.timedOut) {
    const s = Math.round(e.timeoutMs / 1000);
    const error = new LifeboatError(
      'TOOL_TIMEOUT',
      `${shown} did not finish within ${s} seconds and was stopped.`,
      'The cluster or storage may be slow or unreachable. Check connectivity, then try again.',
      { runId, timeoutMs: e.timeoutMs, lastLines: tail },
    );
    return { outcome: 'timed-out', exitCode: result.exitCode ?? null, summary: `Timed out after ${s} s`, error };
  }
  const code = (result as { code?: string }).code;
  if (result.exitCode === undefined && (code === 'ENOENT' || code === 'EACCES')) {
    return { outcome: 'failed', exitCode: null, summary: 'could not start', error: missing(spec, result.cause ?? result, redactor) };
  }
  if (result.exitCode === 0) return undefined;
  const exitCode = result.exitCode ?? null;
  const last = tail
    .filter((l) => l.trim())
    .slice(-5)
    .join('\n');
  const error = new LifeboatError(
    'TOOL_FAILED',
    `${spec.tool} failed (exit code ${exitCode ?? `none, signal ${result.signal ?? 'unknown'}`})${last ? `: ${last.split('\n').pop()}` : '.'}`,
    "The lines above are the tool's own words; the full output is in Activity.",
    { runId, exitCode, signal: result.signal, lastLines: tail, durationMs: e.durationMs },
  );
  return { outcome: 'failed', exitCode, summary: last.split('\n').pop() || `exit code ${exitCode ?? 'none'}`, error };
}

function missing(spec: RunSpec, err: unknown, redactor: Redactor): LifeboatError {
  return new LifeboatError(
    'TOOL_MISSING',
    `Lifeboat could not start ${spec.tool} (${spec.file}): ${redactor.redact(err instanceof Error ? err.message.split('\n')[0] : String(err))}`,
    'The bundled tool is missing or not executable. Reinstall Lifeboat, or point LIFEBOAT_TOOLS_DIR at a directory holding it.',
    { file: spec.file },
  );
}

function outputInvalid(tool: string, stdout: string, redactor: Redactor, why: string): LifeboatError {
  const sample = redactor.redact(stdout.slice(0, 300));
  return new LifeboatError(
    'TOOL_OUTPUT_INVALID',
    `${tool} printed output Lifeboat could not read (${why}).`,
    'This usually means the bundled tool is a different version than Lifeboat expects. Check Tools in Settings; the raw output is in Activity.',
    { sample },
  );
}
