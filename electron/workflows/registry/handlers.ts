/**
 * The registry area's contract methods (the `registry` block of electron/api/contract.ts) mapped to its
 * workflow service. electron/app.ts builds the app's one RegistryService and passes it here and to
 * the areas that use it: Backups calls `startExport()` ("also export the registry"), Restore
 * re-seeds through it.
 */
import type { RegistryMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';
import { RegistryService } from './service.js';

/**
 * A RegistryService over these services. app.ts makes the app's one; an area built without one
 * (its unit tests, an integration test's extra service over its own data folder) makes its own.
 */
export function newRegistryService(services: Services): RegistryService {
  return new RegistryService(services);
}

export function registryHandlers(svc: RegistryService): AreaHandlers<RegistryMethods> {
  return {
    'registry.detect': (input) => svc.detect(input),
    'registry.checkDestination': (input) => svc.checkDestination(input.dest, input.tarPath),
    'registry.export': async (input) => (await svc.startExport(input)).job,
    'registry.reseed': async (input) => (await svc.startReseed(input)).job,
    'registry.jobs': () => svc.jobs(),
    'registry.cancel': async (input) => ({ cancelled: await svc.cancel(input.jobId) }),
    'registry.resume': (input) => svc.resume(input),
  };
}
