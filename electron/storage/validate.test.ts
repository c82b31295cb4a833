import { describe, expect, it } from 'vitest';
import { explainS3Error, validateDestination, validateForm } from './validate.js';

const s3 = { provider: 's3-compatible' as const, bucket: 'velero', region: 'minio', endpoint: 'http://127.0.0.1:9', prefix: 'lab' };
const keys = { accessKeyId: 'a', secretAccessKey: 'b' };

describe('storage destination validation', () => {
  it('form: malformed inputs are errors that say what to fix', () => {
    const c = validateForm({ ...s3, bucket: 'Bad_Bucket', endpoint: 'not a url', prefix: '/abs' }, {});
    const titles = c.filter((x) => !x.ok).map((x) => x.title);
    expect(titles).toEqual(expect.arrayContaining(['Bucket', 'Endpoint', 'Access key ID', 'Secret access key', 'Prefix']));
    expect(validateForm({ ...s3, caCertPem: 'hello' }, keys).find((x) => x.title === 'CA certificate')?.ok).toBe(false);
    expect(validateForm(s3, keys).find((x) => x.title === 'Endpoint uses plain HTTP')?.severity).toBe('warning');
  });

  it('form: NFS/host path and the Velero ≥ 1.17 MinIO rule', () => {
    expect(validateForm({ provider: 'nfs', server: 'nfs.local', path: 'rel' }, {}).some((c) => !c.ok)).toBe(true);
    const hp = validateForm({ provider: 'hostpath', path: '/var/backups' }, {}, { veleroVersion: 'v1.18.3' });
    expect(hp.find((c) => c.severity === 'warning')?.reason).toMatch(/local-volume-provider/);
  });

  it('GCS workload identity: refused with the reason and what works instead (kots pkg/snapshot/store.go at v1.131.4)', async () => {
    const r = await validateDestination(
      { provider: 'gcp', auth: 'workload-identity', bucket: 'my-bucket', serviceAccount: 'velero@p.iam.gserviceaccount.com' },
      {},
    );
    expect(r).toMatchObject({ ok: false, online: false });
    const c = r.checks.find((x) => !x.ok)!;
    expect(c.title).toBe('Workload identity');
    expect(c.reason).toMatch(/missing JSON file/);
    expect(c.fix).toMatch(/admin console|JSON key/);
  });

  it('an instance role is never checked from here, and says KOTS is told to skip its own check from here too', async () => {
    const r = await validateDestination({ provider: 'aws', auth: 'instance-role', bucket: 'velero-backups', region: 'us-east-1' }, {});
    expect(r).toMatchObject({ ok: true, online: false });
    expect(r.checks.at(-1)!.reason).toMatch(/EC2 metadata/);
    expect(r.checks.at(-1)!.fix).toMatch(/Available/);
  });

  it('checks from this computer turned off: nothing is contacted, and it says so', async () => {
    const r = await validateDestination(
      { provider: 'aws', auth: 'access-key', bucket: 'velero-backups', region: 'us-east-1', checkFromHere: false },
      { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'x'.repeat(40) },
      { s3: { endpoint: 'http://127.0.0.1:1' } as never },
    );
    expect(r).toMatchObject({ ok: true, online: false });
    expect(r.checks.at(-1)).toMatchObject({ title: 'Not checked from this computer', severity: 'warning' });
  });

  it('GCS/Azure form: key shape, GUIDs, custom endpoint; nothing contacted when the form fails', async () => {
    const bad = await validateDestination(
      { provider: 'gcp', auth: 'service-account', bucket: 'my-bucket', endpoint: 'ftp://x' },
      { serviceAccountJson: '{"type":"authorized_user"}' },
    );
    expect(bad).toMatchObject({ ok: false, online: false });
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.title)).toEqual(expect.arrayContaining(['Service-account key', 'Custom API endpoint']));
    const az = validateForm(
      {
        provider: 'azure',
        container: 'Velero_',
        resourceGroup: 'rg',
        storageAccount: 'sa1',
        subscriptionId: 'x',
        tenantId: 'y',
        clientId: 'z',
        cloudName: 'AzurePublicCloud',
        endpoint: 'http://127.0.0.1:10000/sa1',
      },
      {},
    );
    expect(az.filter((c) => !c.ok).map((c) => c.title)).toEqual(
      expect.arrayContaining(['Container', 'Subscription ID', 'Tenant ID', 'Client ID', 'Client secret']),
    );
    expect(az.find((c) => c.title === 'Custom endpoint uses plain HTTP')?.severity).toBe('warning');
  });

  it('endpoint down: a clear unreachable message (real socket, nothing listening on port 9)', async () => {
    const r = await validateDestination(s3, keys, { s3: { timeoutMs: 3000 } });
    expect(r.ok).toBe(false);
    expect(r.online).toBe(true);
    expect(r.checks.at(-1)!.reason).toMatch(/Could not reach http:\/\/127\.0\.0\.1:9/);
  });

  it('maps S3 error codes', () => {
    expect(explainS3Error({ name: 'SignatureDoesNotMatch' }, s3, 'Bucket exists').reason).toMatch(/secret access key is wrong/);
    expect(explainS3Error({ name: 'NotFound', $metadata: { httpStatusCode: 404 } }, s3, 'Bucket exists').reason).toMatch(/does not exist/);
    expect(
      explainS3Error({ name: 'Error', code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, s3, 'Bucket exists').fix,
    ).toMatch(/CA certificate/);
  });
});
