/** The destination form's fields and what they become (pure; unit-tested). */
import type { SetupDestination, SetupWizard } from '../../../electron/api/contract.js';

export type Provider = SetupDestination['provider'];
export const PROVIDERS: Array<{ value: Provider; label: string }> = [
  { value: 's3-compatible', label: 'S3-compatible (MinIO, Ceph, …)' },
  { value: 'aws', label: 'Amazon S3' },
  { value: 'gcp', label: 'Google Cloud Storage' },
  { value: 'azure', label: 'Azure Blob Storage' },
  { value: 'nfs', label: 'NFS' },
  { value: 'hostpath', label: 'Host path' },
];

export type Fields = Record<string, string>;

export function initial(w: SetupWizard): { provider: Provider; f: Fields } {
  const d = w.destination;
  if (!d) return { provider: 's3-compatible', f: { region: 'us-east-1', auth: 'access-key', cloudName: 'AzurePublicCloud' } };
  const f: Fields = { auth: 'access-key', cloudName: 'AzurePublicCloud' };
  for (const [k, v] of Object.entries(d)) if (typeof v === 'string') f[k] = v;
  if ('checkFromHere' in d && d.checkFromHere === false) f.checkFromHere = 'false';
  return { provider: d.provider, f };
}

/** The operator's deliberate "this computer cannot reach the storage" (kept only when chosen). */
const notFromHere = (f: Fields): { checkFromHere?: false } => (f.checkFromHere === 'false' ? { checkFromHere: false } : {});

export function build(provider: Provider, f: Fields): SetupDestination {
  const t = (k: string) => (f[k] ?? '').trim();
  const opt = (k: string) => t(k) || undefined;
  switch (provider) {
    case 'aws':
      return {
        provider,
        auth: (f.auth as 'access-key' | 'instance-role') ?? 'access-key',
        bucket: t('bucket'),
        region: t('region'),
        prefix: opt('prefix'),
        ...notFromHere(f),
      };
    case 's3-compatible':
      return { provider, bucket: t('bucket'), region: t('region'), endpoint: t('endpoint'), prefix: opt('prefix'), caCertPem: opt('caCertPem') };
    case 'gcp':
      return {
        provider,
        auth: f.auth === 'workload-identity' ? 'workload-identity' : 'service-account',
        bucket: t('bucket'),
        prefix: opt('prefix'),
        serviceAccount: f.auth === 'workload-identity' ? opt('serviceAccount') : undefined,
        endpoint: opt('endpoint'),
        ...notFromHere(f),
      };
    case 'azure':
      return {
        provider,
        container: t('container'),
        resourceGroup: t('resourceGroup'),
        storageAccount: t('storageAccount'),
        subscriptionId: t('subscriptionId'),
        tenantId: t('tenantId'),
        clientId: t('clientId'),
        cloudName: t('cloudName') || 'AzurePublicCloud',
        prefix: opt('prefix'),
        endpoint: opt('endpoint'),
        ...notFromHere(f),
      };
    case 'nfs':
      return { provider, server: t('server'), path: t('path') };
    case 'hostpath':
      return { provider, path: t('path') };
  }
}
