import { describe, expect, it } from 'vitest';
import { BackupSizes, explainStoreError, parseAwsCredentials, storeAccess } from './sizes.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupStorageLocation } from './types.js';

const bsl = (spec: BackupStorageLocation['spec']): BackupStorageLocation => ({ metadata: { name: 'default', namespace: 'velero' }, spec });

describe('backup sizes: reading the store', () => {
  it('reads the profile from an AWS credentials file', () => {
    const file = '[default]\naws_access_key_id = AK\naws_secret_access_key=SK\n\n[other]\naws_access_key_id=X\naws_secret_access_key=Y\naws_session_token=T\n';
    expect(parseAwsCredentials(file)).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SK' });
    expect(parseAwsCredentials(file, 'other')).toEqual({ accessKeyId: 'X', secretAccessKey: 'Y', sessionToken: 'T' });
    expect(parseAwsCredentials('[default]\naws_access_key_id=AK\n')).toBeUndefined();
  });

  it('uses the location config and its credential Secret (or cloud-credentials)', async () => {
    const seen: string[] = [];
    const got = await storeAccess(
      bsl({
        provider: 'aws',
        objectStorage: { bucket: 'b', prefix: '/lab/', caCert: Buffer.from('PEM').toString('base64') } as never,
        config: { region: 'eu-1', s3Url: 'https://minio:9000', s3ForcePathStyle: 'true' },
      }),
      async (ns, name) => {
        seen.push(`${ns}/${name}`);
        return { cloud: '[default]\naws_access_key_id=AK\naws_secret_access_key=SK\n' };
      },
    );
    expect(seen).toEqual(['velero/cloud-credentials']);
    expect('access' in got && got.access).toMatchObject({
      bucket: 'b',
      prefix: 'lab/',
      endpoint: 'https://minio:9000',
      region: 'eu-1',
      forcePathStyle: true,
      caPem: 'PEM',
      credentials: { accessKeyId: 'AK' },
    });
  });

  it('says why when it cannot: other providers, no credentials', async () => {
    const gcp = await storeAccess(bsl({ provider: 'velero.io/gcp', objectStorage: { bucket: 'b' } }), async () => ({}));
    expect('reason' in gcp && gcp.reason).toMatch(/velero\.io\/gcp.*only from S3/);
    const none = await storeAccess(bsl({ provider: 'aws', objectStorage: { bucket: 'b' } }), async () => undefined);
    expect('reason' in none && none.reason).toMatch(/cloud-credentials has no key "cloud"/);
  });

  it('reads only cloud-credentials/cloud: a location naming another Secret or key is refused without reading it', async () => {
    const seen: string[] = [];
    const read = async (ns: string, name: string) => {
      seen.push(`${ns}/${name}`);
      return { cloud: '[default]\naws_access_key_id=AK\naws_secret_access_key=SK\n', k: '[default]\naws_access_key_id=AK\naws_secret_access_key=SK\n' };
    };
    const other = await storeAccess(bsl({ provider: 'aws', objectStorage: { bucket: 'b' }, credential: { name: 'kotsadm-authstring', key: 'cloud' } }), read);
    expect('reason' in other && other.reason).toMatch(
      /names credential Secret velero\/kotsadm-authstring.*only with the Secret KOTS and Velero install \(cloud-credentials/,
    );
    const key = await storeAccess(bsl({ provider: 'aws', objectStorage: { bucket: 'b' }, credential: { name: 'cloud-credentials', key: 'k' } }), read);
    expect('reason' in key && key.reason).toMatch(/key "k"/);
    expect(seen).toEqual([]);
    const ok = await storeAccess(bsl({ provider: 'aws', objectStorage: { bucket: 'b' }, credential: { name: 'cloud-credentials', key: 'cloud' } }), read);
    expect('access' in ok).toBe(true);
  });

  it('explains listing errors in words', () => {
    const a = {
      location: 'default',
      bucket: 'b',
      prefix: '',
      endpoint: 'http://minio.minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      insecureSkipTLSVerify: false,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    };
    expect(explainStoreError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), a)).toMatch(/does not resolve from this computer/);
    expect(explainStoreError(Object.assign(new Error('x'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), a)).toMatch(
      /refused the storage location's credentials/,
    );
    expect(explainStoreError(Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), a)).toMatch(/not trusted/);
  });
});

describe('backup sizes: what the list shows', () => {
  const backup = (phase: string) => ({ metadata: { name: 'b1', namespace: 'velero', uid: 'u1' }, spec: { storageLocation: 'default' }, status: { phase } });
  it('says why there is no size, and reads again after the location spec changes (not its status)', async () => {
    const changes: Array<string[] | 'all'> = [];
    let loc: BackupStorageLocation = {
      metadata: { name: 'default', namespace: 'velero', resourceVersion: '1' },
      spec: { provider: 'velero.io/gcp', objectStorage: { bucket: 'b' } },
    };
    const sizes = new BackupSizes({
      dataDir: mkdtempSync(join(tmpdir(), 'lb-sizes-')),
      location: () => loc,
      readSecret: async () => ({}),
      backups: () => [backup('Completed') as never],
      onChange: (n) => changes.push(n),
      delayMs: 1,
    });
    expect(sizes.info(backup('InProgress') as never).note).toMatch(/once the backup has finished/);
    expect(sizes.info(backup('FailedValidation') as never).note).toMatch(/refused this backup/);
    expect(sizes.info(backup('Completed') as never).note).toMatch(/Reading the size/);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toEqual(['all']);
    expect(sizes.info(backup('Completed') as never)).toEqual({ note: expect.stringMatching(/velero\.io\/gcp.*only from S3/) });
    (loc.metadata as { generation?: number }).generation = 1;
    sizes.locationChanged(loc);
    sizes.locationChanged({ ...loc, metadata: { ...loc.metadata, resourceVersion: '2' } }); // status only: same generation
    expect(changes).toEqual(['all']);
    loc = { ...loc, metadata: { ...loc.metadata, generation: 2 } as never };
    sizes.locationChanged(loc);
    expect(changes).toEqual(['all', 'all']);
    expect(sizes.info(backup('Completed') as never).note).toMatch(/Reading the size/);
    sizes.stop();
  });
});
