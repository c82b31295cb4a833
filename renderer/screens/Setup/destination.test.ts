import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../../electron/api/contract.js';
import { build, initial } from './destination.js';

describe('destination form', () => {
  it('starts an empty form as S3-compatible, with the defaults filled', () => {
    expect(initial({} as SetupWizard)).toEqual({ provider: 's3-compatible', f: { region: 'us-east-1', auth: 'access-key', cloudName: 'AzurePublicCloud' } });
  });

  it('fills the form from the destination last checked, keeping a deliberate "not from here"', () => {
    const w = { destination: { provider: 'aws', auth: 'instance-role', bucket: 'b', region: 'r', checkFromHere: false } } as unknown as SetupWizard;
    const { provider, f } = initial(w);
    expect(provider).toBe('aws');
    expect(f).toMatchObject({ auth: 'instance-role', bucket: 'b', region: 'r', checkFromHere: 'false', cloudName: 'AzurePublicCloud' });
  });

  it('builds each provider from trimmed fields, leaving empty optional ones out', () => {
    expect(build('s3-compatible', { bucket: ' b ', region: 'r', endpoint: 'https://s3:9000', prefix: ' ', caCertPem: '' })).toEqual({
      provider: 's3-compatible',
      bucket: 'b',
      region: 'r',
      endpoint: 'https://s3:9000',
      prefix: undefined,
      caCertPem: undefined,
    });
    expect(build('aws', { bucket: 'b', region: 'r' })).toEqual({ provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r', prefix: undefined });
    expect(build('nfs', { server: 'nfs.local', path: '/exports' })).toEqual({ provider: 'nfs', server: 'nfs.local', path: '/exports' });
    expect(build('hostpath', { path: ' /var/b ' })).toEqual({ provider: 'hostpath', path: '/var/b' });
  });

  it('sends the GCP service account only with workload identity, and "not from here" only when chosen', () => {
    expect(build('gcp', { auth: 'service-account', bucket: 'b', serviceAccount: 'sa@x' })).toMatchObject({
      auth: 'service-account',
      serviceAccount: undefined,
    });
    expect(build('gcp', { auth: 'workload-identity', bucket: 'b', serviceAccount: 'sa@x', checkFromHere: 'false' })).toMatchObject({
      auth: 'workload-identity',
      serviceAccount: 'sa@x',
      checkFromHere: false,
    });
    expect(build('gcp', { bucket: 'b', checkFromHere: 'true' })).not.toHaveProperty('checkFromHere');
  });

  it('defaults the Azure cloud to AzurePublicCloud', () => {
    expect(build('azure', { container: 'c' })).toMatchObject({ provider: 'azure', container: 'c', cloudName: 'AzurePublicCloud' });
  });
});
