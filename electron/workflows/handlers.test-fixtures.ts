/**
 * For the areas' handlers tests: the service class replaced by a recording double that notes how
 * it was built and every call, and the tests every handler map owes its contract block.
 */
import { beforeEach, expect, it } from 'vitest';
import { methods } from '../api/contract.js';

export interface Recorded {
  constructed: unknown[][];
  calls: Array<{ method: string; args: unknown[] }>;
}

/** A service class whose every method records its arguments and answers a value naming itself. */
export function recordingService(recorded: Recorded) {
  return class {
    constructor(...args: unknown[]) {
      recorded.constructed.push(args);
      return new Proxy(this, {
        get:
          (_target, method) =>
          (...args: unknown[]) => {
            recorded.calls.push({ method: String(method), args });
            return { answerOf: String(method) };
          },
      });
    }
  };
}

/** Contract method → the input it is called with → the service method and arguments expected. */
export type HandlerCase = [string, Record<string, unknown>, string, unknown[]];

/**
 * The handler map maps every method of the area's block and nothing else, each to the service
 * method the case names with the input's fields in the service's argument order, and returns the
 * service's answer.
 */
export function handlerMapTests(area: string, handlers: () => object, cases: HandlerCase[], recorded: Recorded): void {
  beforeEach(() => {
    recorded.constructed.length = 0;
    recorded.calls.length = 0;
  });

  it(`maps every method of the ${area} block, and nothing else`, () => {
    const contract = Object.keys(methods).filter((m) => m.startsWith(`${area}.`));
    expect(Object.keys(handlers()).sort()).toEqual(contract.sort());
    expect(cases.map(([m]) => m).sort()).toEqual(contract.sort());
  });

  it.each(cases)('%s calls the service with its input and returns its answer', async (method, input, serviceMethod, args) => {
    const map = handlers() as Record<string, (input: unknown) => unknown>;
    const answer = await map[method](input);
    expect(recorded.calls).toEqual([{ method: serviceMethod, args }]);
    expect(answer).toEqual({ answerOf: serviceMethod });
  });
}
