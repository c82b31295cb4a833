/**
 * Common checks of the hostile-input catalogue (see README.md here): every case ends in a
 * LifeboatError-shaped error (code, a message saying what happened, a hint saying what to do) or a
 * clear state, writes nothing where it should not, and leaves the process alive.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { errorCodes } from '../api/errors';

export interface ErrorShape {
  code: string;
  message: string;
  hint?: string;
}

/** A LifeboatError (or its data) with a known code, a message and a hint. */
export function expectClearError(err: unknown, code: string, message?: RegExp): ErrorShape {
  const e = err as ErrorShape;
  expect(e, 'expected an error').toBeTruthy();
  expect(errorCodes as readonly string[]).toContain(e.code);
  expect(e.code).toBe(code);
  expect(typeof e.message).toBe('string');
  expect(e.message.length).toBeGreaterThan(10);
  expect(e.message).not.toMatch(/^(undefined|null|\[object Object\])|TypeError|Cannot read propert/);
  if (message) expect(e.message).toMatch(message);
  expect(e.hint, `no hint for: ${e.message}`).toBeTruthy();
  return e;
}

/** The error a promise (or function) ends with; fails the test when it succeeds. */
export async function failure(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure, it succeeded');
}

/** Every file under `dir` with its size and mtime: compared before/after to prove nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else out[p.slice(dir.length)] = `${st.size}:${st.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

/** The test process (the product code ran in it) is alive and its event loop turns. */
export async function expectAlive(): Promise<void> {
  expect(() => process.kill(process.pid, 0)).not.toThrow();
  await new Promise((r) => setTimeout(r, 1));
}
