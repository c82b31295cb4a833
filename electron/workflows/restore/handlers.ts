/**
 * The restore area's contract methods (the `restore` block of electron/api/contract.ts) mapped to its
 * workflow service (service.ts). Built once by electron/app.ts from the shared services.
 */
import type { RestoreMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';
import { RestoreService, type RestoreOptions } from './service.js';

/**
 * `opts`: the app's version (for reports), the restore timeouts from the configuration
 * (LIFEBOAT_RESTORE_*_MS, electron/config.ts) and the app's RegistryService, all from app.ts.
 */
export function restoreHandlers(services: Services, opts: RestoreOptions = {}): AreaHandlers<RestoreMethods> {
  const service = new RestoreService(services, opts);
  return {
    'restore.state': () => service.state(),
    'restore.setSituation': ({ situation, readOnlyDuringRestore }) => service.setSituation(situation, readOnlyDuringRestore),
    'restore.storage': () => service.storage(),
    'restore.backups': () => service.backups(),
    'restore.selectBackup': ({ backup }) => service.selectBackup(backup),
    'restore.selectType': ({ type }) => service.selectType(type),
    'restore.preview': () => service.preview(),
    'restore.back': ({ step }) => service.back(step),
    'restore.registryArchives': () => service.registryArchives(),
    'restore.registryPlan': ({ source, caPath }) => service.registryPlan(source, caPath),
    'restore.registryReseed': ({ source, caPath }) => service.registryReseed(source, caPath),
    'restore.registrySkip': () => service.registrySkip(),
    'restore.registryContinue': () => service.registryContinue(),
    'restore.start': ({ confirm }) => service.start(confirm),
    'restore.resume': ({ confirm }) => service.resume(confirm),
    'restore.verify': () => service.verify(),
    'restore.report': () => service.report(),
    'restore.reset': () => service.reset(),
  };
}
