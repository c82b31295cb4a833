import { describe, expect, it } from 'vitest';
import { callEach, EventBus } from './events';

describe('listeners', () => {
  it('calls every listener, past one that throws or unsubscribes while called', () => {
    const heard: string[] = [];
    const listeners = new Set<(a: string) => void>();
    const self = (a: string) => {
      heard.push(`self ${a}`);
      listeners.delete(self);
    };
    listeners.add(() => {
      throw new Error('bug');
    });
    listeners.add(self);
    listeners.add((a) => heard.push(`last ${a}`));
    callEach(listeners, 'x');
    callEach(listeners, 'y');
    expect(heard).toEqual(['self x', 'last x', 'last y']);
  });

  it('the bus hears every event until unsubscribed', () => {
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.on(() => {
      throw new Error('closed stream');
    });
    const off = bus.on((event, payload) => seen.push([event, payload]));
    bus.emit('environment.changed', null);
    off();
    bus.emit('environment.changed', null);
    expect(seen).toEqual([['environment.changed', null]]);
    expect(bus.size).toBe(1);
  });
});
