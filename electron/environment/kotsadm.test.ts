import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { findKotsadm } from './kotsadm.js';

const containers = [
  { name: 'schemahero', image: 'kotsadm/kotsadm-migrations:v1.131.4' },
  { name: 'kotsadm', image: 'kotsadm/kotsadm:v1.131.4' },
];
const deployment = (available: number, name = 'kotsadm', namespace = 'default'): V1Deployment => ({
  metadata: { name, namespace },
  spec: { selector: {}, template: { spec: { containers } } },
  status: { availableReplicas: available },
});
const statefulSet = (ready: number, replicas?: number, name = 'kotsadm', namespace = 'default'): V1StatefulSet => ({
  metadata: { name, namespace },
  spec: { selector: {}, serviceName: 'kotsadm', replicas, template: { spec: { containers } } },
  status: { replicas: replicas ?? 1, readyReplicas: ready },
});

describe('findKotsadm', () => {
  it('reads a Deployment kotsadm (with MinIO): ready once one replica is available; the image of the container named kotsadm', () => {
    expect(findKotsadm([deployment(1)], [])).toMatchObject({
      kind: 'Deployment',
      namespace: 'default',
      image: 'kotsadm/kotsadm:v1.131.4',
      ready: true,
      status: 'Deployment kotsadm in default is available.',
    });
    expect(findKotsadm([deployment(0)], [])).toMatchObject({ ready: false, status: 'Deployment kotsadm in default has no available replica.' });
  });

  it('reads a StatefulSet kotsadm: ready replicas against the desired (1 when unset); scaled to 0 is not ready', () => {
    expect(findKotsadm([], [statefulSet(1)])).toMatchObject({
      kind: 'StatefulSet',
      ready: true,
      status: 'StatefulSet kotsadm in default: 1 of 1 replicas ready.',
    });
    expect(findKotsadm([], [statefulSet(1, 2)])).toMatchObject({ ready: false, status: 'StatefulSet kotsadm in default: 1 of 2 replicas ready.' });
    expect(findKotsadm([], [statefulSet(0, 0)])?.ready).toBe(false);
  });

  it('only workloads named kotsadm count, in the namespace asked for', () => {
    expect(findKotsadm([deployment(1, 'kotsadm-minio')], [statefulSet(1, 1, 'kotsadm-rqlite')])).toBeUndefined();
    expect(findKotsadm([deployment(1, 'kotsadm', 'other')], [], 'default')).toBeUndefined();
    expect(findKotsadm([deployment(1, 'kotsadm', 'other')], [])?.namespace).toBe('other');
  });

  it('mid-migration (both kinds): the ready one wins, else the StatefulSet KOTS moves to', () => {
    expect(findKotsadm([deployment(1)], [statefulSet(0)])?.kind).toBe('Deployment');
    expect(findKotsadm([deployment(0)], [statefulSet(1)])?.kind).toBe('StatefulSet');
    expect(findKotsadm([deployment(0)], [statefulSet(0)])?.kind).toBe('StatefulSet');
  });
});
