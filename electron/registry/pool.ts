/**
 * Run async work over items with bounded concurrency. The first failure stops new work, aborts
 * the work in flight (through the signal handed to each task) and is what the pool rejects with.
 */
import { setMaxListeners } from 'node:events';
import { LifeboatError } from '../api/errors.js';

export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, signal: AbortSignal, index: number) => Promise<void>,
  outer?: AbortSignal,
): Promise<void> {
  const ac = new AbortController();
  // Every request in flight listens on this signal.
  setMaxListeners(0, ac.signal);
  const onOuter = () => ac.abort(outer?.reason);
  if (outer?.aborted) throw new LifeboatError('CANCELLED', 'The registry operation was cancelled.', 'Start it again to continue where it stopped.');
  outer?.addEventListener('abort', onOuter, { once: true });
  let next = 0;
  // Boxed, so that whatever a task rejects with (even undefined or null) is what the pool rejects with.
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (!ac.signal.aborted && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], ac.signal, i);
      } catch (e) {
        firstError ??= { error: e };
        ac.abort(e);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onOuter);
  }
  if (outer?.aborted) throw new LifeboatError('CANCELLED', 'The registry operation was cancelled.', 'Start it again to continue where it stopped.');
  if (firstError) throw firstError.error;
}
