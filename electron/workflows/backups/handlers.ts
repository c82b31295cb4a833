/**
 * The backups area's contract methods (the `backups` block of electron/api/contract.ts) mapped to its
 * workflow services. Built once by electron/app.ts from the shared services.
 */
import type { BackupsMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';

export function backupsHandlers(_services: Services): AreaHandlers<BackupsMethods> {
  return {};
}
