import { describe, expect, it } from 'vitest';
import {
  applyBslPlan,
  awsCredentialsIni,
  azureCredentials,
  containsPlugin,
  dockerConfigJson,
  installInstructions,
  patchPodSpecForSecrets,
  planBsl,
  redactStore,
  veleroFSBackupFlags,
  veleroSupportsLVP,
  REDACTED,
  type Store,
} from './store.js';

const other: Store = {
  provider: 'aws',
  bucket: 'velero',
  path: 'lab',
  other: { region: 'us-east-1', accessKeyID: 'AK', secretAccessKey: 'SK', endpoint: 'http://127.0.0.1:9000' },
};

describe('BSL plans per provider', () => {
  it('other S3: s3Url, s3ForcePathStyle, INI credentials', () => {
    const p = planBsl(other);
    expect(p.provider).toBe('aws');
    expect(p.config).toEqual({ region: 'us-east-1', s3Url: 'http://127.0.0.1:9000', s3ForcePathStyle: 'true' });
    expect(p.credentials).toEqual({ action: 'set', data: awsCredentialsIni('AK', 'SK') });
    expect(awsCredentialsIni('AK', 'SK')).toMatch(/^\[default\]\naws_access_key_id\s*=\s*AK\naws_secret_access_key\s*=\s*SK\n$/);
  });
  it('AWS: resolved region endpoint; instance role writes empty keys', () => {
    const p = planBsl({ provider: 'aws', bucket: 'b', path: '', aws: { region: 'eu-west-1', accessKeyID: '', secretAccessKey: '', useInstanceRole: true } });
    expect(p.config).toEqual({ region: 'eu-west-1', s3Url: 'https://s3.eu-west-1.amazonaws.com' });
    expect(p.credentials).toEqual({ action: 'set', data: awsCredentialsIni('', '') });
  });
  it('GCP: JSON key sets the secret; service account deletes it', () => {
    expect(planBsl({ provider: 'gcp', bucket: 'b', path: '', google: { jsonFile: '{"k":1}', serviceAccount: '', useInstanceRole: false } })).toMatchObject({
      config: {},
      credentials: { action: 'set', data: '{"k":1}' },
    });
    expect(planBsl({ provider: 'gcp', bucket: 'b', path: '', google: { jsonFile: '', serviceAccount: 'sa@x', useInstanceRole: true } })).toMatchObject({
      config: { serviceAccount: 'sa@x' },
      credentials: { action: 'delete' },
    });
  });
  it('Azure: config keys and credential lines', () => {
    const az = {
      resourceGroup: 'rg',
      storageAccount: 'sa',
      subscriptionId: 'sub',
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      cloudName: 'AzurePublicCloud',
    };
    const p = planBsl({ provider: 'azure', bucket: 'ctr', path: '', azure: az });
    expect(p.config).toEqual({ resourceGroup: 'rg', storageAccount: 'sa', subscriptionId: 'sub' });
    expect(azureCredentials(az)).toBe(
      'AZURE_SUBSCRIPTION_ID=sub\nAZURE_TENANT_ID=t\nAZURE_CLIENT_ID=c\nAZURE_CLIENT_SECRET=s\nAZURE_RESOURCE_GROUP=rg\nAZURE_CLOUD_NAME=AzurePublicCloud\n',
    );
  });
  it('applyBslPlan creates `default` and resets config on a provider switch', () => {
    const created = applyBslPlan(undefined, 'velero', planBsl(other));
    expect(created.metadata).toEqual({ name: 'default', namespace: 'velero' });
    expect(created.spec).toMatchObject({ provider: 'aws', default: true, objectStorage: { bucket: 'velero', prefix: 'lab' } });
    const existing = { ...created, spec: { ...created.spec, config: { region: 'x', s3Url: 'y', s3ForcePathStyle: 'true', extra: '1' } } };
    const switched = applyBslPlan(
      existing,
      'velero',
      planBsl({ provider: 'gcp', bucket: 'g', path: '', google: { jsonFile: '{}', serviceAccount: '', useInstanceRole: false } }),
    );
    expect(switched.spec.config).toEqual({});
    expect(switched.spec.provider).toBe('gcp');
    expect(switched.spec.objectStorage).toEqual({ bucket: 'g' });
  });
});

describe('secrets and pod patches', () => {
  it('dockerconfigjson keyed by registry host', () => {
    const j = JSON.parse(dockerConfigJson('reg.local:5000/ns', 'u', 'p'));
    expect(Object.keys(j.auths)).toEqual(['reg.local:5000']);
    expect(Buffer.from(j.auths['reg.local:5000'].auth, 'base64').toString()).toBe('u:p');
  });
  it('patches velero/node-agent pod specs once (idempotent)', () => {
    const spec = { containers: [{ name: 'velero', env: [{ name: 'VELERO_NAMESPACE', value: 'velero' }] }], volumes: [{ name: 'plugins', emptyDir: {} }] };
    const once = patchPodSpecForSecrets(spec, { cloudCredentials: true, pullSecret: true });
    const twice = patchPodSpecForSecrets(once, { cloudCredentials: true, pullSecret: true });
    expect(twice).toEqual(once);
    expect(once.volumes!.map((v) => v.name)).toEqual(['plugins', 'cloud-credentials']);
    expect(once.containers[0].volumeMounts).toEqual([{ name: 'cloud-credentials', mountPath: '/credentials' }]);
    expect(once.containers[0].env!.map((e) => e.name)).toEqual([
      'VELERO_NAMESPACE',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AZURE_CREDENTIALS_FILE',
      'ALIBABA_CLOUD_CREDENTIALS_FILE',
    ]);
    expect(once.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(spec.volumes).toHaveLength(1); // input untouched
  });
});

describe('detection helpers', () => {
  it('plugin check is a substring match on init container names', () => {
    expect(containsPlugin(['velero-velero-plugin-for-aws'], 'velero-plugin-for-aws')).toBe(true);
    expect(containsPlugin(['velero-velero-plugin-for-aws'], 'plugin-for-aws')).toBe(true);
    expect(containsPlugin(['velero-velero-plugin-for-gcp'], 'velero-plugin-for-aws')).toBe(false);
  });
  it('LVP support and FS backup flags by version', () => {
    expect(veleroSupportsLVP('v1.16.2')).toBe(true);
    expect(veleroSupportsLVP('v1.17.0-rc.1')).toBe(false);
    expect(veleroSupportsLVP('1.18.3')).toBe(false);
    expect(veleroSupportsLVP('')).toBe(true);
    expect(veleroFSBackupFlags('v1.9.0')).toEqual(['--use-restic']);
    expect(veleroFSBackupFlags('v1.12.0')).toEqual(['--use-node-agent', '--uploader-type=restic']);
    expect(veleroFSBackupFlags('v1.18.3')).toEqual(['--use-node-agent']);
  });
  it('install instructions: online and air gap', () => {
    const online = installInstructions(
      'velero/velero-plugin-for-aws:v1.6.1',
      { overrideRegistry: '', overrideNamespace: '', username: '', password: '' },
      'kubectl-kots velero configure-other-s3',
    );
    expect(online).toContain('No Velero installation has been detected.');
    expect(online).toContain('--plugins velero/velero-plugin-for-aws:v1.6.1');
    expect(online).toContain('--use-node-agent');
    const airgap = installInstructions(
      'velero/velero-plugin-for-aws:v1.6.1',
      { overrideRegistry: 'reg.local:5000/kots', overrideNamespace: 'kots', username: 'u', password: 'p' },
      'x',
    );
    expect(airgap).toContain('--image reg.local:5000/kots/velero:<velero-version>');
    expect(airgap).toContain('--plugins reg.local:5000/kots/velero-plugin-for-aws:v1.6.1');
  });
});

describe('redaction', () => {
  it('replaces secrets with --- REDACTED ---', () => {
    const r = redactStore({
      ...other,
      google: { jsonFile: '{}', serviceAccount: '', useInstanceRole: false },
      azure: { resourceGroup: '', storageAccount: '', subscriptionId: '', tenantId: '', clientId: '', clientSecret: 'x', cloudName: '' },
    });
    expect(r.other!.secretAccessKey).toBe(REDACTED);
    expect(r.google!.jsonFile).toBe(REDACTED);
    expect(r.azure!.clientSecret).toBe(REDACTED);
    expect(other.other!.secretAccessKey).toBe('SK');
  });
});
