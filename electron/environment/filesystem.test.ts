/**
 * How KOTS would store NFS/host-path snapshots, on ConfigMaps and workloads shaped as KOTS and kURL
 * make them, checked against kots pkg/snapshot/filesystem_lvp.go IsFileSystemMinioDisabled and
 * pkg/image/minio.go GetMinioImage at v1.131.4.
 */
import { describe, expect, it } from 'vitest';
import { computeEnvironment } from './compute';
import { fileSystemDestinationCheck, kotsFileSystemStore, parseGoBool, veleroRefusesLvp } from './filesystem';
import { configMap, kotsadm, kotsadmConfg, kotsadmStatefulSet, snapshot, veleroDeploy } from './fixtures';

const x = { kubernetesVersion: 'v1.36.3', cliVersion: '1.18.3', serverVersion: 'v1.18.3' };
const kurlConfig = configMap('kurl-config', 'kube-system', { kurl_install_directory: '/var/lib/kurl' });
const kurlMinio = {
  metadata: { name: 'minio', namespace: 'minio' },
  spec: { selector: {}, template: { spec: { containers: [{ name: 'minio', image: 'minio/minio:RELEASE.2023-09-30T07-02-29Z' }] } } },
};
const base = { kotsNamespace: 'default', isKurl: false, deployments: [], statefulsets: [], blind: new Set<string>() };

describe('kotsFileSystemStore (IsFileSystemMinioDisabled)', () => {
  it('kotsadm-confg minio-enabled-snapshots=false (kubectl kots install --with-minio=false): local-volume provider', () => {
    expect(kotsFileSystemStore({ ...base, confg: kotsadmConfg('default', false) })).toMatchObject({
      via: 'local-volume-provider',
      reason: expect.stringMatching(/minio-enabled-snapshots=false/),
    });
  });

  it('minio-enabled-snapshots=true, the key missing, or no kotsadm-confg at all: KOTS keeps its MinIO', () => {
    expect(kotsFileSystemStore({ ...base, confg: kotsadmConfg('default', true) }).via).toBe('minio');
    const noKey = kotsadmConfg('default', true);
    delete noKey.data!['minio-enabled-snapshots'];
    expect(kotsFileSystemStore({ ...base, confg: noKey }).via).toBe('minio');
    expect(kotsFileSystemStore({ ...base }).via).toBe('minio');
  });

  it('Go ParseBool spellings; anything else makes KOTS fail, so it is "invalid"', () => {
    expect(kotsFileSystemStore({ ...base, confg: kotsadmConfg('default', true, { 'minio-enabled-snapshots': 'F' }) }).via).toBe('local-volume-provider');
    expect(kotsFileSystemStore({ ...base, confg: kotsadmConfg('default', true, { 'minio-enabled-snapshots': '1' }) }).via).toBe('minio');
    expect(kotsFileSystemStore({ ...base, confg: kotsadmConfg('default', true, { 'minio-enabled-snapshots': 'no' }) })).toMatchObject({
      via: 'invalid',
      reason: expect.stringMatching(/failed to parse/),
    });
    expect([parseGoBool('True'), parseGoBool('0'), parseGoBool('yes')]).toEqual([true, false, undefined]);
  });

  it('kURL with kotsadm in default and no MinIO add-on: local-volume provider even with minio-enabled-snapshots=true', () => {
    expect(kotsFileSystemStore({ ...base, isKurl: true, confg: kotsadmConfg('default', true) })).toMatchObject({
      via: 'local-volume-provider',
      reason: expect.stringMatching(/kURL cluster without the MinIO add-on/),
    });
    expect(kotsFileSystemStore({ ...base, isKurl: true, deployments: [kurlMinio] as any, confg: kotsadmConfg('default', true) }).via).toBe('minio');
    const haMinio = { ...kurlMinio, metadata: { name: 'ha-minio', namespace: 'minio' } };
    expect(kotsFileSystemStore({ ...base, isKurl: true, statefulsets: [haMinio] as any }).via).toBe('minio');
    // GetMinioImage looks at the add-on only when kotsadm runs in "default"
    expect(kotsFileSystemStore({ ...base, kotsNamespace: 'kots', isKurl: true, confg: kotsadmConfg('kots', true) }).via).toBe('minio');
  });

  it('cannot tell when Lifeboat may not list what KOTS reads', () => {
    expect(kotsFileSystemStore({ ...base, blind: new Set(['configmaps']) }).via).toBe('unknown');
    expect(kotsFileSystemStore({ ...base, isKurl: true, blind: new Set(['statefulsets']) }).via).toBe('unknown');
  });
});

describe('computeEnvironment: kots.fileSystemStore', () => {
  it('KOTS installed without MinIO: StatefulSet kotsadm and minio-enabled-snapshots=false', () => {
    const env = computeEnvironment(
      snapshot({ deployments: [veleroDeploy()], statefulsets: [kotsadmStatefulSet('default')], configmaps: [kotsadmConfg('default', false)] }),
      x,
    );
    expect(env.kots.fileSystemStore).toMatchObject({ via: 'local-volume-provider' });
  });

  it('KOTS with MinIO (Deployment kotsadm, defaults)', () => {
    const env = computeEnvironment(snapshot({ deployments: [kotsadm(), veleroDeploy()], configmaps: [kotsadmConfg('default', true)] }), x);
    expect(env.kots.fileSystemStore).toMatchObject({ via: 'minio' });
  });

  it('kURL without its MinIO add-on', () => {
    const env = computeEnvironment(snapshot({ configmaps: [kurlConfig, kotsadmConfg('default', true)] }), x);
    expect(env.kots.fileSystemStore).toMatchObject({ via: 'local-volume-provider' });
  });
});

describe('fileSystemDestinationCheck', () => {
  const lvp = { via: 'local-volume-provider' as const, reason: 'ConfigMap kotsadm-confg in default has minio-enabled-snapshots=false' };

  it('refuses NFS on Velero 1.17+ when KOTS would use the local-volume provider, with reason and fix', () => {
    const c = fileSystemDestinationCheck(lvp, 'nfs', { version: 'v1.18.3' });
    expect(c).toMatchObject({ ok: false, severity: 'error' });
    expect(c.reason).toMatch(/KOTS would configure the NFS through the local-volume provider .*replicated\.com\/nfs/);
    expect(c.reason).toMatch(/Velero v1\.18\.3 refuses the local-volume provider/);
    expect(c.fix).toMatch(/object-store destination/);
    expect(c.fix).toMatch(/older than 1\.17/);
  });

  it('on Velero 1.16 it needs the local-volume-provider plugin', () => {
    expect(
      fileSystemDestinationCheck(lvp, 'hostpath', {
        version: 'v1.16.2',
        plugins: [{ name: 'velero-velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.12.2' }],
      }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/no replicated\/local-volume-provider plugin/) });
    expect(
      fileSystemDestinationCheck(lvp, 'hostpath', {
        version: 'v1.16.2',
        plugins: [{ name: 'replicated-local-volume-provider', image: 'replicated/local-volume-provider:v0.6.9' }],
      }),
    ).toMatchObject({ ok: true, severity: 'warning' });
  });

  it("through KOTS's MinIO any Velero is fine; an unparseable Velero version is not a refusal (as KOTS)", () => {
    expect(fileSystemDestinationCheck({ via: 'minio', reason: 'r' }, 'nfs', { version: 'v1.18.3' })).toMatchObject({ ok: true, severity: 'ok' });
    expect(veleroRefusesLvp('v1.17.0-rc.1')).toBe(true);
    expect(veleroRefusesLvp('v1.16.9')).toBe(false);
    expect(veleroRefusesLvp(undefined)).toBe(false);
  });
});
