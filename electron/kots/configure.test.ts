import { describe, expect, it } from 'vitest';
import { configureArgs, ensurePermissionsArgs, parseConfigureOutput } from './configure.js';

describe('kubectl kots velero configure builders', () => {
  it('configure-other-s3 with registry flags; every secret is listed for redaction', () => {
    const b = configureArgs({
      destination: { provider: 's3-compatible', bucket: 'velero', region: 'minio', endpoint: 'http://minio:9000', prefix: 'lab', caCertPem: 'PEM' },
      secrets: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
      kotsNamespace: 'kotsadm',
      registry: { registry: 'reg:5000/lifeboat', username: 'u', password: 'PW' },
      caCertFile: '/tmp/ca.pem',
    });
    expect(b.args).toEqual([
      'velero', 'configure-other-s3', '--bucket', 'velero', '--region', 'minio', '--endpoint', 'http://minio:9000', '--path', 'lab',
      '--access-key-id', 'AKID', '--secret-access-key', 'SECRET', '--cacert', '/tmp/ca.pem',
      '--kotsadm-registry', 'reg:5000/lifeboat', '--registry-username', 'u', '--registry-password', 'PW', '-n', 'kotsadm',
    ]);
    expect(b.secrets).toEqual(['AKID', 'SECRET', 'PW']);
    expect(b.effects.join(' ')).toMatch(/registry-credentials/);
  });

  it('AWS, GCP and Azure take no registry flags; missing secrets are refused', () => {
    const aws = configureArgs({ destination: { provider: 'aws', auth: 'instance-role', bucket: 'b', region: 'us-east-1' }, secrets: {}, kotsNamespace: 'k', registry: { registry: 'r/ns' } });
    expect(aws.args).toEqual(['velero', 'configure-aws-s3', 'instance-role', '--bucket', 'b', '--region', 'us-east-1', '-n', 'k']);
    expect(() => configureArgs({ destination: { provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r' }, secrets: { accessKeyId: 'a' }, kotsNamespace: 'k' })).toThrow(/secret access key/);
    const gcp = configureArgs({ destination: { provider: 'gcp', auth: 'service-account', bucket: 'b' }, secrets: { serviceAccountJson: '{"k":1}' }, kotsNamespace: 'k', jsonKeyFile: '/tmp/k.json' });
    expect(gcp.args).toContain('--json-file');
    expect(gcp.secrets).toEqual(['{"k":1}']);
    const az = configureArgs({ destination: { provider: 'azure', container: 'c', resourceGroup: 'g', storageAccount: 's', subscriptionId: 'sub', tenantId: 't', clientId: 'id', cloudName: 'AzurePublicCloud' }, secrets: { clientSecret: 'CS' }, kotsNamespace: 'k' });
    expect(az.args.slice(0, 3)).toEqual(['velero', 'configure-azure', 'service-principle']);
    expect(az.secrets).toEqual(['CS']);
  });

  it('NFS and host path go through KOTS MinIO', () => {
    expect(configureArgs({ destination: { provider: 'nfs', server: 'nfs.local', path: '/exports/velero' }, secrets: {}, kotsNamespace: 'k' }).args).toEqual(['velero', 'configure-nfs', '--nfs-server', 'nfs.local', '--nfs-path', '/exports/velero', '--force-reset', '-n', 'k']);
    expect(configureArgs({ destination: { provider: 'hostpath', path: '/backups' }, secrets: {}, kotsNamespace: 'k' }).args[1]).toBe('configure-hostpath');
  });

  it('ensure-permissions and output parsing', () => {
    expect(ensurePermissionsArgs('kotsadm', 'velero').args).toEqual(['velero', 'ensure-permissions', '--velero-namespace', 'velero', '-n', 'kotsadm']);
    expect(parseConfigureOutput('  • Configuring...\n\nStore Configured Successfully')).toMatchObject({ configured: true, printedInstructions: false });
    expect(parseConfigureOutput('Velero is not installed. Run:\n  velero install --no-default-backup-location')).toMatchObject({ configured: false, printedInstructions: true });
    expect(parseConfigureOutput('', 'Error: failed to configure store: bucket does not exist').error).toMatch(/bucket does not exist/);
  });
});
