import { ClientSecretCredential } from '@azure/identity';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { AZURE_CLOUDS, azureCredential, azureServiceUrl, explainAzureError, validateAzure } from './azure.js';

const d = {
  provider: 'azure' as const,
  container: 'velero',
  resourceGroup: 'rg',
  storageAccount: 'lifeboatsa',
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  tenantId: '00000000-0000-0000-0000-000000000002',
  clientId: '00000000-0000-0000-0000-000000000003',
  cloudName: 'AzurePublicCloud',
};

describe('Azure Blob destination check', () => {
  it('service URL per cloud, or the custom endpoint as entered', () => {
    expect(azureServiceUrl(d)).toBe('https://lifeboatsa.blob.core.windows.net');
    expect(azureServiceUrl({ ...d, cloudName: 'AzureUSGovernmentCloud' })).toBe('https://lifeboatsa.blob.core.usgovcloudapi.net');
    expect(azureServiceUrl({ ...d, cloudName: 'AzureChinaCloud' })).toBe('https://lifeboatsa.blob.core.chinacloudapi.cn');
    expect(azureServiceUrl({ ...d, endpoint: 'http://127.0.0.1:10000/devstoreaccount1/' })).toBe('http://127.0.0.1:10000/devstoreaccount1');
  });

  // Service-principal auth cannot be exercised against Azurite (no Entra ID there): the
  // construction is checked here, the error mapping below.
  it("service principal: ClientSecretCredential for the tenant, with the cloud's authority host", () => {
    const c = azureCredential(d, { clientSecret: 's3cret-value' });
    expect(c.kind).toBe('service-principal');
    expect(c.credential).toBeInstanceOf(ClientSecretCredential);
    expect((c.credential as unknown as { tenantId: string }).tenantId).toBe(d.tenantId);
    expect(AZURE_CLOUDS.AzurePublicCloud!.authorityHost).toBe('https://login.microsoftonline.com');
    expect(AZURE_CLOUDS.AzureUSGovernmentCloud!.authorityHost).toBe('https://login.microsoftonline.us');
    expect(AZURE_CLOUDS.AzureChinaCloud!.authorityHost).toBe('https://login.chinacloudapi.cn');
    const k = azureCredential(d, { storageAccountKey: Buffer.from('k').toString('base64') });
    expect(k.kind).toBe('shared-key');
    expect(k.credential).toBeInstanceOf(StorageSharedKeyCredential);
  });

  it('maps Entra ID, storage and network errors to what to do, quoting no secret', () => {
    const aad = Object.assign(new Error('ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided.'), {
      name: 'AuthenticationError',
      errorResponse: { error: 'invalid_client', errorDescription: 'AADSTS7000215' },
    });
    expect(explainAzureError(aad, d, 'Container exists').reason).toMatch(/Entra ID refused the service principal \(invalid_client\)/);
    expect(explainAzureError({ name: 'RestError', code: 'ContainerNotFound', statusCode: 404 }, d, 'Container exists').reason).toBe(
      'Container "velero" does not exist in storage account "lifeboatsa".',
    );
    expect(explainAzureError({ name: 'RestError', code: 'AuthenticationFailed', statusCode: 403 }, d, 'Container exists').reason).toMatch(
      /refused the credentials \(HTTP 403, AuthenticationFailed\)/,
    );
    expect(explainAzureError({ name: 'RestError', code: 'AuthorizationPermissionMismatch', statusCode: 403 }, d, 'Write').fix).toMatch(
      /Storage Blob Data Contributor/,
    );
    expect(
      explainAzureError({ name: 'RestError', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND lifeboatsa.blob.core.windows.net' }, d, 'Container exists')
        .reason,
    ).toMatch(/Could not reach https:\/\/lifeboatsa.blob.core.windows.net \(ENOTFOUND\)/);
    expect(
      explainAzureError(
        { name: 'RestError', code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' },
        d,
        'Container exists',
      ).reason,
    ).toMatch(/does not trust/);
    expect(
      explainAzureError(
        { name: 'AuthenticationRequiredError', message: 'network_error: See https://aka.ms/msal.js.errors#network_error for details' },
        { ...d, cloudName: 'AzureChinaCloud' },
        'Container exists',
      ).reason,
    ).toBe('Could not reach Entra ID at https://login.chinacloudapi.cn to get a token for the service principal (network error).');
    expect(
      explainAzureError(
        new Error('Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.'),
        { ...d, endpoint: 'http://127.0.0.1:1/x' },
        'Container exists',
      ).fix,
    ).toMatch(/https:\/\//);
    expect(explainAzureError({ name: 'AbortError', message: 'The operation was aborted.' }, d, 'Container exists', 12_000).reason).toMatch(/within 12 s/);
  });

  it('endpoint down: real socket, nothing listening on port 9, answered in seconds', async () => {
    const t = Date.now();
    const c = await validateAzure(
      { ...d, endpoint: 'http://127.0.0.1:9/lifeboatsa' },
      { storageAccountKey: Buffer.from('key').toString('base64') },
      { timeoutMs: 3000 },
    );
    expect(c).toHaveLength(1);
    expect(c[0]!.reason).toMatch(/Could not reach http:\/\/127\.0\.0\.1:9\/lifeboatsa \(ECONNREFUSED\)/);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
