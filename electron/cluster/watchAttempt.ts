/**
 * One attempt of a watch feed's informer, as environment/detect.ts and velero/resources.ts keep
 * them. ListWatch.start() resolves even when its list fails (it reports through 'error'), so each
 * attempt is numbered and counts as good only if no error arrived during it.
 */
export interface Attempts {
  informer: { start(): Promise<void> };
  attempt: number;
  /** The attempt during which the last error arrived (the feed's error handler sets it). */
  failedAttempt: number;
}

/** Starts the informer once more (a rejection goes to `failed`); true when no error arrived during this attempt. */
export async function startAttempt(f: Attempts, failed: (err: unknown) => void): Promise<boolean> {
  const n = ++f.attempt;
  try {
    await f.informer.start();
  } catch (err) {
    failed(err);
  }
  return f.failedAttempt !== n;
}
