import { describe, expect, it } from 'vitest';
import type { RegistryJob, RestoreRegistryStep } from '../../api/contract.js';
import { registryNeed, registrySettled, stepFromJob } from './registry-step.js';

const env = (flavour: string, airgapped = true) => ({ flavour, airgap: { airgapped, reason: '' } }) as never;
const backup = (annotations: Record<string, string> = {}) => ({ metadata: { name: 'b1', namespace: 'velero', annotations } });

describe('registryNeed', () => {
  it('asks for the step on a rebuilt kURL / Embedded Cluster cluster, or for a backup from an embedded registry or air gap', () => {
    expect(registryNeed('new-cluster', env('embedded-cluster'), backup())).toMatch(/rebuilt Embedded Cluster cluster.*air-gapped/);
    expect(registryNeed('new-cluster', env('kurl', false), backup())).toMatch(/rebuilt kURL cluster/);
    expect(registryNeed('new-cluster', env('existing', false), backup({ 'kots.io/embedded-registry': '10.96.0.10' }))).toMatch(/10\.96\.0\.10/);
    expect(registryNeed('new-cluster', env('existing', false), backup({ 'kots.io/is-airgap': 'true' }))).toMatch(/air-gapped install/);
  });
  it('does not on the same cluster, or for an online backup onto an ordinary cluster', () => {
    expect(registryNeed('same-cluster', env('embedded-cluster'), backup())).toBeUndefined();
    expect(registryNeed('new-cluster', env('existing', false), backup({ 'kots.io/is-airgap': 'false' }))).toBeUndefined();
  });
});

describe('stepFromJob', () => {
  const step: RestoreRegistryStep = { reason: 'r', state: 'running', source: '/x' };
  const job = (patch: Partial<RegistryJob>): RegistryJob => ({
    id: 'rs-1',
    kind: 'reseed',
    state: 'succeeded',
    startedAt: 't',
    registry: 'reg:5000',
    path: '/x',
    origin: 'restore',
    ...patch,
  });
  const tags = [{ repo: 'a', tag: '1', expected: 'sha256:1', actual: 'sha256:1', ok: true }];
  const report = { ok: true, tags, blobsUploaded: 3, blobsMounted: 1, blobsSkipped: 2, bytesUploaded: 10, manifestsPushed: 2, warnings: [], durationMs: 5 };

  it('succeeds only when every tag resolved to its digest', () => {
    expect(stepFromJob(step, job({ reseedReport: report }))).toMatchObject({
      state: 'succeeded',
      tagsOk: 1,
      tagsTotal: 1,
      blobsUploaded: 3,
      registry: 'reg:5000',
      mismatches: [],
    });
    expect(registrySettled(stepFromJob(step, job({ reseedReport: report })))).toBe(true);
    const bad = stepFromJob(
      step,
      job({
        state: 'failed',
        reseedReport: { ...report, ok: false, tags: [{ ...tags[0]!, actual: null, ok: false }] },
        error: { code: 'DIGEST_MISMATCH', message: 'm' },
      }),
    );
    expect(bad).toMatchObject({ state: 'failed', tagsOk: 0, mismatches: [{ repo: 'a', tag: '1', actual: null }], error: { code: 'DIGEST_MISMATCH' } });
    expect(registrySettled(bad)).toBe(false);
  });
  it('keeps cancelled and failed apart, with the error', () => {
    expect(stepFromJob(step, job({ state: 'cancelled', error: { code: 'CANCELLED', message: 'c' } }))).toMatchObject({
      state: 'cancelled',
      error: { code: 'CANCELLED' },
    });
    expect(stepFromJob(step, job({ state: 'failed', error: { code: 'ARCHIVE_INVALID', message: 'x' } }))).toMatchObject({
      state: 'failed',
      error: { code: 'ARCHIVE_INVALID' },
    });
    expect(registrySettled({ reason: 'r', state: 'skipped' })).toBe(true);
    expect(registrySettled(undefined)).toBe(true);
  });
});
