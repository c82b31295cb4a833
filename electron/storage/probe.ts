/**
 * The online probe the SDK-based provider checks share (gcs.ts, azure.ts): name a probe object
 * under the destination's prefix, then check the bucket or container, write the probe, read it
 * back and delete it, each call bounded by a timeout. Stops after a failed first or second step.
 */
import { randomBytes } from 'node:crypto';
import { fail, pass, type StorageCheck } from './checks.js';

class ProbeMismatch extends Error {}

/** Runs fn with a signal that aborts after ms; rejects with an AbortError then, whether or not fn heeds the signal. */
async function bounded<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    return await Promise.race([
      fn(ctl.signal),
      new Promise<never>((_, reject) =>
        ctl.signal.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted (timed out).'), { name: 'AbortError' })), {
          once: true,
        }),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Probe {
  timeoutMs: number;
  /** The destination's prefix, under which the probe is written. */
  prefix?: string;
  /** What the provider calls the probe ('blob', 'object'), in the check reasons. */
  noun: string;
  /** The check that the bucket or container answers: its title and its reason on success. */
  exists: { title: string; run: (signal: AbortSignal) => Promise<string> };
  write: (name: string, body: string, signal: AbortSignal) => Promise<unknown>;
  read: (name: string, signal: AbortSignal) => Promise<string>;
  remove: (name: string, signal: AbortSignal) => Promise<unknown>;
  /** A failed step's check, from the provider's error. */
  explain: (err: unknown, title: string) => StorageCheck;
}

/** Exists, write, read back, delete: one check per step taken. */
export async function runProbe(p: Probe): Promise<StorageCheck[]> {
  const checks: StorageCheck[] = [];
  const name = `${p.prefix ? `${p.prefix.replace(/\/+$/, '')}/` : ''}.lifeboat-probe-${randomBytes(6).toString('hex')}`;
  const body = `lifeboat probe ${new Date().toISOString()} ${randomBytes(8).toString('hex')}`;
  const step = async (title: string, fn: (signal: AbortSignal) => Promise<string>) => {
    try {
      checks.push(pass(title, await bounded(p.timeoutMs, fn)));
      return true;
    } catch (err) {
      checks.push(
        err instanceof ProbeMismatch
          ? fail(title, err.message, 'The storage service returned different bytes than were written; check proxies or gateways in between.')
          : p.explain(err, title),
      );
      return false;
    }
  };
  if (!(await step(p.exists.title, p.exists.run))) return checks;
  if (
    !(await step('Write', async (signal) => {
      await p.write(name, body, signal);
      return `Wrote ${name}.`;
    }))
  )
    return checks;
  await step('Read back', async (signal) => {
    const text = await p.read(name, signal);
    if (text !== body) throw new ProbeMismatch(`Read back ${text.length} bytes that differ from the ${body.length} written.`);
    return `The probe ${p.noun} read back intact.`;
  });
  await step('Delete', async (signal) => {
    await p.remove(name, signal);
    return `The probe ${p.noun} was deleted.`;
  });
  return checks;
}
