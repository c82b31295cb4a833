/** Every failure the client reports arrives as a LifeboatError (code, message, hint). */
import { LifeboatError, errorCodes, type ApiErrorData } from '../../electron/api/errors.js';
import type { Reply } from '../../electron/transport/protocol.js';

const knownCodes = new Set<string>(errorCodes);

export function isErrorData(value: unknown): value is ApiErrorData {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && knownCodes.has(v.code) && typeof v.message === 'string';
}

/** Turns a transport reply into its result, or throws it as a LifeboatError. */
export function unwrapReply<T>(reply: unknown, method: string): T {
  if (reply && typeof reply === 'object' && 'ok' in reply) {
    const r = reply as Reply<T>;
    if (r.ok) return r.result;
    if (isErrorData(r.error)) throw LifeboatError.fromData(r.error);
  }
  throw new LifeboatError(
    'INTERNAL',
    `Lifeboat's background service sent a reply to ${method} that the window could not read.`,
    'This is a bug in Lifeboat. Restart Lifeboat; if it happens again, please report it with the Activity details.',
  );
}

/** Any throwable as a LifeboatError, for code that shows errors (never a raw stack). */
export function asLifeboatError(err: unknown): LifeboatError {
  if (err instanceof LifeboatError) return err;
  // An error object that crossed a bridge may have lost its prototype but kept its fields.
  if (isErrorData(err)) return LifeboatError.fromData(err);
  const message = err instanceof Error ? err.message : String(err);
  return new LifeboatError(
    'INTERNAL',
    `Something unexpected went wrong in the Lifeboat window: ${message}`,
    'This is a bug in Lifeboat. Reload the window (Ctrl+R); if it happens again, please report it.',
  );
}
