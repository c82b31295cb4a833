/**
 * KOTS's snapshot schedule and retention rules (kots pkg/handlers/snapshots.go and
 * pkg/kotsadmsnapshot/ttl.go at v1.131.4), pure: cron validation close to the schedule API's
 * (github.com/robfig/cron v1.2.0 `ParseStandard`: 5 fields, @descriptors, @every), the next runs
 * (cron-parser), the schedule in words, and the retention conversion KOTS applies (days ×24h,
 * weeks ×168h, months ×720h, years ×8766h). A TZ=/CRON_TZ= prefix (a robfig/cron v3 feature) is
 * refused, as the schedule API refuses it with HTTP 400.
 */
import { CronExpressionParser } from 'cron-parser';
import type { CronCheck } from '../api/contract.js';

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FIX =
  'Use five fields — minute hour day-of-month month day-of-week — for example "0 2 * * *" (every day at 02:00) or "0 0 * * MON" (every Monday at midnight), or @daily / @weekly / @every 12h.';

/** Go's time.ParseDuration subset used by @every ("1h30m", "90m", "45s"). Returns ms or undefined. */
export function parseEvery(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let total = 0;
  let seen = '';
  for (const m of s.matchAll(re)) {
    seen += m[0];
    total += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
  }
  return seen === s && total > 0 ? total : undefined;
}

function fail(reason: string): CronCheck {
  return { ok: false, reason, fix: FIX, nextRuns: [] };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The schedule in words for the common shapes; the expression itself otherwise. */
export function describeCron(fields: string[]): string {
  const [min, hour, dom, mon, dow] = fields as [string, string, string, string, string];
  const num = (s: string) => /^\d+$/.test(s);
  const dayOf = (s: string) => (num(s) ? DAYS[Number(s) % 7] : DAYS[DAY_NAMES[s.toLowerCase().slice(0, 3)] ?? -1]);
  const at = num(min) && num(hour) ? `at ${pad(Number(hour))}:${pad(Number(min))} UTC` : undefined;
  if (at && dom === '*' && mon === '*' && dow === '*') return `every day ${at}`;
  if (at && dom === '*' && mon === '*' && dayOf(dow)) return `every ${dayOf(dow)} ${at}`;
  if (at && dom === '*' && mon === '*' && /^[\w]+-[\w]+$/.test(dow) && dayOf(dow.split('-')[0]) && dayOf(dow.split('-')[1]))
    return `${dayOf(dow.split('-')[0])} to ${dayOf(dow.split('-')[1])} ${at}`;
  if (at && num(dom) && mon === '*' && dow === '*') return `on day ${Number(dom)} of every month ${at}`;
  if (at && num(dom) && num(mon) && dow === '*') return `every year on ${MONTHS[Number(mon) - 1]} ${Number(dom)} ${at}`;
  if (num(min) && hour === '*' && dom === '*' && mon === '*' && dow === '*') return `every hour at minute ${Number(min)}`;
  if (/^\*\/\d+$/.test(min) && hour === '*' && dom === '*' && mon === '*' && dow === '*') return `every ${min.slice(2)} minutes`;
  if (num(min) && /^\*\/\d+$/.test(hour) && dom === '*' && mon === '*' && dow === '*') return `every ${hour.slice(2)} hours at minute ${Number(min)}`;
  if (min === '*' && hour === '*' && dom === '*' && mon === '*' && dow === '*') return 'every minute';
  return `at "${fields.join(' ')}" (UTC)`;
}

/** Validates like cron.ParseStandard and lists the next `count` runs after `now` (UTC). */
export function checkCron(input: string, now = new Date(), count = 3): CronCheck {
  let spec = input.trim();
  if (!spec) return fail('The schedule is empty.');
  const tz = 'UTC';
  if (/^(?:CRON_)?TZ=/.test(spec)) {
    return {
      ...fail(
        'KOTS does not take a time-zone prefix (TZ= or CRON_TZ=): its schedule API parses with robfig/cron v1.2.0, which has none, and answers HTTP 400.',
      ),
      fix: 'Write the five fields in UTC, the time zone the schedule runs in: e.g. 01:00 in Berlin (UTC+1) is "0 0 * * *".',
    };
  }
  if (spec.startsWith('@every')) {
    const d = parseEvery(spec.slice(6).trim());
    if (d === undefined) return fail(`"${spec}" is not a valid @every duration (Go durations such as 12h or 1h30m).`);
    const runs = Array.from({ length: count }, (_, i) => new Date(now.getTime() + d * (i + 1)).toISOString());
    return { ok: true, words: `every ${spec.slice(6).trim()} (counted from when the admin console last started its scheduler)`, nextRuns: runs };
  }
  if (spec.startsWith('@')) {
    const d = DESCRIPTORS[spec.toLowerCase()];
    if (!d) return fail(`Unrecognized descriptor: ${spec}`);
    spec = d;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return fail(`Expected exactly 5 fields, found ${fields.length}: ${spec}`);
  for (const f of fields) {
    // robfig accepts numbers, names, * ? , - / — not Quartz's L, W, # or H.
    if (
      !/^[0-9A-Za-z*?,/-]+$/.test(f) ||
      /[LW#H]/.test(f.replace(/[A-Za-z]{3}/g, (w) => (/^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i.test(w) ? '' : w)))
    ) {
      return fail(`"${f}" is not a valid cron field.`);
    }
  }
  try {
    const expr = CronExpressionParser.parse(fields.map((f) => f.replace(/\?/g, '*')).join(' '), { currentDate: now, tz });
    const nextRuns = Array.from({ length: count }, () => expr.next().toISOString() ?? '');
    return { ok: true, words: describeCron(fields), nextRuns };
  } catch (err) {
    return fail(`${(err as Error).message.replace(/^Error:\s*/, '')} in "${spec}".`);
  }
}

/** The last time the schedule should have fired at or before `now` (for "did the last one run?"). */
export function previousRun(spec: string, now = new Date()): string | undefined {
  const c = checkCron(spec, now);
  if (!c.ok || spec.trim().startsWith('@every')) return undefined;
  let s = spec.trim();
  const tz = 'UTC';
  if (s.startsWith('@')) s = DESCRIPTORS[s.toLowerCase()] ?? s;
  try {
    return CronExpressionParser.parse(s.replace(/\?/g, '*'), { currentDate: now, tz }).prev().toISOString() ?? undefined;
  } catch {
    return undefined;
  }
}

export const RETENTION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'years'] as const;
export type RetentionUnitName = (typeof RETENTION_UNITS)[number];
const HOURS_PER: Record<string, number> = { hours: 1, days: 24, weeks: 168, months: 720, years: 8766 };

/** KOTS's FormatTTL: the Go duration written to Backup.spec.ttl. */
export function retentionToDuration(value: number, unit: RetentionUnitName): string {
  if (!Number.isInteger(value) || value < 1) throw new Error('retention must be a whole number of at least 1');
  if (unit === 'seconds') return `${value}s`;
  if (unit === 'minutes') return `${value}m`;
  return `${value * HOURS_PER[unit]}h`;
}

/** "1 month (720 hours)", "2 weeks (336 hours)". KOTS's own default unit string is the singular "month". */
export function retentionWords(value: string, unit: string, converted: string): string {
  const u = unit.replace(/s$/, '');
  const n = Number(value);
  const unitText = `${value} ${n === 1 ? u : `${u}s`}`;
  const h = /^(\d+)h$/.exec(converted);
  return h && !/^hours?$/.test(unit) ? `${unitText} (${Number(h[1]).toLocaleString('en')} hours)` : unitText;
}
