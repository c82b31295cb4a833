/**
 * The tool's process for the runner (runner.ts): spawned with argv only (never a shell) in its own
 * process group, stopped with its children at the timeout or on cancel, its output read as bounded
 * lines.
 */
import type { Readable } from 'node:stream';
import { execa } from 'execa';

export const LINE_CUT_MARKER = ' … [line cut by Lifeboat: too long]';

export interface SpawnSpec {
  file: string;
  args: readonly string[];
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
}

export function spawnTool(spec: SpawnSpec) {
  return execa(spec.file, [...spec.args], {
    env: spec.env,
    extendEnv: true,
    input: spec.input,
    stdin: spec.input === undefined ? 'ignore' : undefined,
    cwd: spec.cwd,
    // Own process group on POSIX so cancel/timeout stop the tool's children too (they would
    // otherwise keep its pipes open). Timeout and cancel are handled by stopOnTimeoutOrCancel, not by execa.
    detached: process.platform !== 'win32',
    reject: false,
    buffer: false,
    windowsHide: true,
    shell: false,
  });
}

/**
 * SIGTERM to the tool's process group (SIGKILL 5 s later) after `timeoutMs` or when `signal` aborts.
 * `timedOut()` says whether the timeout fired; `clear()` once the tool has exited.
 *
 * After `clear()` nothing is ever signalled: the tool's pid is free once it has been reaped, and the
 * system may give it to another program (a busy machine wraps around its pid range within minutes),
 * so a late cancel — or the SIGKILL that follows a SIGTERM — would stop whatever now runs under that
 * number, and its whole process group.
 */
export function stopOnTimeoutOrCancel(
  sub: { pid?: number; kill(sig: NodeJS.Signals): unknown },
  signal: AbortSignal,
  timeoutMs: number,
): { timedOut(): boolean; clear(): void } {
  let timedOut = false;
  let exited = false;
  const signalAll = (sig: NodeJS.Signals) => {
    if (exited) return;
    const pid = sub.pid;
    try {
      if (pid && process.platform !== 'win32') process.kill(-pid, sig);
      else sub.kill(sig);
    } catch {
      // already gone
    }
  };
  const killTree = () => {
    signalAll('SIGTERM');
    setTimeout(() => signalAll('SIGKILL'), 5000).unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, timeoutMs);
  signal.addEventListener('abort', killTree, { once: true });
  return {
    timedOut: () => timedOut,
    clear: () => {
      exited = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', killTree);
    },
  };
}

export /**
 * Splits a stream into lines, bounded: a line longer than `maxLine` characters is cut (with a marker)
 * and the rest of it dropped, so a tool printing megabytes without a newline cannot grow one string
 * without end. A last line without a newline (a tool that exited mid-line) is still delivered.
 */
function pump(stream: Readable | null | undefined, onLine: (line: string) => void, maxLine: number): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    let partial = '';
    let cut = false;
    let ended = false;
    const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        if (cut) cut = false;
        else emit(partial + chunk.slice(start, nl));
        partial = '';
        start = nl + 1;
      }
      if (cut) return;
      partial += chunk.slice(start);
      if (partial.length > maxLine) {
        emit(`${partial.slice(0, maxLine)}${LINE_CUT_MARKER}`);
        partial = '';
        cut = true;
      }
    });
    const end = () => {
      if (ended) return;
      ended = true;
      if (partial && !cut) emit(partial);
      partial = '';
      resolve();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  });
}
