/**
 * The admin console's schedule and retention of full backups, read and written through its API
 * (kots/adminApi.ts), and whether the last scheduled run happened when the schedule said.
 */
import type { BackupSchedule } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { AdminApi } from '../../kots/adminApi.js';
import { checkCron, previousRun, retentionToDuration, retentionWords, type RetentionUnitName } from '../../kots/schedule.js';
import type { VeleroBackup } from '../../velero/types.js';

export interface ScheduleDeps {
  admin: Pick<AdminApi, 'snapshotConfig' | 'putSchedule' | 'putRetention'>;
  /** The Velero Backups in scope (the last scheduled one is among them). */
  backups: () => VeleroBackup[];
}

export async function readSchedule(deps: ScheduleDeps): Promise<BackupSchedule> {
  const { config, source } = await deps.admin.snapshotConfig();
  const sched = config.autoSchedule?.schedule ?? '';
  const cron = checkCron(sched);
  const scheduled = deps
    .backups()
    .filter((b) => b.metadata.annotations?.['kots.io/snapshot-trigger'] === 'schedule')
    .sort((x, y) => (y.metadata.creationTimestamp ?? '').localeCompare(x.metadata.creationTimestamp ?? ''))[0];
  const out: BackupSchedule = {
    source,
    autoEnabled: config.autoEnabled,
    schedule: sched,
    cron,
    retention: {
      value: config.ttl.inputValue,
      unit: config.ttl.inputTimeUnit,
      converted: config.ttl.converted,
      words: retentionWords(config.ttl.inputValue, config.ttl.inputTimeUnit, config.ttl.converted),
    },
    ...(scheduled
      ? {
          lastScheduled: {
            name: scheduled.metadata.name,
            phase: scheduled.status?.phase || 'New',
            ...(scheduled.status?.startTimestamp ? { startedAt: scheduled.status.startTimestamp } : {}),
          },
        }
      : {}),
  };
  if (config.autoEnabled && cron.ok) checkLastRun(out, sched, scheduled);
  else if (!config.autoEnabled) out.note = 'Scheduled backups are off: only backups taken by hand are made.';
  return out;
}

/** Did the admin console make the run the schedule last called for? */
function checkLastRun(out: BackupSchedule, sched: string, scheduled: VeleroBackup | undefined): void {
  const prev = previousRun(sched);
  if (!prev) return;
  out.lastExpectedRun = prev;
  // The admin console's scheduler looks every 60 s; allow it two rounds.
  if (Date.now() - Date.parse(prev) <= 3 * 60_000) return;
  const at = Date.parse(scheduled?.metadata.annotations?.['kots.io/snapshot-requested'] ?? scheduled?.metadata.creationTimestamp ?? '');
  out.ranAsExpected = !!scheduled && at >= Date.parse(prev) - 60_000;
  if (!out.ranAsExpected)
    out.note = `No scheduled backup was made for ${prev}. If the schedule was set after that time this is expected; otherwise the admin console may have postponed it (another backup in progress) or could not reach Velero.`;
}

/** Writes the schedule, then reads it back: the admin console's word is checked, not trusted. */
export async function writeSchedule(deps: ScheduleDeps, autoEnabled: boolean, schedule: string): Promise<BackupSchedule> {
  const cron = checkCron(schedule);
  if (autoEnabled && !cron.ok) throw new LifeboatError('INVALID_SCHEDULE', `"${schedule}" is not a schedule KOTS accepts: ${cron.reason}`, cron.fix);
  await deps.admin.putSchedule(schedule.trim(), autoEnabled);
  const now = await readSchedule(deps);
  if (now.autoEnabled !== autoEnabled || (autoEnabled && now.schedule !== schedule.trim())) {
    throw new LifeboatError(
      'TOOL_FAILED',
      `The admin console accepted the schedule but now reports ${now.autoEnabled ? `"${now.schedule}"` : 'scheduling off'}.`,
      "Check the admin console's Snapshots page.",
    );
  }
  return now;
}

/** Writes the retention, then reads it back as the duration KOTS converted it to. */
export async function writeRetention(deps: ScheduleDeps, value: number, unit: RetentionUnitName): Promise<BackupSchedule> {
  const expected = retentionToDuration(value, unit);
  await deps.admin.putRetention(String(value), unit);
  const now = await readSchedule(deps);
  if (now.retention.converted !== expected) {
    throw new LifeboatError(
      'TOOL_FAILED',
      `The admin console accepted the retention but now reports ${now.retention.converted} instead of ${expected}.`,
      "Check the admin console's Snapshots page.",
    );
  }
  return now;
}
