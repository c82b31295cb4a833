/**
 * The restore area's contract methods (the `restore` block of electron/api/contract.ts) mapped to its
 * workflow service (service.ts). Built once by electron/app.ts from the shared services.
 */
import type { RestoreMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';
import { RestoreService, type RestoreTimeouts } from './service.js';

/** LIFEBOAT_RESTORE_{POLL,APPEAR,READY,RESTORE,CLI}_MS override Lifeboat's own restore timeouts (tests, slow clusters). */
export function timeoutsFromEnv(env: NodeJS.ProcessEnv): Partial<RestoreTimeouts> {
  const out: Partial<RestoreTimeouts> = {};
  const keys: Array<[keyof RestoreTimeouts, string]> = [['pollMs', 'POLL'], ['appearMs', 'APPEAR'], ['readyMs', 'READY'], ['restoreMs', 'RESTORE'], ['cliMs', 'CLI']];
  for (const [k, name] of keys) {
    const v = env[`LIFEBOAT_RESTORE_${name}_MS`];
    if (v && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export function restoreHandlers(
  services: Services,
  service = new RestoreService(services, { appVersion: services.env.npm_package_version, timeouts: timeoutsFromEnv(services.env) }),
): AreaHandlers<RestoreMethods> {
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
