import { describe, expect, it } from 'vitest';
import type { FollowedBackup } from '../../api/contract.js';
import { findCreated, identities, Waiters } from './appear.js';
import { appBackup, DR_NAME, INFRA, infraBackup } from './improvedDr.test-fixtures.js';
import { backup } from './scope.test-fixtures.js';

const full: FollowedBackup = { id: 'f', kind: 'full', state: 'starting', requestedAt: '2026-11-23T10:00:00Z', timeline: [] };
const instance = (name: string, created: string, ns = 'kotsadm') =>
  backup(name, {}, { creationTimestamp: created, annotations: { 'kots.io/instance': 'true', 'kots.io/kotsadm-deploy-namespace': ns } });

describe('findCreated', () => {
  it('by the name KOTS answered, or by the replicated.com/backup-name it stands for', () => {
    const pair = [infraBackup(), appBackup()];
    expect(findCreated(pair, { ...full, kotsName: INFRA }, new Set(), 'kotsadm')?.metadata.name).toBe(INFRA);
    expect(findCreated(pair, { ...full, kotsName: DR_NAME }, new Set(), 'kotsadm')?.metadata.name).toBe(INFRA);
    expect(findCreated(pair, { ...full, kotsName: 'instance-other' }, new Set(), 'kotsadm')).toBeUndefined();
  });

  it('without a name: the newest instance backup of this admin console that was not there before', () => {
    const old = instance('instance-old', '2026-11-23T09:00:00Z');
    const before = identities([old]);
    const all = [
      old,
      instance('instance-a', '2026-11-23T10:00:01Z'),
      instance('instance-b', '2026-11-23T10:00:02Z'),
      instance('instance-c', '2026-11-23T10:00:03Z', 'other-kotsadm'),
    ];
    expect(findCreated(all, full, before, 'kotsadm')?.metadata.name).toBe('instance-b');
    expect(findCreated([old], full, before, 'kotsadm')).toBeUndefined();
  });

  it('an application backup: not an instance backup, of that app, not a scheduled one', () => {
    const partial: FollowedBackup = { ...full, kind: 'partial', appSlug: 'my-app' };
    const sched = backup('my-app-sched', {}, { annotations: { 'kots.io/app-id': 'x', 'kots.io/snapshot-trigger': 'schedule' } });
    const mine = backup('my-app-x1', {}, { annotations: {} });
    expect(findCreated([sched, instance('instance-a', '2026-11-23T10:00:05Z'), mine], partial, new Set(), 'kotsadm')?.metadata.name).toBe('my-app-x1');
    expect(findCreated([sched], partial, new Set(), 'kotsadm')).toBeUndefined();
  });
});

describe('Waiters', () => {
  it('resolves on the wake that makes the probe answer, and forgets the waiter', async () => {
    const w = new Waiters();
    // eslint-disable-next-line prefer-const -- assigned once, but after the probe first reads it
    let value: string | undefined;
    const p = w.waitFor(() => value, 10_000);
    expect(w.size).toBe(1);
    w.wake();
    value = 'here';
    w.wake();
    expect(await p).toBe('here');
    expect(w.size).toBe(0);
  });

  it("at the timeout, resolves with the probe's last answer", async () => {
    const w = new Waiters();
    expect(await w.waitFor(() => undefined, 5)).toBeUndefined();
    expect(w.size).toBe(0);
  });
});
