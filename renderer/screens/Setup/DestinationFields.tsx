/** The destination form's fields, one group per storage provider. */
import { Accordion, Alert, Checkbox, PasswordInput, Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { SetupSecrets, SetupWizard } from '../../../electron/api/contract.js';
import { initial, type Fields, type Provider } from './destination.js';

/** The form's state, and its text and secret inputs (each with its test id). */
export function useDestinationForm(w: SetupWizard) {
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
  return { provider, setProvider, f, setF, secrets, setSecrets, remember, setRemember, heldHere, field, secret };
}

export type DestinationForm = ReturnType<typeof useDestinationForm>;

function S3CompatibleFields({ form: { f, setF, field, secret } }: { form: DestinationForm }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {field('endpoint', 'Endpoint URL', { placeholder: 'https://s3.internal:9000', withAsterisk: true })}
      {field('bucket', 'Bucket', { withAsterisk: true })}
      {field('region', 'Region', { description: 'MinIO accepts any, e.g. us-east-1 or minio' })}
      {field('prefix', 'Prefix (optional)', { description: 'A folder inside the bucket' })}
      {secret('accessKeyId', 'Access key ID')}
      {secret('secretAccessKey', 'Secret access key')}
      <Textarea
        label="CA certificate (optional, PEM)"
        value={f.caCertPem ?? ''}
        onChange={(e) => setF({ ...f, caCertPem: e.currentTarget.value })}
        autosize
        minRows={2}
        maxRows={6}
        data-testid="setup-dest-caCertPem"
        description="For an endpoint whose certificate a private CA signed"
      />
    </SimpleGrid>
  );
}

function AwsFields({ form: { f, setF, field, secret } }: { form: DestinationForm }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Select
        label="Authentication"
        data={[
          { value: 'access-key', label: 'Access key' },
          { value: 'instance-role', label: 'Instance role (nodes)' },
        ]}
        value={f.auth ?? 'access-key'}
        onChange={(a) => a && setF({ ...f, auth: a })}
        allowDeselect={false}
      />
      {field('bucket', 'Bucket', { withAsterisk: true })}
      {field('region', 'Region', { withAsterisk: true })}
      {field('prefix', 'Prefix (optional)')}
      {f.auth !== 'instance-role' && secret('accessKeyId', 'Access key ID')}
      {f.auth !== 'instance-role' && secret('secretAccessKey', 'Secret access key')}
    </SimpleGrid>
  );
}

function GcpFields({ form: { f, setF, field, secrets, setSecrets, heldHere } }: { form: DestinationForm }) {
  return (
    <>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Select
          label="Authentication"
          data={[
            { value: 'service-account', label: 'Service-account JSON key' },
            { value: 'workload-identity', label: 'Workload identity' },
          ]}
          value={f.auth === 'workload-identity' ? 'workload-identity' : 'service-account'}
          onChange={(a) => a && setF({ ...f, auth: a })}
          allowDeselect={false}
        />
        {field('bucket', 'Bucket', { withAsterisk: true })}
        {field('prefix', 'Prefix (optional)')}
        {f.auth === 'workload-identity' ? (
          field('serviceAccount', 'Service account e-mail')
        ) : (
          <PasswordInput
            label="Service-account JSON key"
            value={secrets.serviceAccountJson ?? ''}
            onChange={(e) => setSecrets({ ...secrets, serviceAccountJson: e.currentTarget.value })}
            description="Paste the key file's content"
            placeholder={heldHere ? 'Held by Lifeboat — leave empty to keep' : undefined}
            data-testid="setup-secret-serviceAccountJson"
            autoComplete="off"
          />
        )}
      </SimpleGrid>
      {f.auth === 'workload-identity' && (
        <Alert color="red" variant="light" title="Workload identity cannot be set up with the kots CLI" data-testid="setup-dest-wi-notice">
          KOTS&apos;s configure-gcp workload-identity does not turn workload identity on: with no JSON key stored before it fails with &quot;missing JSON
          file&quot;, and with one it keeps using that key. Use a service-account JSON key here, or set workload identity up in the admin console (Snapshots →
          Settings), then come back to verify.
        </Alert>
      )}
    </>
  );
}

function AzureFields({ form: { f, setF, field, secret } }: { form: DestinationForm }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {field('storageAccount', 'Storage account', { withAsterisk: true })}
      {field('container', 'Container', { withAsterisk: true })}
      {field('resourceGroup', 'Resource group', { withAsterisk: true })}
      {field('subscriptionId', 'Subscription ID', { withAsterisk: true })}
      {field('tenantId', 'Tenant ID (service principal)', { withAsterisk: true })}
      {field('clientId', 'Client ID (service principal)', { withAsterisk: true })}
      {secret('clientSecret', 'Client secret (service principal)')}
      <Select
        label="Cloud"
        data={['AzurePublicCloud', 'AzureUSGovernmentCloud', 'AzureChinaCloud', 'AzureGermanCloud']}
        value={f.cloudName ?? 'AzurePublicCloud'}
        onChange={(c) => c && setF({ ...f, cloudName: c })}
        allowDeselect={false}
      />
      {field('prefix', 'Prefix (optional)')}
    </SimpleGrid>
  );
}

function CheckFromHere({ form: { provider, f, setF } }: { form: DestinationForm }) {
  if (!((provider === 'aws' && f.auth !== 'instance-role') || (provider === 'gcp' && f.auth !== 'workload-identity') || provider === 'azure')) return null;
  return (
    <Checkbox
      label="Check the storage from this computer"
      description="Lifeboat and KOTS both check the credentials from here. Clear this when this computer cannot reach the storage (the cluster can): then only the cluster checks it, and Velero must report the location Available after Apply."
      checked={f.checkFromHere !== 'false'}
      onChange={(e) => setF({ ...f, checkFromHere: e.currentTarget.checked ? 'true' : 'false' })}
      data-testid="setup-dest-checkFromHere"
    />
  );
}

function AdvancedEndpoint({ form: { provider, field } }: { form: DestinationForm }) {
  return (
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
  );
}

function FileSystemFields({ form: { provider, field } }: { form: DestinationForm }) {
  return (
    <>
      {provider === 'nfs' && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {field('server', 'NFS server')}
          {field('path', 'Exported path', { placeholder: '/exports/velero' })}
        </SimpleGrid>
      )}
      {provider === 'hostpath' && field('path', 'Directory on every node', { placeholder: '/var/backups/velero' })}
      <Alert color="yellow" variant="light" title="Only through KOTS's MinIO">
        From Velero 1.17, KOTS stores NFS and host-path backups through its own MinIO (kotsadm-fs-minio); local-volume-provider is refused.
      </Alert>
    </>
  );
}

/** The fields of the provider chosen, in the order the form has always shown them. */
export function ProviderFields({ form }: { form: DestinationForm }) {
  const { provider } = form;
  return (
    <>
      {provider === 's3-compatible' && <S3CompatibleFields form={form} />}
      {provider === 'aws' && <AwsFields form={form} />}
      {provider === 'gcp' && <GcpFields form={form} />}
      {provider === 'azure' && <AzureFields form={form} />}
      <CheckFromHere form={form} />
      {(provider === 'gcp' || provider === 'azure') && <AdvancedEndpoint form={form} />}
      {(provider === 'nfs' || provider === 'hostpath') && <FileSystemFields form={form} />}
    </>
  );
}
