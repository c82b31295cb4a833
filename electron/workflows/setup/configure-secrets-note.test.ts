import { describe, expect, it } from 'vitest';
import { configureArgs } from '../../kots/configure.js';
import { configureSecretsNote } from './service.js';

describe("review: where the configure command's secrets travel", () => {
  it('S3-compatible: the access keys are named as on the command line (required flags), the registry password as an environment variable', () => {
    const note = configureSecretsNote(
      configureArgs({
        destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'http://m:9000' },
        secrets: { accessKeyId: 'AKID', secretAccessKey: 'SECRETKEY' },
        kotsNamespace: 'k',
        registry: { registry: 'reg:5000', username: 'u', password: 'PW12' },
      }),
    );
    expect(note).toContain("--access-key-id and --secret-access-key must be on kubectl kots's command line");
    expect(note).toMatch(/process list \(ps, \/proc\/<pid>\/cmdline\)/);
    expect(note).toContain('KOTS_REGISTRY_PASSWORD goes to kubectl kots as an environment variable');
    expect(note).not.toMatch(/AKID|SECRETKEY|PW12/);
  });

  it('Azure names the client secret; GCP, NFS and host path put no secret on the command line', () => {
    expect(
      configureSecretsNote(
        configureArgs({
          destination: {
            provider: 'azure',
            container: 'c',
            resourceGroup: 'g',
            storageAccount: 's',
            subscriptionId: 'sub',
            tenantId: 't',
            clientId: 'id',
            cloudName: 'AzurePublicCloud',
          },
          secrets: { clientSecret: 'CS12' },
          kotsNamespace: 'k',
        }),
      ),
    ).toContain('--client-secret must be on');
    expect(
      configureSecretsNote(
        configureArgs({
          destination: { provider: 'gcp', auth: 'service-account', bucket: 'b' },
          secrets: { serviceAccountJson: '{}' },
          kotsNamespace: 'k',
          jsonKeyFile: '/d/key.json',
        }),
      ),
    ).toContain("No secret is on kubectl kots's command line.");
    expect(
      configureSecretsNote(
        configureArgs({
          destination: { provider: 'hostpath', path: '/b' },
          secrets: {},
          kotsNamespace: 'k',
          registry: { registry: 'reg:5000', username: 'u', password: 'PW12' },
        }),
      ),
    ).toMatch(/No secret is on kubectl kots's command line\. KOTS_REGISTRY_PASSWORD goes/);
  });
});
