import { describe, expect, it } from 'vitest';
import { checkCron, describeCron, previousRun, retentionToDuration, retentionWords } from './schedule.js';

const now = new Date('2026-11-23T10:00:00Z'); // a Monday

describe('cron like cron.ParseStandard', () => {
  it("accepts KOTS's default and gives the next runs in words", () => {
    const c = checkCron('0 0 * * MON', now);
    expect(c.ok).toBe(true);
    expect(c.words).toBe('every Monday at 00:00 UTC');
    expect(c.nextRuns[0]).toBe('2026-11-30T00:00:00.000Z');
    expect(c.nextRuns).toHaveLength(3);
  });

  it('accepts descriptors and @every', () => {
    expect(checkCron('@daily', now)).toMatchObject({ ok: true, words: 'every day at 00:00 UTC' });
    expect(checkCron('@every 12h', now)).toMatchObject({ ok: true });
    expect(checkCron('@every 12 hours', now).ok).toBe(false);
  });

  it('refuses six fields, garbage, out-of-range values and Quartz extensions', () => {
    expect(checkCron('0 0 0 * * *', now)).toMatchObject({ ok: false, reason: expect.stringMatching(/5 fields, found 6/) });
    expect(checkCron('every monday', now).ok).toBe(false);
    expect(checkCron('61 * * * *', now).ok).toBe(false);
    expect(checkCron('0 0 L * *', now).ok).toBe(false);
    expect(checkCron('0 0 1W * *', now).ok).toBe(false);
    expect(checkCron('', now).fix).toMatch(/five fields/);
  });

  // kots pkg/handlers/snapshots.go at v1.131.4 parses with github.com/robfig/cron v1.2.0
  // ParseStandard, which knows no TZ=/CRON_TZ= prefix (a cron/v3 feature): the admin console
  // answers HTTP 400, so Lifeboat refuses it before sending.
  it('refuses a time-zone prefix, which the admin console would reject', () => {
    for (const s of ['TZ=UTC 0 1 * * *', 'CRON_TZ=Europe/Berlin 0 1 * * *']) {
      const c = checkCron(s, now);
      expect(c, s).toMatchObject({ ok: false, reason: expect.stringMatching(/time-zone prefix/) });
      expect(c.fix).toMatch(/UTC/);
    }
  });

  it('describes the common shapes', () => {
    expect(describeCron(['30', '2', '*', '*', '*'])).toBe('every day at 02:30 UTC');
    expect(describeCron(['0', '*/6', '*', '*', '*'])).toBe('every 6 hours at minute 0');
    expect(describeCron(['0', '3', '1', '*', '*'])).toBe('on day 1 of every month at 03:00 UTC');
    expect(describeCron(['0', '1', '*', '*', '1-5'])).toBe('Monday to Friday at 01:00 UTC');
  });

  it('knows when the schedule last fired', () => {
    expect(previousRun('0 0 * * MON', now)).toBe('2026-11-23T00:00:00.000Z');
  });
});

describe('retention as KOTS converts it', () => {
  it('days ×24h, weeks ×168h, months ×720h, years ×8766h', () => {
    expect(retentionToDuration(7, 'days')).toBe('168h');
    expect(retentionToDuration(2, 'weeks')).toBe('336h');
    expect(retentionToDuration(1, 'months')).toBe('720h');
    expect(retentionToDuration(1, 'years')).toBe('8766h');
    expect(retentionToDuration(90, 'minutes')).toBe('90m');
    expect(() => retentionToDuration(0, 'days')).toThrow();
  });

  it('says it in words', () => {
    expect(retentionWords('1', 'month', '720h')).toBe('1 month (720 hours)');
    expect(retentionWords('2', 'weeks', '336h')).toBe('2 weeks (336 hours)');
  });
});
