/**
 * The main process's one event bus, typed by the contract's events. Services publish here; both
 * transports subscribe and forward to the renderer. Nothing below app.ts knows who listens.
 */
import type { EventName, EventPayload } from './api/contract.js';

export type AnyListener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<AnyListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of [...this.listeners]) {
      try {
        l(event, payload);
      } catch {
        // a broken listener (e.g. a closed SSE stream) must not stop the others
      }
    }
  }

  on(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
