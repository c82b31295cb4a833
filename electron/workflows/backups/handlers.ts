/**
 * The backups area's contract methods (the `backups` block of electron/api/contract.ts) mapped to its
 * workflow service (service.ts). Built once by electron/app.ts from the shared services.
 */
import type { BackupsMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';
import { BackupsService, type BackupsOptions } from './service.js';

export function backupsHandlers(services: Services, opts: BackupsOptions = {}): AreaHandlers<BackupsMethods> {
  const service = new BackupsService(services, opts);
  return {
    'backups.list': () => service.list(),
    'backups.rows': () => service.rows(),
    'backups.readiness': () => service.readiness(),
    'backups.create': ({ kind, appSlug, exportRegistry, registryDest }) => service.create({ kind, appSlug, exportRegistry, registryDest }),
    'backups.followed': () => service.followed(),
    'backups.detail': ({ name }) => service.detail(name),
    'backups.log': ({ name, offset, limit }) => service.log(name, offset, limit),
    'backups.delete': ({ name, confirm }) => service.delete(name, confirm),
    'backups.hooks': () => service.hooks(),
    'backups.schedule': () => service.schedule(),
    'backups.checkCron': ({ schedule }) => service.checkCron(schedule),
    'backups.setSchedule': ({ autoEnabled, schedule }) => service.setSchedule(autoEnabled, schedule),
    'backups.setRetention': ({ value, unit }) => service.setRetention(value, unit),
  };
}
