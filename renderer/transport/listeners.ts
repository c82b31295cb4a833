/** Small listener sets: one per link/resync notice, one per event name. */

export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(cb: (value: T) => void): () => void {
    this.set.add(cb);
    return () => this.set.delete(cb);
  }
  emit(value: T): void {
    for (const cb of [...this.set]) {
      try {
        cb(value);
      } catch (err) {
        // One broken subscriber must not stop the others from hearing about the event.
        console.error('Lifeboat event listener failed', err);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}

export class EventHub {
  private readonly byEvent = new Map<string, Listeners<unknown>>();
  add(event: string, cb: (payload: unknown) => void): { off: () => void; isNew: boolean } {
    let l = this.byEvent.get(event);
    const isNew = !l;
    if (!l) {
      l = new Listeners<unknown>();
      this.byEvent.set(event, l);
    }
    return { off: l.add(cb), isNew };
  }
  emit(event: string, payload: unknown): void {
    this.byEvent.get(event)?.emit(payload);
  }
  names(): string[] {
    return [...this.byEvent.keys()];
  }
}
