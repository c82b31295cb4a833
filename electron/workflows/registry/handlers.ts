/**
 * The registry area's contract methods (the `registry` block of electron/api/contract.ts) mapped to its
 * workflow services. Built once by electron/app.ts from the shared services.
 *
 * Other areas reach the same service with `registryService(services)` (one instance per app):
 * Backups calls `exportForBackup()`, Restore calls `reseedForRestore()`.
 */
import type { RegistryMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';
import { RegistryService } from './service.js';

const instances = new WeakMap<Services, RegistryService>();

/** The app's one RegistryService (created on first use). */
export function registryService(services: Services): RegistryService {
  let s = instances.get(services);
  if (!s) instances.set(services, (s = new RegistryService(services)));
  return s;
}

export function registryHandlers(services: Services): AreaHandlers<RegistryMethods> {
  const svc = registryService(services);
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
