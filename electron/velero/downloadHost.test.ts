import { describe, expect, it } from 'vitest';
import { assertDownloadHost, hostRule, locationOf, type StoreLocation } from './downloadHost.js';

const bsl = (provider: string, config: Record<string, string> = {}, bucket = 'velero', name = 'default'): StoreLocation => ({
  metadata: { name },
  spec: { provider, objectStorage: { bucket }, config },
});
const ok = (url: string, b: StoreLocation) => expect(() => assertDownloadHost(url, b, 'the backup log of b1'), url).not.toThrow();
const refused = (url: string, b: StoreLocation) => {
  let err: any;
  try {
    assertDownloadHost(url, b, 'the backup log of b1');
  } catch (e) {
    err = e;
  }
  expect(err?.code, url).toBe('STORAGE_INVALID');
  return err;
};

describe("presigned URL hosts: only the storage location's own store", () => {
  it('s3Url: that host and port (a local MinIO on 127.0.0.1), or the bucket as a sub-domain', () => {
    const b = bsl('aws', { region: 'minio', s3ForcePathStyle: 'true', s3Url: 'http://127.0.0.1:39000' });
    ok('http://127.0.0.1:39000/velero/backups/b1/b1-logs.gz?X-Amz-Signature=x', b);
    ok('https://velero.minio.corp:9000/backups/b1/b1-logs.gz', bsl('aws', { s3Url: 'https://minio.corp:9000' }));
    refused('http://127.0.0.1:39001/velero/backups/b1/b1-logs.gz', b);
    refused('http://169.254.169.254/latest/meta-data/', b);
    refused('file:///etc/passwd', b);
  });

  it("publicUrl wins over s3Url (the AWS plugin signs with it): KOTS's MinIO on its ClusterIP", () => {
    // kots pkg/snapshot/store.go at v1.131.4: s3Url is the Service name, publicUrl its ClusterIP.
    const b = bsl('aws', {
      region: 'us-east-1',
      s3ForcePathStyle: 'true',
      s3Url: 'http://kotsadm-fs-minio.kotsadm:9000',
      publicUrl: 'http://10.96.44.12:9000',
    });
    ok('http://10.96.44.12:9000/velero/backups/b1/b1-logs.gz?X-Amz-Signature=x', b);
    refused('http://kotsadm-fs-minio.kotsadm:9000/velero/backups/b1/b1-logs.gz', b);
    refused('http://10.96.44.13:9000/velero/backups/b1/b1-logs.gz', b);
  });

  it('AWS without an endpoint: amazonaws.com (and .com.cn) over https only', () => {
    const b = bsl('velero.io/aws', { region: 'eu-west-1' }, 'my-backups');
    ok('https://my-backups.s3.eu-west-1.amazonaws.com/backups/b1/b1-logs.gz?X-Amz-Signature=x', b);
    ok('https://s3.amazonaws.com/my-backups/backups/b1/b1-logs.gz', b);
    ok('https://my-backups.s3.cn-north-1.amazonaws.com.cn/backups/b1/b1-logs.gz', b);
    refused('http://s3.amazonaws.com/my-backups/b1', b);
    refused('https://amazonaws.com.evil.example/b1', b);
    refused('https://evilamazonaws.com/b1', b);
  });

  it('GCS: storage.googleapis.com only (the plugin has no endpoint key)', () => {
    ok('https://storage.googleapis.com/bkt/backups/b1/b1-logs.gz?X-Goog-Signature=x', bsl('gcp', {}, 'bkt'));
    ok('https://bkt.storage.googleapis.com/backups/b1/b1-logs.gz', bsl('gcp', {}, 'bkt'));
    refused('https://other.storage.googleapis.com/backups/b1/b1-logs.gz', bsl('gcp', {}, 'bkt'));
    refused('https://storage-mypsc.p.googleapis.com/bkt/b1', bsl('gcp', { storeEndpoint: 'https://storage-mypsc.p.googleapis.com' }, 'bkt'));
  });

  it("Azure: the storage account's blob endpoint in any Azure cloud, or storageAccountURI", () => {
    const b = bsl('azure', { storageAccount: 'VeleroAcct', resourceGroup: 'rg' }, 'container');
    ok('https://veleroacct.blob.core.windows.net/container/backups/b1/b1-logs.gz?sig=x', b);
    ok('https://veleroacct.blob.core.chinacloudapi.cn/container/b1', b);
    refused('https://otheracct.blob.core.windows.net/container/b1', b);
    ok('https://blobs.internal:10000/container/b1', bsl('azure', { storageAccount: 'a', storageAccountURI: 'https://blobs.internal:10000' }));
  });

  it('the refusal names the host and the location; unknown providers are refused', () => {
    const err = refused('https://attacker.example:8443/x', bsl('aws', { s3Url: 'https://minio.corp:9000' }, 'velero', 'offsite'));
    expect(err.message).toMatch(
      /refused to download the backup log of b1: Velero gave an address on https:\/\/attacker\.example:8443, which is not the object store of storage location "offsite" \(it accepts only minio\.corp:9000 \(the location's s3Url\)\)/,
    );
    expect(err.hint).toMatch(/storage location "offsite"/);
    expect(err.details).toEqual({ host: 'attacker.example:8443', location: 'offsite' });
    expect(refused('http://10.0.0.1/x', bsl('replicated.com/hostpath')).message).toMatch(
      /does not know which hosts the "replicated.com\/hostpath" provider signs/,
    );
    expect(hostRule(bsl('aws', { s3Url: 'minio:9000' }))).toEqual({ problem: 'its s3Url "minio:9000" is not an http(s) URL' });
  });

  it("finds the location as Velero does: given, else the backup's, for restores the restore's backup's", async () => {
    const objects: Record<string, unknown> = {
      'restores/r1': { spec: { backupName: 'b1' } },
      'backups/b1': { spec: { storageLocation: 'offsite' } },
      'backupstoragelocations/offsite': bsl('aws', {}, 'x', 'offsite'),
      'backupstoragelocations/default': bsl('aws', {}, 'x', 'default'),
    };
    const get = async (plural: string, name: string) => objects[`${plural}/${name}`];
    expect((await locationOf(get, 'RestoreResults', 'r1')).metadata.name).toBe('offsite');
    expect((await locationOf(get, 'BackupResourceList', 'b1')).metadata.name).toBe('offsite');
    expect((await locationOf(get, 'BackupLog', 'b1', 'default')).metadata.name).toBe('default');
    await expect(locationOf(get, 'BackupLog', 'b1', 'gone')).rejects.toMatchObject({
      code: 'STORAGE_INVALID',
      message: expect.stringContaining('storage location "gone" does not exist'),
    });
    await expect(locationOf(get, 'RestoreLog', 'nope')).rejects.toMatchObject({ code: 'STORAGE_INVALID' });
  });
});
