import { describe, expect, it } from 'vitest';
import { bslPhaseTone, bytes, commandLine, groupByPurpose, duration, entryDuration, outcomeTone, permissionLabel, relativeTime } from './format.js';
import { screenFromHash } from './routes.js';

const now = Date.parse('2026-11-23T12:00:00Z');

describe('format', () => {
  it('bytes: whole bytes below 1 KiB, then binary units with one decimal below 100; unknown or negative is a dash', () => {
    const cases: Array<[number | undefined, string]> = [
      [0, '0 B'],
      [512, '512 B'],
      [1023, '1023 B'],
      [1023.6, '1.0 KiB'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [12.34 * 1024 ** 2, '12.3 MiB'],
      [99.96 * 1024 ** 2, '100 MiB'],
      [600 * 1024 ** 2, '600 MiB'],
      [1023.9 * 1024 ** 2, '1.0 GiB'],
      [2.3 * 1024 ** 3, '2.3 GiB'],
      [5000 * 1024 ** 4, '5000 TiB'],
      [undefined, '—'],
      [-1, '—'],
      [Number.NaN, '—'],
      [Number.POSITIVE_INFINITY, '—'],
    ];
    for (const [n, want] of cases) expect([n, bytes(n)]).toEqual([n, want]);
  });

  it('relativeTime', () => {
    expect(relativeTime(undefined, now)).toBe('never');
    expect(relativeTime('garbage', now)).toBe('unknown time');
    expect(relativeTime('2026-11-23T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-11-23T11:57:00Z', now)).toBe('3 min ago');
    expect(relativeTime('2026-11-23T10:00:00Z', now)).toBe('2 h ago');
    expect(relativeTime('2026-11-22T12:00:00Z', now)).toBe('1 day ago');
    expect(relativeTime('2026-11-18T12:00:00Z', now)).toBe('5 days ago');
    expect(relativeTime('2026-11-23T12:10:00Z', now)).toBe('in 10 min');
  });

  it('duration', () => {
    expect(duration(undefined)).toBe('—');
    expect(duration(850)).toBe('850 ms');
    expect(duration(12_345)).toBe('12.3 s');
    expect(duration(245_000)).toBe('4 min 05 s');
    expect(duration(3_720_000)).toBe('1 h 02 min');
  });

  it('entryDuration uses durationMs, else the clock', () => {
    expect(entryDuration({ id: 'a', startedAt: '2026-11-23T11:59:00Z', tool: 't', args: [], outcome: 'running' }, now)).toBe('1 min 00 s');
    expect(entryDuration({ id: 'a', startedAt: '2026-11-23T11:59:00Z', tool: 't', args: [], outcome: 'succeeded', durationMs: 400 }, now)).toBe('400 ms');
  });

  it('commandLine quotes what a shell would split', () => {
    expect(commandLine('velero', ['backup', 'create', 'my backup', "it's", '--x=1'])).toBe(`velero backup create 'my backup' 'it'\\''s' --x=1`);
    expect(commandLine('kubectl-kots', ['--password', '********'])).toBe('kubectl-kots --password ********');
  });

  it('permissionLabel', () => {
    expect(permissionLabel({ verb: 'create', group: 'velero.io', resource: 'backups', namespace: 'velero', allowed: false, purpose: 'x' })).toBe(
      'create backups.velero.io in namespace velero',
    );
    expect(permissionLabel({ verb: 'list', group: '', resource: 'namespaces', allowed: false, purpose: 'x' })).toBe('list namespaces (cluster-wide)');
  });

  it('groupByPurpose keeps first-seen order and the exact grants', () => {
    const p = (verb: string, purpose: string) => ({ verb, group: 'velero.io', resource: 'backups', namespace: 'velero', allowed: false, purpose });
    expect(groupByPurpose([p('list', 'Show backups'), p('create', 'Start backups'), p('watch', 'Show backups')])).toEqual([
      { purpose: 'Show backups', labels: ['list backups.velero.io in namespace velero', 'watch backups.velero.io in namespace velero'] },
      { purpose: 'Start backups', labels: ['create backups.velero.io in namespace velero'] },
    ]);
  });

  it('tones', () => {
    expect(bslPhaseTone('Available')).toBe('ok');
    expect(bslPhaseTone('Unavailable')).toBe('error');
    expect(bslPhaseTone(undefined)).toBe('warning');
    expect(outcomeTone('timed-out')).toBe('warning');
    expect(outcomeTone('failed')).toBe('error');
  });

  it('screenFromHash', () => {
    expect(screenFromHash('#/activity')).toBe('activity');
    expect(screenFromHash('#/nope')).toBe('overview');
    expect(screenFromHash('')).toBe('overview');
  });
});
