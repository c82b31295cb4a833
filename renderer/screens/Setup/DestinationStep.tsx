import { Accordion, Alert, Button, Card, Checkbox, Group, PasswordInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import type { SetupDestination, SetupSecrets, SetupWizard } from '../../../electron/api/contract.js';
import { CheckList } from '../../components/CheckList.js';

type Provider = SetupDestination['provider'];
const PROVIDERS: Array<{ value: Provider; label: string }> = [
  { value: 's3-compatible', label: 'S3-compatible (MinIO, Ceph, …)' },
  { value: 'aws', label: 'Amazon S3' },
  { value: 'gcp', label: 'Google Cloud Storage' },
  { value: 'azure', label: 'Azure Blob Storage' },
  { value: 'nfs', label: 'NFS' },
  { value: 'hostpath', label: 'Host path' },
];

type Fields = Record<string, string>;

function initial(w: SetupWizard): { provider: Provider; f: Fields } {
  const d = w.destination;
  if (!d) return { provider: 's3-compatible', f: { region: 'us-east-1', auth: 'access-key', cloudName: 'AzurePublicCloud' } };
  const f: Fields = { auth: 'access-key', cloudName: 'AzurePublicCloud' };
  for (const [k, v] of Object.entries(d)) if (typeof v === 'string') f[k] = v;
  if ('checkFromHere' in d && d.checkFromHere === false) f.checkFromHere = 'false';
  return { provider: d.provider, f };
}

/** The operator's deliberate "this computer cannot reach the storage" (kept only when chosen). */
const notFromHere = (f: Fields): { checkFromHere?: false } => (f.checkFromHere === 'false' ? { checkFromHere: false } : {});

function build(provider: Provider, f: Fields): SetupDestination {
  const t = (k: string) => (f[k] ?? '').trim();
  const opt = (k: string) => t(k) || undefined;
  switch (provider) {
    case 'aws':
      return { provider, auth: (f.auth as 'access-key' | 'instance-role') ?? 'access-key', bucket: t('bucket'), region: t('region'), prefix: opt('prefix'), ...notFromHere(f) };
    case 's3-compatible':
      return { provider, bucket: t('bucket'), region: t('region'), endpoint: t('endpoint'), prefix: opt('prefix'), caCertPem: opt('caCertPem') };
    case 'gcp':
      return { provider, auth: f.auth === 'workload-identity' ? 'workload-identity' : 'service-account', bucket: t('bucket'), prefix: opt('prefix'), serviceAccount: f.auth === 'workload-identity' ? opt('serviceAccount') : undefined, endpoint: opt('endpoint'), ...notFromHere(f) };
    case 'azure':
      return { provider, container: t('container'), resourceGroup: t('resourceGroup'), storageAccount: t('storageAccount'), subscriptionId: t('subscriptionId'), tenantId: t('tenantId'), clientId: t('clientId'), cloudName: t('cloudName') || 'AzurePublicCloud', prefix: opt('prefix'), endpoint: opt('endpoint'), ...notFromHere(f) };
    case 'nfs':
      return { provider, server: t('server'), path: t('path') };
    case 'hostpath':
      return { provider, path: t('path') };
  }
}

export function DestinationStep({ w, busy, onValidate, onForget }: { w: SetupWizard; busy: boolean; onValidate(d: SetupDestination, s: SetupSecrets, remember: boolean): void; onForget(): void }) {
  const init = initial(w);
  const [provider, setProvider] = useState<Provider>(init.provider);
  const [f, setF] = useState<Fields>(init.f);
  const [secrets, setSecrets] = useState<SetupSecrets>({});
  const [remember, setRemember] = useState(false);
  // Held secrets belong to the destination last checked: another provider's form starts empty.
  const heldHere = w.credentials.held && w.destination?.provider === provider;
  const field = (k: string, label: string, props: Record<string, unknown> = {}) => (
    <TextInput label={label} value={f[k] ?? ''} onChange={(e) => setF({ ...f, [k]: e.currentTarget.value })} data-testid={`setup-dest-${k}`} {...props} />
  );
  const secret = (k: keyof SetupSecrets, label: string) => (
    <PasswordInput
      label={label}
      value={secrets[k] ?? ''}
      onChange={(e) => setSecrets({ ...secrets, [k]: e.currentTarget.value })}
      placeholder={heldHere ? 'Held by Lifeboat — leave empty to keep' : undefined}
      data-testid={`setup-secret-${k}`}
      autoComplete="off"
    />
  );
  const submit = () => {
    const s = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v)) as SetupSecrets;
    onValidate(build(provider, f), s, remember);
    setSecrets({});
  };
  // A result for another provider than the one on screen is not shown (switching clears it from view).
  const v = w.destination?.provider === provider ? w.validation : undefined;
  return (
    <Stack>
      <Card>
        <Title order={2} size="h4" mb="xs">Where should backups go?</Title>
        <Text size="sm" c="dimmed" mb="md">
          Lifeboat checks the destination before anything in the cluster changes. The check runs from this computer; the cluster&apos;s network may differ, and KOTS checks again from inside the cluster.
        </Text>
        <Stack>
          <Select label="Storage" data={PROVIDERS} value={provider} onChange={(p) => p && setProvider(p)} allowDeselect={false} data-testid="setup-dest-provider" />
          {provider === 's3-compatible' && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {field('endpoint', 'Endpoint URL', { placeholder: 'https://s3.internal:9000', withAsterisk: true })}
              {field('bucket', 'Bucket', { withAsterisk: true })}
              {field('region', 'Region', { description: 'MinIO accepts any, e.g. us-east-1 or minio' })}
              {field('prefix', 'Prefix (optional)', { description: 'A folder inside the bucket' })}
              {secret('accessKeyId', 'Access key ID')}
              {secret('secretAccessKey', 'Secret access key')}
              <Textarea label="CA certificate (optional, PEM)" value={f.caCertPem ?? ''} onChange={(e) => setF({ ...f, caCertPem: e.currentTarget.value })} autosize minRows={2} maxRows={6} data-testid="setup-dest-caCertPem" description="For an endpoint whose certificate a private CA signed" />
            </SimpleGrid>
          )}
          {provider === 'aws' && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Select label="Authentication" data={[{ value: 'access-key', label: 'Access key' }, { value: 'instance-role', label: 'Instance role (nodes)' }]} value={f.auth ?? 'access-key'} onChange={(a) => a && setF({ ...f, auth: a })} allowDeselect={false} />
              {field('bucket', 'Bucket', { withAsterisk: true })}
              {field('region', 'Region', { withAsterisk: true })}
              {field('prefix', 'Prefix (optional)')}
              {f.auth !== 'instance-role' && secret('accessKeyId', 'Access key ID')}
              {f.auth !== 'instance-role' && secret('secretAccessKey', 'Secret access key')}
            </SimpleGrid>
          )}
          {provider === 'gcp' && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Select label="Authentication" data={[{ value: 'service-account', label: 'Service-account JSON key' }, { value: 'workload-identity', label: 'Workload identity' }]} value={f.auth === 'workload-identity' ? 'workload-identity' : 'service-account'} onChange={(a) => a && setF({ ...f, auth: a })} allowDeselect={false} />
              {field('bucket', 'Bucket', { withAsterisk: true })}
              {field('prefix', 'Prefix (optional)')}
              {f.auth === 'workload-identity' ? field('serviceAccount', 'Service account e-mail') : (
                <PasswordInput label="Service-account JSON key" value={secrets.serviceAccountJson ?? ''} onChange={(e) => setSecrets({ ...secrets, serviceAccountJson: e.currentTarget.value })} description="Paste the key file's content" placeholder={heldHere ? 'Held by Lifeboat — leave empty to keep' : undefined} data-testid="setup-secret-serviceAccountJson" autoComplete="off" />
              )}
            </SimpleGrid>
          )}
          {provider === 'gcp' && f.auth === 'workload-identity' && (
            <Alert color="red" variant="light" title="Workload identity cannot be set up with the kots CLI" data-testid="setup-dest-wi-notice">
              KOTS&apos;s configure-gcp workload-identity does not turn workload identity on: with no JSON key stored before it fails with &quot;missing JSON file&quot;, and with one it keeps using that key. Use a service-account JSON key here, or set workload identity up in the admin console (Snapshots → Settings), then come back to verify.
            </Alert>
          )}
          {provider === 'azure' && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {field('storageAccount', 'Storage account', { withAsterisk: true })}
              {field('container', 'Container', { withAsterisk: true })}
              {field('resourceGroup', 'Resource group', { withAsterisk: true })}
              {field('subscriptionId', 'Subscription ID', { withAsterisk: true })}
              {field('tenantId', 'Tenant ID (service principal)', { withAsterisk: true })}
              {field('clientId', 'Client ID (service principal)', { withAsterisk: true })}
              {secret('clientSecret', 'Client secret (service principal)')}
              <Select label="Cloud" data={['AzurePublicCloud', 'AzureUSGovernmentCloud', 'AzureChinaCloud', 'AzureGermanCloud']} value={f.cloudName ?? 'AzurePublicCloud'} onChange={(c) => c && setF({ ...f, cloudName: c })} allowDeselect={false} />
              {field('prefix', 'Prefix (optional)')}
            </SimpleGrid>
          )}
          {((provider === 'aws' && f.auth !== 'instance-role') || (provider === 'gcp' && f.auth !== 'workload-identity') || provider === 'azure') && (
            <Checkbox
              label="Check the storage from this computer"
              description="Lifeboat and KOTS both check the credentials from here. Clear this when this computer cannot reach the storage (the cluster can): then only the cluster checks it, and Velero must report the location Available after Apply."
              checked={f.checkFromHere !== 'false'}
              onChange={(e) => setF({ ...f, checkFromHere: e.currentTarget.checked ? 'true' : 'false' })}
              data-testid="setup-dest-checkFromHere"
            />
          )}
          {(provider === 'gcp' || provider === 'azure') && (
            <Accordion variant="contained" chevronPosition="left">
              <Accordion.Item value="advanced">
                <Accordion.Control data-testid="setup-dest-advanced">Advanced</Accordion.Control>
                <Accordion.Panel>
                  {field('endpoint', 'Custom API endpoint (optional)', {
                    placeholder: provider === 'gcp' ? 'https://storage-mypsc.p.googleapis.com' : 'https://myaccount.privatelink.blob.core.windows.net',
                    description: `For a private endpoint or an emulator; the check from this computer uses it. KOTS's configure-${provider} has no endpoint flag, so the cluster reaches the ${provider === 'gcp' ? 'Google' : 'Azure'} endpoint its own DNS resolves.`,
                  })}
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          )}
          {provider === 'nfs' && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {field('server', 'NFS server')}
              {field('path', 'Exported path', { placeholder: '/exports/velero' })}
            </SimpleGrid>
          )}
          {provider === 'hostpath' && field('path', 'Directory on every node', { placeholder: '/var/backups/velero' })}
          {(provider === 'nfs' || provider === 'hostpath') && (
            <Alert color="yellow" variant="light" title="Only through KOTS's MinIO">
              From Velero 1.17, KOTS stores NFS and host-path backups through its own MinIO (kotsadm-fs-minio); local-volume-provider is refused.
            </Alert>
          )}
          <Checkbox
            label="Remember these credentials on this computer"
            description={w.credentials.rememberNote}
            checked={remember && w.credentials.rememberAvailable}
            disabled={!w.credentials.rememberAvailable}
            onChange={(e) => setRemember(e.currentTarget.checked)}
            data-testid="setup-remember"
          />
          <Group>
            <Button leftSection={<IconPlugConnected size={16} />} onClick={submit} loading={busy} data-testid="setup-validate">
              Check destination
            </Button>
            {w.credentials.held && (
              <Button variant="subtle" color="gray" onClick={onForget} data-testid="setup-forget">
                Forget credentials
              </Button>
            )}
            <Text size="xs" c="dimmed">
              {w.credentials.held ? 'Credentials are held by Lifeboat (main process only); they are never shown again.' : 'Credentials are sent once and kept only in Lifeboat\'s main process.'}
            </Text>
          </Group>
        </Stack>
      </Card>
      {v && (
        <Card data-testid="setup-validation" data-ok={String(v.ok)}>
          <Title order={3} size="h5" mb="xs">{v.ok ? 'The destination works' : 'The destination did not pass'}</Title>
          <Text size="sm" c="dimmed" mb="sm">{v.note}</Text>
          <CheckList checks={v.checks} testId="setup-validation-checks" />
        </Card>
      )}
    </Stack>
  );
}
