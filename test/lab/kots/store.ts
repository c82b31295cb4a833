/**
 * Pure builders for `kubectl kots velero configure-*` (docs/kots-contract.md#configuring-the-backup-store): the store a command
 * describes, the BackupStorageLocation `default`, the `cloud-credentials` Secret content, the
 * `registry-credentials` pull secret, the pod-spec patch for velero/node-agent, redaction and the
 * install instructions printed when Velero is absent. Nothing here talks to a cluster.
 */

export const CLOUD_CREDENTIALS_SECRET = 'cloud-credentials';
export const REGISTRY_PULL_SECRET = 'registry-credentials';
export const DEFAULT_BSL = 'default';
export const REDACTED = '--- REDACTED ---';

export const VELERO_AWS_PLUGIN = 'velero/velero-plugin-for-aws:v1.6.1';
export const VELERO_GCP_PLUGIN = 'velero/velero-plugin-for-gcp:v1.6.1';
export const VELERO_AZURE_PLUGIN = 'velero/velero-plugin-for-microsoft-azure:v1.6.1';
export const LVP_IMAGE = 'docker.io/replicated/local-volume-provider:0.6.15';

export const ERR_LVP_UNSUPPORTED_117 =
  'filesystem (NFS/Host Path) snapshots via the local-volume-provider plugin are not supported on Velero 1.17+; use an object-store backend or a Velero version < 1.17';

export const AZURE_CLOUDS = ['AzurePublicCloud', 'AzureUSGovernmentCloud', 'AzureChinaCloud', 'AzureGermanCloud'];

export interface StoreAWS {
  region: string;
  accessKeyID: string;
  secretAccessKey: string;
  useInstanceRole: boolean;
}
export interface StoreOther {
  region: string;
  accessKeyID: string;
  secretAccessKey: string;
  endpoint: string;
}
export interface StoreGoogle {
  jsonFile: string;
  serviceAccount: string;
  useInstanceRole: boolean;
}
export interface StoreAzure {
  resourceGroup: string;
  storageAccount: string;
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  cloudName: string;
}

export interface Store {
  provider: string;
  bucket: string;
  path: string;
  caCertData?: string;
  aws?: StoreAWS;
  other?: StoreOther;
  google?: StoreGoogle;
  azure?: StoreAzure;
}

/** What happens to Secret cloud-credentials (key `cloud`). */
export type CredentialsAction = { action: 'set'; data: string } | { action: 'delete' };

export interface BslPlan {
  provider: string;
  config: Record<string, string>;
  bucket: string;
  prefix: string;
  caCert?: string;
  credentials: CredentialsAction;
}

/** go-ini's output for the `[default]` section KOTS writes (aligned `key = value`). */
export function awsCredentialsIni(accessKeyID: string, secretAccessKey: string): string {
  return `[default]\naws_access_key_id     = ${accessKeyID}\naws_secret_access_key = ${secretAccessKey}\n`;
}

export function azureCredentials(a: StoreAzure): string {
  return (
    `AZURE_SUBSCRIPTION_ID=${a.subscriptionId}\n` +
    `AZURE_TENANT_ID=${a.tenantId}\n` +
    `AZURE_CLIENT_ID=${a.clientId}\n` +
    `AZURE_CLIENT_SECRET=${a.clientSecret}\n` +
    `AZURE_RESOURCE_GROUP=${a.resourceGroup}\n` +
    `AZURE_CLOUD_NAME=${a.cloudName}\n`
  );
}

/** The S3 endpoint the AWS SDK resolver gives for a region (partition aware). */
export function awsS3Url(region: string): string {
  if (region.startsWith('cn-')) return `https://s3.${region}.amazonaws.com.cn`;
  if (region.startsWith('us-iso-')) return `https://s3.${region}.c2s.ic.gov`;
  if (region.startsWith('us-isob-')) return `https://s3.${region}.sc2s.sgov.gov`;
  return `https://s3.${region}.amazonaws.com`;
}

/** upsertGlobalStore: provider table of §1.2 step 3. */
export function planBsl(store: Store): BslPlan {
  const base = { provider: store.provider, bucket: store.bucket, prefix: store.path, caCert: store.caCertData || undefined };
  if (store.aws) {
    const creds = store.aws.useInstanceRole ? awsCredentialsIni('', '') : awsCredentialsIni(store.aws.accessKeyID, store.aws.secretAccessKey);
    return { ...base, config: { region: store.aws.region, s3Url: awsS3Url(store.aws.region) }, credentials: { action: 'set', data: creds } };
  }
  if (store.other) {
    return {
      ...base,
      config: { region: store.other.region, s3Url: store.other.endpoint, s3ForcePathStyle: 'true' },
      credentials: { action: 'set', data: awsCredentialsIni(store.other.accessKeyID, store.other.secretAccessKey) },
    };
  }
  if (store.google) {
    if (store.google.useInstanceRole) {
      return { ...base, config: { serviceAccount: store.google.serviceAccount }, credentials: { action: 'delete' } };
    }
    return { ...base, config: {}, credentials: { action: 'set', data: store.google.jsonFile } };
  }
  if (store.azure) {
    return {
      ...base,
      config: { resourceGroup: store.azure.resourceGroup, storageAccount: store.azure.storageAccount, subscriptionId: store.azure.subscriptionId },
      credentials: { action: 'set', data: azureCredentials(store.azure) },
    };
  }
  throw new Error('malformed input - could not determine provider');
}

export interface BackupStorageLocation {
  apiVersion: 'velero.io/v1';
  kind: 'BackupStorageLocation';
  metadata: { name: string; namespace: string; [k: string]: unknown };
  spec: {
    provider: string;
    default?: boolean;
    config?: Record<string, string>;
    objectStorage?: { bucket: string; prefix?: string; caCert?: string; [k: string]: unknown };
    [k: string]: unknown;
  };
  status?: unknown;
}

/** Applies a plan onto an existing BSL (or a new `default` one): config is reset on every switch. */
export function applyBslPlan(existing: BackupStorageLocation | undefined, veleroNamespace: string, plan: BslPlan): BackupStorageLocation {
  const bsl: BackupStorageLocation = existing
    ? structuredClone(existing)
    : {
        apiVersion: 'velero.io/v1',
        kind: 'BackupStorageLocation',
        metadata: { name: DEFAULT_BSL, namespace: veleroNamespace },
        spec: { provider: plan.provider, default: true },
      };
  bsl.apiVersion = 'velero.io/v1';
  bsl.kind = 'BackupStorageLocation';
  bsl.spec.provider = plan.provider;
  bsl.spec.config = { ...plan.config };
  const os = { ...(bsl.spec.objectStorage ?? { bucket: '' }) };
  os.bucket = plan.bucket;
  if (plan.prefix) os.prefix = plan.prefix;
  else delete os.prefix;
  if (plan.caCert) os.caCert = plan.caCert;
  else delete os.caCert;
  bsl.spec.objectStorage = os;
  return bsl;
}

/** ~/.docker/config.json content for Secret registry-credentials; the key is the registry host. */
export function dockerConfigJson(registry: string, username: string, password: string): string {
  const host = registry.split('/')[0];
  return JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } });
}

/** getRegistryConfig: with no --kotsadm-namespace, the part after the first `/` of the registry. */
export function registryNamespace(registry: string, explicitNamespace: string): string {
  if (explicitNamespace) return explicitNamespace;
  const i = registry.indexOf('/');
  return i >= 0 ? registry.slice(i + 1) : '';
}

export const CREDENTIALS_ENV = ['GOOGLE_APPLICATION_CREDENTIALS', 'AWS_SHARED_CREDENTIALS_FILE', 'AZURE_CREDENTIALS_FILE', 'ALIBABA_CLOUD_CREDENTIALS_FILE'];

interface Named {
  name: string;
  [k: string]: unknown;
}
export interface PodSpecLike {
  volumes?: Named[];
  containers: Array<{ name: string; env?: Named[]; volumeMounts?: Named[]; [k: string]: unknown }>;
  imagePullSecrets?: Array<{ name?: string }>;
  [k: string]: unknown;
}

/** Merge by name, keeping what is already there (k8sutil.Merge* with allowOverride=false). */
function mergeByName<T extends { name?: string }>(desired: T[], existing: T[] | undefined): T[] {
  const out = [...(existing ?? [])];
  for (const d of desired) if (!out.some((e) => e.name === d.name)) out.push(d);
  return out;
}

/** ensureSecretsReferences for one pod template: returns a patched copy. */
export function patchPodSpecForSecrets(spec: PodSpecLike, opts: { cloudCredentials: boolean; pullSecret: boolean }): PodSpecLike {
  const s = structuredClone(spec);
  if (opts.cloudCredentials) {
    s.volumes = mergeByName([{ name: CLOUD_CREDENTIALS_SECRET, secret: { secretName: CLOUD_CREDENTIALS_SECRET } }], s.volumes);
    const c = s.containers[0];
    c.volumeMounts = mergeByName([{ name: CLOUD_CREDENTIALS_SECRET, mountPath: '/credentials' }], c.volumeMounts);
    c.env = mergeByName(
      CREDENTIALS_ENV.map((name) => ({ name, value: '/credentials/cloud' })),
      c.env,
    );
  }
  if (opts.pullSecret) s.imagePullSecrets = mergeByName([{ name: REGISTRY_PULL_SECRET }], s.imagePullSecrets);
  return s;
}

/** Plugin detection: substring match on the init container names of the velero Deployment(s). */
export function containsPlugin(initContainerNames: string[], plugin: string): boolean {
  return initContainerNames.some((n) => n.includes(plugin));
}

function parseVersion(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** VeleroSupportsLVP: unknown versions count as supported; ≥ 1.17 is not. */
export function veleroSupportsLVP(version: string): boolean {
  const p = parseVersion(version);
  if (!p) return true;
  return p[0] < 1 || (p[0] === 1 && p[1] < 17);
}

/** VeleroFSBackupFlags. */
export function veleroFSBackupFlags(version: string): string[] {
  const p = parseVersion(version);
  if (!p) return ['--use-node-agent'];
  if (p[0] === 1 && p[1] < 10) return ['--use-restic'];
  if (p[0] === 1 && p[1] < 17) return ['--use-node-agent', '--uploader-type=restic'];
  return ['--use-node-agent'];
}

/** Redact: secrets in a store as returned to callers. */
export function redactStore(store: Store): Store {
  const s = structuredClone(store);
  if (s.aws?.secretAccessKey) s.aws.secretAccessKey = REDACTED;
  if (s.other?.secretAccessKey) s.other.secretAccessKey = REDACTED;
  if (s.google?.jsonFile) s.google.jsonFile = REDACTED;
  if (s.azure?.clientSecret) s.azure.clientSecret = REDACTED;
  return s;
}

export interface RegistryConfig {
  /** kotsadm-registry host[/namespace]; empty for an online install. */
  overrideRegistry: string;
  overrideNamespace: string;
  username: string;
  password: string;
}

/** KotsadmRegistry: host plus namespace when one is set. */
export function kotsadmRegistry(rc: RegistryConfig): string {
  if (!rc.overrideRegistry) return '';
  const host = rc.overrideRegistry.split('/')[0];
  const ns = rc.overrideNamespace || registryNamespace(rc.overrideRegistry, '');
  return ns ? `${host}/${ns}` : host;
}

/** print.VeleroInstallationInstructionsForCLI, without colours (the output is not a terminal in tests). */
export function installInstructions(plugin: string, rc: RegistryConfig, configureCommand: string): string {
  const fs = veleroFSBackupFlags('').join(' ');
  const bullet = (s: string) => `  • ${s}\n`;
  const info = (s: string) => `    ${s}\n\n`;
  let out = bullet('No Velero installation has been detected.') + bullet('Follow these instructions to set up Velero:\n');
  out += info('[1] Install the latest Velero CLI: https://velero.io/docs/v1.17/basic-install/#install-the-cli');
  const nodeAgentDoc =
    "[3] If you're using RancherOS, OpenShift, Microsoft Azure, or VMware Tanzu Kubernetes Grid Integrated Edition (formerly VMware Enterprise PKS), please refer to the following Velero doc to complete node agent configuration: https://velero.io/docs/v1.17/file-system-backup/#configure-node-agent-daemonset-spec";
  if (!rc.overrideRegistry) {
    const cmd = `velero install \\\n\t\t--no-default-backup-location \\\n\t\t--no-secret \\\n\t\t${fs} \\\n\t\t--use-volume-snapshots=false \\\n\t\t--plugins ${plugin}`;
    out += info(`[2] Install Velero: \n\n${cmd}`);
  } else {
    const registry = kotsadmRegistry(rc);
    const pluginName = plugin.split('/')[1].split(':')[0];
    const pluginTag = plugin.slice(plugin.lastIndexOf(':') + 1);
    const cmd = `velero install \\\n\t--no-default-backup-location \\\n\t--no-secret \\\n\t${fs} \\\n\t--use-volume-snapshots=false \\\n\t--image ${registry}/velero:<velero-version> \\\n\t--plugins ${registry}/${pluginName}:${pluginTag}`;
    out += info('[2] Install Velero');
    out += info(`\t* Prepare velero images (you will need ${plugin} for plugins): https://velero.io/docs/v1.17/on-premises/#air-gapped-deployments`);
    out += info(`\t* Install velero (replace <velero-version> with actual version): \n\n${cmd}`);
    out += info(
      '\t* Configure the restore helper to use the prepared image: https://velero.io/docs/v1.17/file-system-backup/#customize-restore-helper-container',
    );
  }
  out += info(nodeAgentDoc);
  out += info(`[4] Configure the backup storage location: \n\n${configureCommand}`);
  out += '\n';
  return out;
}

/** validateNamespace (cmd/kots/cli/namespace.go) for -n and --velero-namespace. */
export function namespaceError(ns: string, flagLabel: 'namespace' | 'velero-namespace'): string | undefined {
  if (!ns) return `${flagLabel} is required`;
  if (ns.includes('_'))
    return flagLabel === 'namespace' ? 'a namespace should not contain the _ character' : 'velero-namespace should not contain the _ character';
  if (ns.length > 63) return 'must be no more than 63 characters';
  if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(ns))
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  return undefined;
}
