/**
 * The one generic call path both transports use: method name + raw input in, a Reply out.
 * Validates the input with the contract's schema (BAD_INPUT with the zod issues), refuses unknown
 * methods (UNKNOWN_METHOD), runs the handler, validates the output (a mismatch is a Lifeboat bug:
 * INTERNAL), and turns every throwable into error data. No domain logic here.
 */
import { type z } from 'zod';
import { isMethodName, methods, type MethodName, type MethodOutput, type Methods } from '../api/contract.js';
import { LifeboatError, toErrorData } from '../api/errors.js';
import type { Reply } from './protocol.js';

export type Handlers = {
  [M in MethodName]: (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

/** The handlers of one area's block of the contract (e.g. AreaHandlers<BackupsMethods>). */
export type AreaHandlers<Block> = Pick<Handlers, Extract<keyof Block, MethodName>>;

export function issuesOf(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
}

export async function dispatch(handlers: Handlers, method: string, rawInput: unknown): Promise<Reply<unknown>> {
  try {
    if (typeof method !== 'string' || !isMethodName(method)) {
      throw new LifeboatError(
        'UNKNOWN_METHOD',
        `Lifeboat has no method "${String(method).slice(0, 100)}".`,
        'The renderer and main process may be from different builds; restart Lifeboat.',
      );
    }
    const schema = methods[method];
    const parsed = schema.input.safeParse(rawInput === undefined || rawInput === null ? {} : rawInput);
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      throw new LifeboatError(
        'BAD_INPUT',
        `${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        'The request did not match what this method accepts.',
        { issues },
      );
    }
    const handler = handlers[method] as (input: unknown) => unknown;
    const result = await handler(parsed.data);
    const out = schema.output.safeParse(result);
    if (!out.success) {
      throw new LifeboatError(
        'INTERNAL',
        `Lifeboat produced a reply to ${method} that breaks its own contract.`,
        'This is a bug in Lifeboat; please report it with the Activity details.',
        { issues: issuesOf(out.error) },
      );
    }
    return { ok: true, result: out.data };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}
