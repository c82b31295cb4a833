/** The index (electron/api/contract.ts) assembles every area's methods and events, and shared shapes are defined once. */
import { describe, expect, it } from 'vitest';
import {
  BackupRegistryExport,
  ClusterStatus,
  ErrorData,
  events,
  FollowedBackup,
  isMethodName,
  methods,
  RegistryInfo,
  RegistryJob,
  RestoreRegistryStep,
  RestoreRun,
  SetupApply,
} from '../contract.js';
import { activityEvents, activityMethods } from './activity.js';
import { appMethods } from './app.js';
import { backupsEvents, backupsMethods } from './backups.js';
import { clusterEvents, clusterMethods } from './cluster.js';
import { environmentEvents, environmentMethods } from './environment.js';
import { registryEvents, registryMethods } from './registry.js';
import { restoreEvents, restoreMethods } from './restore.js';
import { setupEvents, setupMethods } from './setup.js';

describe('contract index', () => {
  it('holds every area method and event exactly once, in area order, each named for its area', () => {
    const areas = [appMethods, clusterMethods, environmentMethods, activityMethods, setupMethods, backupsMethods, restoreMethods, registryMethods];
    expect(Object.keys(methods)).toEqual(areas.flatMap((a) => Object.keys(a)));
    for (const [name, m] of Object.entries(methods)) expect(isMethodName(name) && m).toBeTruthy();
    expect(isMethodName('toString')).toBe(false);
    const eventAreas = [clusterEvents, environmentEvents, activityEvents, setupEvents, backupsEvents, restoreEvents, registryEvents];
    expect(Object.keys(events)).toEqual(eventAreas.flatMap((a) => Object.keys(a)));
    for (const name of Object.keys(setupMethods)) expect(name).toMatch(/^setup\./);
    for (const name of Object.keys(registryMethods)) expect(name).toMatch(/^registry\./);
  });

  it('every recorded error uses the one ErrorData shape', () => {
    const errorOf = (s: { shape: { error: { unwrap(): unknown } } }) => s.shape.error.unwrap();
    for (const s of [ClusterStatus, SetupApply, BackupRegistryExport, FollowedBackup, RestoreRun, RestoreRegistryStep, RegistryInfo, RegistryJob])
      expect(errorOf(s as never)).toBe(ErrorData);
    expect(ErrorData.parse({ code: 'ANY', message: 'm', extra: 1 })).toEqual({ code: 'ANY', message: 'm' });
    expect(ErrorData.safeParse({ message: 'm' }).success).toBe(false);
  });
});
