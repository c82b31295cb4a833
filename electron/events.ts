/**
 * The main process's one event bus, typed by the contract's events. Services publish here; both
 * transports subscribe and forward to the renderer. Nothing below app.ts knows who listens.
 */
import type { EventName, EventPayload } from './api/contract.js';

/**
 * Calls each of these listeners (a copy of the set: one may unsubscribe while called) with `args`;
 * one that throws does not stop the others.
 */
export function callEach<A extends unknown[]>(listeners: Iterable<(...args: A) => void>, ...args: A): void {
  for (const l of [...listeners]) {
    try {
      l(...args);
    } catch {
      // one listener's bug must not stop the others
    }
  }
}

export type AnyListener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<AnyListener>();
  private count = 0;

  /** How many events were published so far: a reader compares it to tell whether it missed one (transport/protocol.ts EVENT_SEQ_HEADER). */
  get published(): number {
    return this.count;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.count += 1;
    // a broken listener (e.g. a closed SSE stream) must not stop the others
    callEach(this.listeners, event, payload);
  }

  on(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
