/**
 * The restore area's contract methods (the `restore` block of electron/api/contract.ts) mapped to its
 * workflow services. Built once by electron/app.ts from the shared services.
 */
import type { RestoreMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';

export function restoreHandlers(_services: Services): AreaHandlers<RestoreMethods> {
  return {};
}
