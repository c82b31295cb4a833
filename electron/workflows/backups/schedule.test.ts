import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SnapshotConfig } from '../../kots/adminApi.js';
import { readSchedule, writeRetention, writeSchedule, type ScheduleDeps } from './schedule.js';
import { backup } from './scope.test-fixtures.js';

function admin(config: SnapshotConfig, accept = true) {
  const puts: unknown[][] = [];
  const deps: ScheduleDeps['admin'] = {
    snapshotConfig: async () => ({ config, source: 'port-forward' }),
    putSchedule: async (schedule, autoEnabled) => {
      puts.push(['schedule', schedule, autoEnabled]);
      if (accept) Object.assign(config, { autoEnabled, autoSchedule: { schedule } });
    },
    putRetention: async (value, unit) => {
      puts.push(['retention', value, unit]);
      if (accept) config.ttl = { inputValue: value, inputTimeUnit: unit, converted: `${Number(value) * 24}h` };
    },
  };
  return { deps, puts };
}

const daily = (): SnapshotConfig => ({
  autoEnabled: true,
  autoSchedule: { schedule: '0 2 * * *' },
  ttl: { inputValue: '30', inputTimeUnit: 'days', converted: '720h' },
});
const scheduledAt = (name: string, at: string) =>
  backup(
    name,
    { phase: 'Completed', startTimestamp: at },
    { creationTimestamp: at, annotations: { 'kots.io/snapshot-trigger': 'schedule', 'kots.io/snapshot-requested': at } },
  );

describe('schedule and retention', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-23T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('reads the schedule, the retention in words, and the last scheduled run as expected', async () => {
    const { deps } = admin(daily());
    const s = await readSchedule({
      admin: deps,
      backups: () => [scheduledAt('instance-old', '2026-11-22T02:00:01Z'), scheduledAt('instance-new', '2026-11-23T02:00:01Z'), backup('manual')],
    });
    expect(s).toMatchObject({
      source: 'port-forward',
      autoEnabled: true,
      schedule: '0 2 * * *',
      cron: { ok: true },
      retention: { value: '30', unit: 'days', converted: '720h' },
      lastScheduled: { name: 'instance-new', phase: 'Completed' },
      ranAsExpected: true,
    });
    expect(Date.parse(s.lastExpectedRun!)).toBe(Date.parse('2026-11-23T02:00:00Z'));
    expect(s.retention.words).toMatch(/^30 days/);
  });

  it('a missed run is said; scheduling off is said', async () => {
    const missed = await readSchedule({ admin: admin(daily()).deps, backups: () => [scheduledAt('instance-old', '2026-11-22T02:00:01Z')] });
    expect(missed).toMatchObject({ ranAsExpected: false, note: expect.stringMatching(/^No scheduled backup was made for/) });
    const off = await readSchedule({ admin: admin({ ...daily(), autoEnabled: false }).deps, backups: () => [] });
    expect(off.note).toBe('Scheduled backups are off: only backups taken by hand are made.');
  });

  it('writes are read back: a bad cron is refused before, a setting not kept is an error after', async () => {
    const ok = admin(daily());
    expect(await writeSchedule({ admin: ok.deps, backups: () => [] }, true, ' 0 3 * * * ')).toMatchObject({ schedule: '0 3 * * *' });
    expect(ok.puts).toEqual([['schedule', '0 3 * * *', true]]);
    await expect(writeSchedule({ admin: ok.deps, backups: () => [] }, true, 'not cron')).rejects.toMatchObject({ code: 'INVALID_SCHEDULE' });
    expect(ok.puts).toHaveLength(1);
    const ignored = admin(daily(), false);
    await expect(writeSchedule({ admin: ignored.deps, backups: () => [] }, true, '0 4 * * *')).rejects.toThrow(
      'The admin console accepted the schedule but now reports "0 2 * * *".',
    );
  });

  it('retention is checked as the duration KOTS converted it to', async () => {
    const ok = admin(daily());
    expect((await writeRetention({ admin: ok.deps, backups: () => [] }, 7, 'days')).retention.converted).toBe('168h');
    await expect(writeRetention({ admin: admin(daily(), false).deps, backups: () => [] }, 7, 'days')).rejects.toThrow('now reports 720h instead of 168h');
  });
});
