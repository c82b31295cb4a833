import { describe, expect, it } from 'vitest';
import { compatibility, parseVersion } from './compat';

const verdict = (kotsVersion: string, veleroVersion: string, kubernetesVersion = 'v1.36.3', extra = {}) =>
  compatibility({ kotsVersion, veleroVersion, kubernetesVersion, veleroInstalled: true, kotsFound: true, ...extra }).verdict;

describe('parseVersion', () => {
  it('reads tags and rejects non-versions', () => {
    expect(parseVersion('v1.18.3')).toEqual([1, 18, 3]);
    expect(parseVersion('1.131.4')).toEqual([1, 131, 4]);
    expect(parseVersion('v1.18.3-rc.1')).toEqual([1, 18, 3]);
    expect(parseVersion('1.18')).toEqual([1, 18, 0]);
    expect(parseVersion('latest')).toBeUndefined();
    expect(parseVersion(undefined)).toBeUndefined();
  });
});

describe('compatibility: KOTS ↔ Velero table (every row and its bounds)', () => {
  it.each([
    // [kots, velero, verdict, bound the reason must name]
    ['1.14.0', '1.2.0', 'incompatible', '1.15'],
    ['1.15.0', '1.2.0', 'compatible', '1.2.0'],
    ['1.20.2', '1.2.0', 'compatible', '1.20.2'],
    ['1.20.2', '1.5.1', 'incompatible', '1.2.0'],
    ['1.20.3', '1.5.1', 'compatible', '1.5.1 through 1.9.x'],
    ['1.20.3', '1.9.4', 'compatible', '1.9.x'],
    ['1.20.3', '1.5.0', 'incompatible', '1.5.1'],
    ['1.94.0', '1.10.0', 'incompatible', '1.9.x'],
    ['1.94.1', '1.6.0', 'compatible', '1.6.x and later'],
    ['1.94.1', '1.5.1', 'warning', '1.6.0'],
    ['1.94.1', '1.12.0', 'warning', '1.130.7'],
    ['1.130.6', '1.19.0', 'incompatible', '1.18.x'],
    ['1.130.7', '1.11.0', 'compatible', '1.11.0 through 1.18.x'],
    ['1.131.4', '1.18.3', 'compatible', '1.18.x'],
    ['1.131.4', '1.10.1', 'warning', '1.11.0'],
    ['1.131.4', '1.19.0', 'incompatible', '1.19'],
    ['1.131.4', '1.4.0', 'incompatible', '1.5.1'],
  ])('KOTS %s + Velero %s → %s (names %s)', (kots, velero, expected, bound) => {
    const v = verdict(kots, velero, 'v1.20.0', { cliVersion: velero }); // a Kubernetes every row's Velero accepts
    expect(v.verdict).toBe(expected);
    expect(v.reason).toContain(bound);
    if (expected !== 'compatible') expect(v.fix).toBeTruthy();
  });
});

describe('compatibility: Velero ↔ Kubernetes', () => {
  it('Velero 1.9–1.18 need Kubernetes 1.18 or later', () => {
    const v = verdict('1.131.4', '1.18.3', 'v1.17.9');
    expect(v.verdict).toBe('incompatible');
    expect(v.reason).toMatch(/Kubernetes 1\.18 or later/);
  });
  it('an unstamped API server version (v0.0.0-master) is a warning, not a verdict', () => {
    const v = verdict('1.131.4', '1.18.3', 'v0.0.0-master+$Format:%H$');
    expect(v.verdict).toBe('warning');
    expect(v.reason).toMatch(/not a Kubernetes release/);
    expect(v.kubernetesVersion).toBeUndefined();
  });
  it('Velero 1.6.0–1.6.2 expect Kubernetes 1.12–1.21', () => {
    const v = verdict('1.94.1', '1.6.2', 'v1.25.0');
    expect(v.verdict).toBe('warning');
    expect(v.reason).toMatch(/1\.12 through 1\.21/);
    expect(verdict('1.94.1', '1.6.2', 'v1.21.0').verdict).toBe('compatible');
  });
});

describe('compatibility: storage and unknowns', () => {
  it('local-volume-provider or resticRepoPrefix with Velero ≥ 1.17 is incompatible', () => {
    expect(verdict('1.131.4', '1.17.0', 'v1.30.0', { usesLocalVolumeProvider: true, cliVersion: '1.17.0' })).toMatchObject({
      verdict: 'incompatible',
      reason: expect.stringMatching(/1\.17 and later/),
    });
    expect(verdict('1.131.4', '1.18.3', 'v1.30.0', { usesResticRepoPrefix: true }).fix).toMatch(/object store/);
    expect(verdict('1.131.4', '1.16.0', 'v1.30.0', { usesLocalVolumeProvider: true, cliVersion: '1.16.0' }).verdict).toBe('compatible');
  });
  it('a version that cannot be read is a warning with the reason', () => {
    const r = compatibility({
      kotsVersion: '1.131.4',
      kotsFound: true,
      veleroInstalled: true,
      veleroVersionProblem: 'the server did not answer the ServerStatusRequest within 10 s',
      kubernetesVersion: 'v1.36.3',
    });
    expect(r.verdict.verdict).toBe('warning');
    expect(r.verdict.reason).toMatch(/ServerStatusRequest/);
    const k = compatibility({ kotsVersion: 'latest', kotsFound: true, veleroInstalled: true, veleroVersion: '1.18.3', kubernetesVersion: 'v1.36.3' });
    expect(k.verdict.verdict).toBe('warning');
    expect(k.verdict.reason).toMatch(/"latest" is not a version/);
  });
  it('no Velero is unknown with a fix; the bundled CLI mismatch warns', () => {
    expect(compatibility({ kotsVersion: '1.131.4', kotsFound: true, veleroInstalled: false }).verdict).toMatchObject({
      verdict: 'unknown',
      fix: expect.stringMatching(/Install Velero/),
    });
    expect(verdict('1.131.4', '1.17.2', 'v1.30.0', { cliVersion: '1.18.3' })).toMatchObject({
      verdict: 'warning',
      reason: expect.stringMatching(/major\.minor/),
    });
  });
});
