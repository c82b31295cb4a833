import { describe, expect, it } from 'vitest';
import type { SetupKube } from '../../cluster/rest.js';
import { Cancelled, daemonSetReady, deploymentReady, diagnose, podsVerdict, waitFor } from './waits.js';

const longAgo = '2020-01-01T00:00:00Z';
const pod = (extra: { waiting?: string; readySince?: string; created?: string; deleting?: boolean } = {}) => ({
  metadata: {
    name: 'velero-1',
    namespace: 'velero',
    creationTimestamp: extra.created ?? '2030-01-01T00:00:00Z',
    ...(extra.deleting ? { deletionTimestamp: 'x' } : {}),
  },
  status: {
    conditions: extra.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: extra.readySince }] : [],
    containerStatuses: extra.waiting ? [{ name: 'velero', state: { waiting: { reason: extra.waiting, message: 'back-off pulling' } } }] : [],
  },
});

/** The API server as the wait sees it: the workload and, per poll, the pods. */
function kube(workload: unknown, pods: () => unknown[], events: unknown[] = []): SetupKube {
  return {
    find: async () => workload,
    get: async (p: string) => ({ items: p.includes('/events') ? events : pods() }),
  } as unknown as SetupKube;
}

const timings = { pollMs: 1, pullFailureMs: 20, stableMs: 1000 };
const target = { what: 'Deployment velero', path: '/d', ready: () => true, selector: 'deploy=velero', timeoutMs: 2000 };

describe('setup waits', () => {
  it('a pod counts once Ready has held for a while; a restart deletes pods that must not count', () => {
    const now = Date.parse('2030-01-01T00:01:00Z');
    expect(podsVerdict([pod({ readySince: longAgo })], undefined, 1000, now)).toEqual({ stuck: undefined, fresh: true, stable: true });
    expect(podsVerdict([pod({ readySince: '2030-01-01T00:00:59.500Z' })], undefined, 1000, now).stable).toBe(false);
    expect(podsVerdict([pod({ readySince: longAgo, created: '2029-12-31T00:00:00Z' })], '2030-01-01T00:00:00.000Z', 1000, now).fresh).toBe(false);
    expect(podsVerdict([pod({ readySince: longAgo, deleting: true })], '2029-01-01T00:00:00Z', 1000, now).fresh).toBe(false);
    expect(podsVerdict([pod({ waiting: 'ImagePullBackOff' })], undefined, 1000, now).stuck).toBe('ImagePullBackOff');
    expect(podsVerdict([], undefined, 1000, now).stable).toBe(false);
  });

  it('returns after three ready polls', async () => {
    let polls = 0;
    const r = await waitFor(
      kube({}, () => (polls++, [pod({ readySince: longAgo })])),
      'velero',
      target,
      timings,
      new AbortController().signal,
    );
    expect(r.message).toMatch(/^Deployment velero ready after \d+ s\.$/);
    expect(polls).toBe(3);
  });

  it('fails early when the image cannot be pulled, and at once when the workload is missing', async () => {
    await expect(
      waitFor(
        kube({}, () => [pod({ waiting: 'ErrImagePull' })]),
        'velero',
        target,
        timings,
        new AbortController().signal,
      ),
    ).rejects.toThrow(/cannot pull its image \(ErrImagePull/);
    await expect(
      waitFor(
        kube({}, () => [pod({ waiting: 'CrashLoopBackOff' })]),
        'velero',
        target,
        timings,
        new AbortController().signal,
      ),
    ).rejects.toThrow(/keeps failing/);
    await expect(
      waitFor(
        kube(undefined, () => []),
        'velero',
        target,
        timings,
        new AbortController().signal,
      ),
    ).rejects.toThrow(/does not exist/);
    await expect(
      waitFor(
        kube({}, () => []),
        'velero',
        { ...target, timeoutMs: 5 },
        timings,
        new AbortController().signal,
      ),
    ).rejects.toThrow(/not ready within/);
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(
      waitFor(
        kube({}, () => []),
        'velero',
        target,
        timings,
        ctl.signal,
      ),
    ).rejects.toBeInstanceOf(Cancelled);
  });

  it('readiness of the Deployment and the DaemonSet', () => {
    expect(
      deploymentReady({ metadata: { generation: 2 }, spec: { replicas: 1 }, status: { observedGeneration: 2, updatedReplicas: 1, availableReplicas: 1 } }),
    ).toBe(true);
    expect(
      deploymentReady({ metadata: { generation: 2 }, spec: { replicas: 1 }, status: { observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1 } }),
    ).toBe(false);
    expect(deploymentReady({ status: { updatedReplicas: 1, availableReplicas: 1, unavailableReplicas: 1, observedGeneration: 1 } })).toBe(false);
    expect(daemonSetReady({ status: { observedGeneration: 1, desiredNumberScheduled: 2, numberAvailable: 2, updatedNumberScheduled: 2 } })).toBe(true);
    expect(daemonSetReady({ status: { observedGeneration: 1, desiredNumberScheduled: 2, numberAvailable: 1, updatedNumberScheduled: 2 } })).toBe(false);
  });

  it('diagnose lists waiting pods and Warning events once each, oldest first', async () => {
    const ev = (reason: string, t: string) => ({ type: 'Warning', reason, lastTimestamp: t, involvedObject: { kind: 'Pod', name: 'velero-1' }, message: 'm' });
    const lines = await diagnose(
      kube({}, () => [pod({ waiting: 'ImagePullBackOff' }), pod({ waiting: 'ContainerCreating' })], [
        ev('B', '2'),
        ev('A', '1'),
        ev('A', '1'),
        { type: 'Normal', reason: 'N' },
      ]),
      'velero',
    );
    expect(lines).toEqual(['Pod velero-1, container velero: ImagePullBackOff — back-off pulling', 'Event A on Pod/velero-1: m', 'Event B on Pod/velero-1: m']);
  });
});
