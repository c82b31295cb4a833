import { describe, expect, it } from 'vitest';
import { defaultImagesLock, imagesLockFor, parseUpstream, pinFor } from './imagesLock.js';
import {
  fsBackupFlags,
  installArgs,
  parseInstallOutput,
  pluginContainerName,
  privateRef,
  refusesLvp,
  requiredImages,
  uninstallArgs,
  veleroPullPolicy,
} from './install.js';

describe('velero install builder', () => {
  it('lists the exact images per version and provider', () => {
    expect(requiredImages('v1.18.3', 's3-compatible').map((i) => `${i.repository}:${i.tag}`)).toEqual([
      'velero/velero:v1.18.3',
      'velero/velero-plugin-for-aws:v1.14.3',
    ]);
    expect(requiredImages('1.18.3', 'nfs')[1]!.repository).toBe('velero/velero-plugin-for-aws');
    expect(requiredImages('v1.18.3', 'gcp')[1]!.repository).toBe('velero/velero-plugin-for-gcp');
    expect(requiredImages('v1.18.3', 'azure')[1]!.repository).toBe('velero/velero-plugin-for-microsoft-azure');
    expect(() => requiredImages('v1.19.0', 'aws')).toThrow(/no plugin pairing/);
  });

  it('rewrites to the private registry the way KOTS names images', () => {
    const [velero] = requiredImages('v1.18.3', 'aws');
    expect(privateRef(velero!, { host: 'reg.local:5000', namespace: 'lifeboat' })).toBe('reg.local:5000/lifeboat/velero:v1.18.3');
    expect(privateRef(velero!, { host: 'reg.local' })).toBe('reg.local/velero:v1.18.3');
  });

  it("applies Velero's pull-policy rule (a registry port forces Always)", () => {
    expect(veleroPullPolicy('velero/velero:v1.18.3')).toBe('IfNotPresent');
    expect(veleroPullPolicy('reg.local:5000/lifeboat/velero:v1.18.3')).toBe('Always');
    expect(veleroPullPolicy('velero/velero')).toBe('Always');
    expect(veleroPullPolicy('velero/velero:latest')).toBe('Always');
  });

  it('file-system backup flags by version', () => {
    expect(fsBackupFlags('v1.9.5')).toEqual(['--use-restic']);
    expect(fsBackupFlags('v1.12.0')).toEqual(['--use-node-agent', '--uploader-type=restic']);
    expect(fsBackupFlags('v1.18.3')).toEqual(['--use-node-agent']);
    expect(refusesLvp('v1.17.0')).toBe(true);
    expect(refusesLvp('v1.16.2')).toBe(false);
  });

  it('builds the install argv KOTS prints, with the private registry', () => {
    const args = installArgs({ veleroVersion: 'v1.18.3', provider: 's3-compatible', registry: { host: 'r:5000', namespace: 'lb' }, dryRun: true });
    expect(args).toEqual([
      'install',
      '--namespace',
      'velero',
      '--image',
      'r:5000/lb/velero:v1.18.3',
      '--plugins',
      'r:5000/lb/velero-plugin-for-aws:v1.14.3',
      '--no-default-backup-location',
      '--no-secret',
      '--use-node-agent',
      '--use-volume-snapshots=false',
      '--dry-run',
      '-o',
      'yaml',
    ]);
    expect(uninstallArgs()).toEqual(['uninstall', '--force', '--namespace', 'velero']);
  });

  it('parses install progress lines and plugin container names', () => {
    const lines = parseInstallOutput(
      'CustomResourceDefinition/backups.velero.io: attempting to create resource\nCustomResourceDefinition/backups.velero.io: created\nNamespace/velero: already exists, proceeding\nVelero is installed! ⛵',
    );
    expect(lines.map((l) => l.result)).toEqual(['attempting', 'created', 'exists']);
    expect(lines[2]).toMatchObject({ kind: 'Namespace', name: 'velero' });
    expect(pluginContainerName('reg.local/velero/velero-plugin-for-aws:v1.13.0')).toBe('velero-velero-plugin-for-aws');
    expect(pluginContainerName('reg:5000/lifeboat/velero-plugin-for-aws:v1.14.3')).toBe('lifeboat-velero-plugin-for-aws');
  });
});

describe('velero install by digest (resources/images.lock.json)', () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  const pinned = {
    images: {
      velero: { upstream: 'docker.io/velero/velero:v1.18.3', digest: d('a'), platforms: { 'linux/amd64': d('b'), 'linux/arm64': d('c') } },
      'velero-plugin-for-aws': {
        upstream: 'docker.io/velero/velero-plugin-for-aws:v1.14.3',
        digest: d('d'),
        platforms: { 'linux/amd64': d('e'), 'linux/arm64': d('f') },
      },
    },
  };
  it('pinned images go in by digest, in the private registry and upstream', () => {
    const args = installArgs({ veleroVersion: 'v1.18.3', provider: 'aws', registry: { host: 'r:5000', namespace: 'lb' }, lock: pinned });
    expect(args.slice(3, 7)).toEqual(['--image', `r:5000/lb/velero@${d('a')}`, '--plugins', `r:5000/lb/velero-plugin-for-aws@${d('d')}`]);
    expect(installArgs({ veleroVersion: 'v1.18.3', provider: 'aws', lock: pinned }).slice(3, 7)).toEqual([
      '--image',
      `velero/velero@${d('a')}`,
      '--plugins',
      `velero/velero-plugin-for-aws@${d('d')}`,
    ]);
    expect(pluginContainerName(`r:5000/lb/velero-plugin-for-aws@${d('d')}`)).toBe('lb-velero-plugin-for-aws');
  });
  it('placeholders (the lock as shipped here) keep the tags', () => {
    const placeholder = {
      images: {
        velero: { upstream: 'docker.io/velero/velero:v1.18.3', placeholder: true, digest: null, platforms: { 'linux/amd64': null, 'linux/arm64': null } },
      },
    };
    expect(installArgs({ veleroVersion: 'v1.18.3', provider: 'aws', registry: { host: 'r:5000', namespace: 'lb' }, lock: placeholder }).slice(3, 7)).toEqual([
      '--image',
      'r:5000/lb/velero:v1.18.3',
      '--plugins',
      'r:5000/lb/velero-plugin-for-aws:v1.14.3',
    ]);
    expect(installArgs({ veleroVersion: 'v1.18.3', provider: 'aws', registry: { host: 'r:5000', namespace: 'lb' }, lock: defaultImagesLock })[4]).toBe(
      'r:5000/lb/velero:v1.18.3',
    );
    expect(pinFor(defaultImagesLock, { repository: 'velero/velero', tag: 'v1.18.3' })).toMatchObject({
      pinned: false,
      reason: expect.stringMatching(/placeholder; unverified build/),
    });
    expect(pinFor(imagesLockFor({ LIFEBOAT_IMAGES_DIR: '/x' }), { repository: 'velero/velero', tag: 'v1.18.3' })).toMatchObject({
      pinned: false,
      reason: expect.stringMatching(/LIFEBOAT_IMAGES_DIR/),
    });
    expect(parseUpstream('docker.io/velero/velero:v1.18.3')).toEqual({ registry: 'docker.io', repository: 'velero/velero', tag: 'v1.18.3' });
    expect(parseUpstream('127.0.0.1:5000/velero/velero:v1')).toEqual({ registry: '127.0.0.1:5000', repository: 'velero/velero', tag: 'v1' });
    expect(parseUpstream('busybox:1')).toEqual({ registry: 'docker.io', repository: 'library/busybox', tag: '1' });
  });
});
