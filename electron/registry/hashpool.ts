/**
 * sha256 of file ranges on worker threads, so verifying a large archive uses the other cores
 * while the main thread keeps talking to the registry. The worker is inline code (no separate
 * file to ship with the app): read the range in 4 MiB blocks, hash, report bytes every ~16 MiB.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { LifeboatError } from '../api/errors.js';

const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const buf = Buffer.allocUnsafe(4 << 20);
parentPort.on('message', (m) => {
  let fd;
  try {
    fd = fs.openSync(m.file, 'r');
    const h = createHash('sha256');
    let pos = m.start, left = m.size, since = 0, n = 0;
    while (left > 0) {
      const got = fs.readSync(fd, buf, 0, Math.min(buf.length, left), pos);
      if (got === 0) break;
      h.update(got === buf.length ? buf : buf.subarray(0, got));
      pos += got; left -= got; n += got; since += got;
      if (since >= (16 << 20)) { parentPort.postMessage({ id: m.id, bytes: since }); since = 0; }
    }
    if (since) parentPort.postMessage({ id: m.id, bytes: since });
    parentPort.postMessage({ id: m.id, digest: 'sha256:' + h.digest('hex'), size: n });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e), code: e && e.code });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
`;

interface Job {
  id: number;
  file: string;
  start: number;
  size: number;
  onBytes?: (n: number) => void;
  resolve(v: { digest: string; size: number }): void;
  reject(e: unknown): void;
}

export class HashPool {
  private readonly workers: Array<{ w: Worker; job: Job | null }> = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** Default size: the cores there are (at most 4). */
  constructor(readonly size = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length))) {}

  private spawn(): { w: Worker; job: Job | null } {
    const slot: { w: Worker; job: Job | null } = { w: new Worker(WORKER, { eval: true }), job: null };
    slot.w.on('message', (m: { id: number; bytes?: number; digest?: string; size?: number; error?: string; code?: string }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      if (m.bytes !== undefined) return job.onBytes?.(m.bytes);
      slot.job = null;
      if (m.error !== undefined) job.reject(Object.assign(new Error(m.error), { code: m.code }));
      else job.resolve({ digest: m.digest!, size: m.size! });
      this.pump();
    });
    slot.w.on('error', (e) => {
      slot.job?.reject(e);
      slot.job = null;
    });
    slot.w.unref();
    this.workers.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.workers.find((s) => !s.job);
      if (!slot && this.workers.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.w.postMessage({ id: job.id, file: job.file, start: job.start, size: job.size });
    }
  }

  /** sha256 and length of `size` bytes of `file` from `start`. */
  hash(file: string, start: number, size: number, onBytes?: (n: number) => void): Promise<{ digest: string; size: number }> {
    if (this.closed) return Promise.reject(new LifeboatError('CANCELLED', 'The registry operation was cancelled.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, file, start, size, onBytes, resolve, reject });
      this.pump();
    });
  }

  /** Stop every worker; queued and running hashes reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new LifeboatError('CANCELLED', 'The registry operation was cancelled.'));
    await Promise.all(
      this.workers.splice(0).map(async (s) => {
        s.job?.reject(new LifeboatError('CANCELLED', 'The registry operation was cancelled.'));
        await s.w.terminate();
      }),
    );
  }
}
