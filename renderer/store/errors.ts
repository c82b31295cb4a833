import { asLifeboatError } from '../api.js';
import type { ErrorView } from './types.js';

export function toErrorView(err: unknown): ErrorView {
  const e = asLifeboatError(err);
  return { code: e.code, message: e.message, hint: e.hint };
}
