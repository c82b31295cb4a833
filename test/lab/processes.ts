/**
 * Long-running lab processes: started detached (so `lab:up` can return and the lab outlives it),
 * each in its own process group with its output in <lab>/logs/<name>.log, and stopped by group so
 * nothing they spawned is left behind.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface Started {
  name: string;
  pid: number;
  log: string;
}

export function startDaemon(labDir: string, name: string, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
  const log = join(labDir, 'logs', `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(command, args, {
    cwd: opts.cwd ?? labDir,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (!child.pid) throw new Error(`lab: could not start ${name} (${command})`);
  child.unref();
  return { name, pid: child.pid, log };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed process whose parent has not reaped it yet still answers signal 0: it is gone all the same.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`. Returns once it is gone. */
export async function stopGroup(pid: number, graceMs = 5000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (!isAlive(pid)) {
    signal('SIGKILL'); // children of a dead leader may live on in its group
    return;
  }
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    await sleep(100);
  }
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Waits until `probe` succeeds; on timeout throws with the process's last log lines. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, started?: Started): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (started && !isAlive(started.pid)) break;
    await sleep(200);
  }
  const tail = started && existsSync(started.log) ? readFileSync(started.log, 'utf8').split('\n').slice(-25).join('\n') : '';
  throw new Error(`lab: ${what} did not become ready within ${timeoutMs / 1000}s${tail ? `; last lines of ${started!.log}:\n${tail}` : ''}`);
}
