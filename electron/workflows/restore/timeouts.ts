/**
 * How long Lifeboat waits for each part of a restore before it says so. Overridable per run
 * (LIFEBOAT_RESTORE_*_MS, parsed by electron/config.ts) because a small, fast cluster and a large, slow one
 * differ by hours.
 */
export interface RestoreTimeouts {
  /** How long a step's Velero Restore may take to appear once the CLI is done (or on re-attach). */
  appearMs: number;
  /** How long one Velero Restore may run before Lifeboat stops waiting and says so. */
  restoreMs: number;
  /** The kubectl-kots call itself (it waits for the admin console restore with no timeout of its own). */
  cliMs: number;
  /** Waiting for the admin console and the workloads to be ready after the restore. */
  readyMs: number;
  pollMs: number;
}

export const DEFAULT_TIMEOUTS: RestoreTimeouts = {
  appearMs: 5 * 60_000,
  restoreMs: 4 * 60 * 60_000,
  cliMs: 4 * 60 * 60_000,
  readyMs: 10 * 60_000,
  pollMs: 2000,
};

export function withDefaults(overrides: Partial<RestoreTimeouts> = {}): RestoreTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...overrides };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
