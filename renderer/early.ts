/**
 * Calls started before the app's code has finished loading (renderer/client.ts), picked up by the
 * store when it asks for the same thing. No side effects: tests and the store import it freely.
 */
const pending = new Map<string, Promise<unknown>>();

export function startEarly(method: string, call: () => Promise<unknown>): void {
  const p = call();
  p.catch(() => {}); // the taker sees the error; an untaken failure must not be "unhandled"
  pending.set(method, p);
}

/** The early call's promise, once (a reload of the data later asks again). */
export function takeEarly<T>(method: string): Promise<T> | undefined {
  const p = pending.get(method) as Promise<T> | undefined;
  pending.delete(method);
  return p;
}
