/**
 * Progress for long registry operations: counts, a smoothed transfer rate and an ETA. Pure apart
 * from the clock, which is injectable for tests.
 */

export type RegistryPhase =
  'listing' | 'manifests' | 'blobs' | 'packing' | 'reading' | 'verifying' | 'pushing-blobs' | 'pushing-manifests' | 'checking' | 'done';

export interface RegistryProgress {
  phase: RegistryPhase;
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
  /** Blobs that needed no transfer (already on disk / already in the target). Counted in blobsDone. */
  blobsSkipped: number;
  /** Bytes per second, smoothed over the last few seconds. */
  bytesPerSecond: number;
  /** Seconds left at the current rate, or null when unknown. */
  etaSeconds: number | null;
  /** What is being worked on, for the log line ("repo:tag", a digest…). */
  current?: string;
}

export type ProgressListener = (p: RegistryProgress) => void;

/** Seconds left, or null when there is no rate yet. */
export function estimateEta(bytesDone: number, bytesTotal: number, bytesPerSecond: number): number | null {
  const left = Math.max(0, bytesTotal - bytesDone);
  if (left === 0) return 0;
  if (!(bytesPerSecond > 0)) return null;
  return left / bytesPerSecond;
}

/**
 * Rate over a sliding window of samples (time, cumulative bytes). Robust to bursts: the rate is
 * the bytes added across the window divided by the window's duration.
 */
export class RateWindow {
  private samples: Array<[number, number]> = [];
  constructor(private readonly windowMs = 5000) {}

  add(now: number, cumulativeBytes: number): void {
    const last = this.samples[this.samples.length - 1];
    // Samples closer than 50 ms apart are merged, so a fast transfer does not grow the window.
    if (last && this.samples.length > 1 && now - this.samples[this.samples.length - 2][0] < 50) {
      last[0] = now;
      last[1] = cumulativeBytes;
      return;
    }
    this.samples.push([now, cumulativeBytes]);
    const cutoff = now - this.windowMs;
    while (this.samples.length > 2 && this.samples[1][0] <= cutoff) this.samples.shift();
  }

  rate(): number {
    if (this.samples.length < 2) return 0;
    const [t0, b0] = this.samples[0];
    const [t1, b1] = this.samples[this.samples.length - 1];
    const dt = (t1 - t0) / 1000;
    return dt > 0 ? (b1 - b0) / dt : 0;
  }
}

export class ProgressTracker {
  phase: RegistryPhase = 'listing';
  bytesDone = 0;
  bytesTotal = 0;
  blobsDone = 0;
  blobsTotal = 0;
  blobsSkipped = 0;
  current?: string;
  private rate: RateWindow;
  private lastEmit = 0;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly opts: { intervalMs?: number; now?: () => number; windowMs?: number } = {},
  ) {
    this.rate = new RateWindow(opts.windowMs ?? 5000);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  setPhase(phase: RegistryPhase, totals?: { bytesTotal?: number; blobsTotal?: number }): void {
    this.phase = phase;
    if (totals?.bytesTotal !== undefined) {
      this.bytesTotal = totals.bytesTotal;
      this.bytesDone = 0;
      this.rate = new RateWindow(this.opts.windowMs ?? 5000);
      this.rate.add(this.now(), 0);
    }
    if (totals?.blobsTotal !== undefined) {
      this.blobsTotal = totals.blobsTotal;
      this.blobsDone = 0;
      this.blobsSkipped = 0;
    }
    this.emit(true);
  }

  addBytes(n: number): void {
    this.bytesDone += n;
    this.emit(false);
  }

  /** Undo bytes counted for a transfer that failed and will be retried. */
  removeBytes(n: number): void {
    this.bytesDone = Math.max(0, this.bytesDone - n);
  }

  blobDone(skipped = false, current?: string): void {
    this.blobsDone += 1;
    if (skipped) this.blobsSkipped += 1;
    if (current !== undefined) this.current = current;
    this.emit(false);
  }

  snapshot(): RegistryProgress {
    const bytesPerSecond = this.rate.rate();
    return {
      phase: this.phase,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      blobsDone: this.blobsDone,
      blobsTotal: this.blobsTotal,
      blobsSkipped: this.blobsSkipped,
      bytesPerSecond,
      etaSeconds: estimateEta(this.bytesDone, this.bytesTotal, bytesPerSecond),
      current: this.current,
    };
  }

  /** Emit at most every intervalMs, except forced emits (phase changes, the end). */
  emit(force: boolean): void {
    const now = this.now();
    this.rate.add(now, this.bytesDone);
    if (!this.listener) return;
    if (!force && now - this.lastEmit < (this.opts.intervalMs ?? 250)) return;
    this.lastEmit = now;
    this.listener(this.snapshot());
  }
}
