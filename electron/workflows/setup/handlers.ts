/**
 * The setup area's contract methods (the `setup` block of electron/api/contract.ts) mapped to its
 * workflow services. Built once by electron/app.ts from the shared services.
 */
import type { SetupMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';

export function setupHandlers(_services: Services): AreaHandlers<SetupMethods> {
  return {};
}
