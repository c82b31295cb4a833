/**
 * Hostile cluster data: storage locations, DownloadRequest URLs, registry pull Secrets and backup
 * annotations as an attacker (or a broken controller) could leave them in the API server.
 */
import { describe, expect, it } from 'vitest';
import { parseDockerConfig } from '../registry/credentials';
import { assertDownloadHost, locationOf, type StoreLocation } from '../velero/downloadHost';
import { expectedCount, memberType } from '../kots/replicatedBackups';
import { expectAlive, expectClearError, failure } from './helpers';

const minio: StoreLocation = {
  metadata: { name: 'default' },
  spec: { provider: 'aws', objectStorage: { bucket: 'velero' }, config: { s3Url: 'https://minio.corp:9000' } },
};

describe('hostile cluster data', () => {
  it('DownloadRequest URLs that are not the store (file:, javascript:, user-info trick, another port, garbage): STORAGE_INVALID, nothing fetched', async () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://minio.corp:9000@attacker.example/x',
      'https://minio.corp:9001/velero/x',
      '\u0000\u0001garbage',
      'x'.repeat(100_000),
    ]) {
      const err = await failure(() => assertDownloadHost(url, minio, 'the backup log of b1'));
      const e = expectClearError(err, 'STORAGE_INVALID', /refused to download the backup log of b1/);
      expect(e.message.length).toBeLessThan(1000);
    }
    await expectAlive();
  });

  it('a storage location whose provider is a number and config a list: STORAGE_INVALID (was: TypeError "replace is not a function")', async () => {
    const bsl = { metadata: { name: 'weird' }, spec: { provider: 42, config: ['s3Url'], objectStorage: 'velero' } } as unknown as StoreLocation;
    expectClearError(
      await failure(() => assertDownloadHost('https://minio.corp:9000/velero/x', bsl, 'the backup log of b1')),
      'STORAGE_INVALID',
      /storage location "weird"/,
    );
    await expectAlive();
  });

  it('a storage location with no metadata and an s3Url that is an object: STORAGE_INVALID (was: TypeError reading "name")', async () => {
    const bsl = { spec: { provider: 'aws', config: { s3Url: { href: 'https://attacker' } } } } as unknown as StoreLocation;
    expectClearError(await failure(() => assertDownloadHost('https://attacker/x', bsl, 'the backup log of b1')), 'STORAGE_INVALID');
    await expectAlive();
  });

  it('a Backup naming a storage location that is not there: STORAGE_INVALID naming it', async () => {
    const get = async (plural: string) => (plural === 'backups' ? { spec: { storageLocation: 'gone' } } : undefined);
    expectClearError(await failure(locationOf(get, 'BackupLog', 'b1')), 'STORAGE_INVALID', /storage location "gone" does not exist/);
    await expectAlive();
  });

  it('registry pull Secrets with garbage .dockerconfigjson: no credential, no crash', async () => {
    for (const json of [
      '{{{',
      '[]',
      'null',
      '{"auths":null}',
      '{"auths":{"reg":null}}',
      '{"auths":{"reg":{"auth":"!!!not base64"}}}',
      '{"auths":{"reg":{"auth":42}}}',
      '{"auths":"x"}',
    ]) {
      const out = parseDockerConfig(json);
      expect(Array.isArray(out)).toBe(true);
      for (const c of out) expect(typeof c.host).toBe('string');
    }
    await expectAlive();
  });

  it('backup annotations of the wrong type or absurd values: read as legacy / a positive finite count', async () => {
    const b = (annotations: unknown) => ({ metadata: { name: 'b', annotations } }) as never;
    expect(() => memberType(b({ 'replicated.com/backup-type': 42 }))).not.toThrow();
    for (const v of ['-1', 'NaN', '1e308', '99999999999', 'two', '']) {
      const n = expectedCount(b({ 'replicated.com/backup-count': v }));
      expect(Number.isFinite(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(1); // any positive integer is taken, as KOTS's GetInstanceBackupCount does
    }
    await expectAlive();
  });
});
