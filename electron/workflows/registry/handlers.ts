/**
 * The registry area's contract methods (the `registry` block of electron/api/contract.ts) mapped to its
 * workflow services. Built once by electron/app.ts from the shared services.
 */
import type { RegistryMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';

export function registryHandlers(_services: Services): AreaHandlers<RegistryMethods> {
  return {};
}
