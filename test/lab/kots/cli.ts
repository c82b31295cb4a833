/**
 * kubectl-kots stand-in for the lab (run through the `kubectl-kots` wrapper beside this file).
 *
 * Implements the subset of `kubectl kots` (KOTS 1.131.4) that Lifeboat drives, with the real flags,
 * texts, exit codes and quirks described in /work/shared/reference/kots-snapshots.md:
 *   version, velero {ensure-permissions, configure-*}, backup [ls], restore [ls], get backups|restores.
 * Where the real CLI port-forwards to the kotsadm pod on port 3000, this one talks to the admin
 * console stand-in whose URL the lab records in lab.json (adminConsole.url); KOTS_ADMIN_CONSOLE_URL
 * overrides it.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { checkRequired, helpText, parseArgs, UsageError, type CommandSpec, type FlagSpec, type FlagValues } from './args.js';
import { deleteLabelled, isNotFound, Kube, kubeErrorMessage, sleep } from './kube.js';
import { backupsTable, CliLogger, jsonIndent, restoresTable } from './print.js';
import {
  buildAdminConsoleRestore,
  isInstanceBackup,
  restorePrecheck,
  type VeleroBackup,
  type VeleroRestore,
} from './snapshot.js';
import {
  applyBslPlan,
  AZURE_CLOUDS,
  CLOUD_CREDENTIALS_SECRET,
  containsPlugin,
  DEFAULT_BSL,
  dockerConfigJson,
  ERR_LVP_UNSUPPORTED_117,
  installInstructions,
  LVP_IMAGE,
  namespaceError,
  patchPodSpecForSecrets,
  planBsl,
  REGISTRY_PULL_SECRET,
  registryNamespace,
  VELERO_AWS_PLUGIN,
  VELERO_AZURE_PLUGIN,
  VELERO_GCP_PLUGIN,
  veleroSupportsLVP,
  type PodSpecLike,
  type RegistryConfig,
  type Store,
} from './store.js';
import { readLabState } from '../state.js';

export const KOTS_VERSION = '1.131.4';

/** An error cobra prints as "Error: <message>" with exit code 1. */
export class CliError extends Error {}

const wrap = (msg: string, e: unknown): CliError => new CliError(`${msg}: ${e instanceof Error ? e.message : String(e)}`);

// ---------------------------------------------------------------------------------------------
// Command tree

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'namespace', short: 'n', type: 'string', default: '', usage: 'If present, the namespace scope for this CLI request' },
  { name: 'kubeconfig', type: 'string', default: '', usage: 'Path to the kubeconfig file to use for CLI requests.' },
  { name: 'context', type: 'string', default: '', usage: 'The name of the kubeconfig context to use' },
];

const OUTPUT: FlagSpec = { name: 'output', short: 'o', type: 'string', default: '', usage: 'output format (currently supported: json)' };
const SKIP_VALIDATION = (what: string, hidden = false): FlagSpec => ({ name: 'skip-validation', type: 'bool', default: false, hidden, usage: `skip the validation of ${what}` });
const PATH: FlagSpec = { name: 'path', type: 'string', default: '', usage: 'path to a subdirectory in the object store bucket' };
const BUCKET: FlagSpec = { name: 'bucket', type: 'string', default: '', required: true, usage: 'name of the object storage bucket where backups should be stored (required)' };
const REGION: FlagSpec = { name: 'region', type: 'string', default: '', required: true, usage: 'the region where the bucket exists (required)' };
const REGISTRY_FLAGS: FlagSpec[] = [
  { name: 'kotsadm-registry', type: 'string', default: '', usage: 'set to override the registry of kotsadm images. used for air gap installations' },
  { name: 'registry-username', type: 'string', default: '', usage: 'user name to use to authenticate with the application registry. used for air gap installations' },
  { name: 'registry-password', type: 'string', default: '', usage: 'password to use to authenticate with the application registry. used for air gap installations' },
  { name: 'kotsadm-namespace', type: 'string', default: '', usage: 'set to override the namespace of kotsadm images. used for air gap installations' },
  { name: 'kotsadm-tag', type: 'string', default: '', hidden: true },
];

export const ROOT: CommandSpec = {
  name: 'kots',
  children: [
    { name: 'version', short: 'Print the current version and exit', runnable: true, flags: [OUTPUT] },
    {
      name: 'velero',
      short: 'KOTS Velero interface',
      children: [
        { name: 'ensure-permissions', short: 'Ensures the necessary permissions that enables the Admin Console to access Velero.', runnable: true, flags: [{ name: 'velero-namespace', type: 'string', default: '', usage: 'namespace in which velero is installed' }] },
        {
          name: 'configure-internal',
          short: 'Configure snapshots to use the default object store provided in embedded clusters as storage',
          runnable: true,
          flags: [SKIP_VALIDATION('the internal store endpoint/bucket'), { name: 'with-minio', type: 'bool', default: true, usage: 'when set, kots will deploy minio for INTERNAL snapshot locations' }],
        },
        {
          name: 'configure-aws-s3',
          short: 'Configure snapshots to use AWS S3 storage',
          children: [
            {
              name: 'access-key',
              short: 'Configure snapshots to use AWS S3 storage using Access Key auth',
              runnable: true,
              flags: [
                BUCKET,
                PATH,
                REGION,
                { name: 'access-key-id', type: 'string', default: '', required: true, usage: 'the aws access key id to use for accessing the bucket (required)' },
                { name: 'secret-access-key', type: 'string', default: '', required: true, usage: 'the aws secret access key to use for accessing the bucket (required)' },
                SKIP_VALIDATION('the aws s3 endpoint/bucket'),
              ],
            },
            { name: 'instance-role', short: 'Configure snapshots to use AWS S3 storage using Instance Role auth', runnable: true, flags: [BUCKET, PATH, REGION, SKIP_VALIDATION('the aws s3 endpoint/bucket')] },
          ],
        },
        {
          name: 'configure-other-s3',
          short: 'Configure snapshots to use an external s3 compatible storage',
          runnable: true,
          flags: [
            BUCKET,
            PATH,
            REGION,
            { name: 'access-key-id', type: 'string', default: '', required: true, usage: 'the access key id to use for accessing the bucket (required)' },
            { name: 'secret-access-key', type: 'string', default: '', required: true, usage: 'the secret access key to use for accessing the bucket (required)' },
            { name: 'endpoint', type: 'string', default: '', required: true, usage: 'the s3 endpoint. (e.g. http://some-other-s3-endpoint, required)' },
            { name: 'cacert', type: 'string', default: '', usage: 'file containing a certificate bundle to use when verifying TLS connections to the object store.' },
            SKIP_VALIDATION('the s3 endpoint/bucket'),
            ...REGISTRY_FLAGS,
          ],
        },
        {
          name: 'configure-gcp',
          short: 'Configure snapshots to use Google Cloud Storage',
          children: [
            { name: 'service-account', short: 'Configure snapshots to use Google Cloud Storage using Service Account auth', runnable: true, flags: [BUCKET, PATH, { name: 'json-file', type: 'string', default: '', required: true, usage: 'path to JSON credntials file for veloro (required)' }, SKIP_VALIDATION('the bucket')] },
            { name: 'workload-identity', short: 'Configure snapshots to use Google Cloud Storage using Workload Identity auth', runnable: true, flags: [BUCKET, PATH, { name: 'service-account', type: 'string', default: '', required: true, usage: 'the service account to use if using Google Cloud instance role (required)' }, SKIP_VALIDATION('the bucket')] },
          ],
        },
        {
          name: 'configure-azure',
          short: 'Configure snapshots to use Azure Blob Storage',
          children: [
            {
              name: 'service-principle',
              short: 'Configure snapshots to use Azure Blob Storage using Service Principle auth',
              runnable: true,
              flags: [
                { name: 'client-id', type: 'string', default: '', required: true, usage: 'the client ID of a Service Principle with access to the blob storage container (required)' },
                { name: 'client-secret', type: 'string', default: '', required: true, usage: 'the client secret of a Service Principle with access to the blob storage container (required)' },
                { name: 'cloud-name', type: 'string', default: 'AzurePublicCloud', usage: `the Azure cloud target. Options: ${AZURE_CLOUDS.join(', ')}` },
                { name: 'container', type: 'string', default: '', required: true, usage: 'name of the Azure blob storage container where backups should be stored (required)' },
                { name: 'path', type: 'string', default: '', usage: 'path to a subdirectory in the blob storage container' },
                { name: 'resource-group', type: 'string', default: '', required: true, usage: 'the resource group name of the blob storage container (required)' },
                SKIP_VALIDATION('the blob storage container'),
                { name: 'storage-account', type: 'string', default: '', required: true, usage: 'the storage account name of the blob storage container (required)' },
                { name: 'subscription-id', type: 'string', default: '', required: true, usage: 'the subscription id associated with the blob storage container (required)' },
                { name: 'tenant-id', type: 'string', default: '', required: true, usage: 'the tenant ID associated with the blob storage container (required)' },
              ],
            },
          ],
        },
        {
          name: 'configure-nfs',
          short: 'Configure snapshots to use NFS as storage destination',
          runnable: true,
          flags: [
            { name: 'nfs-path', type: 'string', default: '', usage: 'the path that is exported by the NFS server' },
            { name: 'nfs-server', type: 'string', default: '', usage: 'the hostname or IP address of the NFS server' },
            { name: 'force-reset', type: 'bool', default: false, usage: 'bypass the reset prompt and force resetting the nfs path' },
            { name: 'with-minio', type: 'bool', default: true, usage: 'when set, kots will deploy minio for NFS snapshot locations' },
            SKIP_VALIDATION('the backup store endpoint/bucket', true),
            ...REGISTRY_FLAGS,
          ],
        },
        {
          name: 'configure-hostpath',
          short: 'Configure snapshots to use a host path as storage destination',
          runnable: true,
          flags: [
            { name: 'hostpath', type: 'string', default: '', usage: 'a local host path on the node' },
            { name: 'force-reset', type: 'bool', default: false, usage: 'bypass the reset prompt and force resetting the host path directory' },
            SKIP_VALIDATION('the backup store endpoint/bucket', true),
            { name: 'with-minio', type: 'bool', default: true, usage: 'when set, kots will deploy minio for hostpath snapshot locations' },
            ...REGISTRY_FLAGS,
          ],
        },
      ],
    },
    {
      name: 'backup',
      short: 'Provides wrapper functionality to interface with the backup source',
      runnable: true,
      flags: [{ name: 'namespace', short: 'n', type: 'string', default: 'default', usage: 'namespace in which kots/kotsadm is installed' }, { name: 'wait', type: 'bool', default: true, usage: 'wait for the backup to finish' }, OUTPUT],
      children: [{ name: 'ls', short: 'List available instance backups (this command is deprecated, please use "kubectl kots get backups" instead)', runnable: true, flags: [{ name: 'namespace', short: 'n', type: 'string', default: '', usage: 'filter by the namespace in which kots/kotsadm is installed' }] }],
    },
    {
      name: 'restore',
      short: 'Provides wrapper functionality to interface with the restore source',
      runnable: true,
      flags: [
        { name: 'from-backup', type: 'string', default: '', usage: 'the name of the backup to restore from' },
        { name: 'velero-namespace', type: 'string', default: '', usage: 'namespace in which velero is installed' },
        { name: 'exclude-admin-console', type: 'bool', default: false, usage: 'exclude restoring the admin console and only restore the application(s)' },
        { name: 'exclude-apps', type: 'bool', default: false, usage: 'exclude restoring the application(s) and only restore the admin console' },
        { name: 'wait-for-apps', type: 'bool', default: true, usage: 'wait for all applications to be restored' },
        OUTPUT,
      ],
      children: [{ name: 'ls', short: 'List available restores (this command is deprecated, please use "kubectl kots get restores" instead)', runnable: true, flags: [{ name: 'namespace', short: 'n', type: 'string', default: '', usage: 'filter by the namespace in which kots/kotsadm is installed' }] }],
    },
    {
      name: 'get',
      short: 'Display kots resources',
      children: [
        { name: 'backups', aliases: ['backup'], short: 'Get backups', runnable: true, flags: [{ ...OUTPUT, usage: 'output format. supported values: json' }] },
        { name: 'restores', aliases: ['restore'], short: 'Get restores', runnable: true, flags: [{ ...OUTPUT, usage: 'output format. supported values: json' }] },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Context shared by the commands

export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  argv: string[];
}

class Ctx {
  private kubeInstance?: Kube;
  constructor(
    readonly flags: FlagValues,
    readonly io: Io,
  ) {}
  str(name: string): string {
    return String(this.flags[name] ?? '');
  }
  bool(name: string): boolean {
    return this.flags[name] === true;
  }
  kube(): Kube {
    if (!this.kubeInstance) {
      try {
        this.kubeInstance = new Kube({ kubeconfig: this.str('kubeconfig') || undefined, context: this.str('context') || undefined });
      } catch (e) {
        throw wrap('failed to get clientset', e);
      }
    }
    return this.kubeInstance;
  }
  log(): CliLogger {
    return new CliLogger(this.io.out, Boolean((this.io.out as { isTTY?: boolean }).isTTY));
  }
  /** getNamespaceOrDefault: -n, else the kubeconfig context namespace, else `default`. */
  namespaceOrDefault(): string {
    let ns = this.str('namespace');
    if (!ns) {
      try {
        ns = this.kube().contextNamespace();
      } catch (e) {
        throw wrap('failed to load kubeconfig', e);
      }
    }
    if (!ns) ns = 'default';
    const err = namespaceError(ns, 'namespace');
    if (err) throw new CliError(`invalid namespace ${ns}: ${err}`);
    return ns;
  }
  requiredNamespace(): string {
    const ns = this.str('namespace');
    const err = namespaceError(ns, 'namespace');
    if (err) throw new CliError(err);
    return ns;
  }
}

function adminConsoleUrl(): string {
  if (process.env.KOTS_ADMIN_CONSOLE_URL) return process.env.KOTS_ADMIN_CONSOLE_URL.replace(/\/$/, '');
  const lab = readLabState();
  if (!lab?.adminConsole?.url) throw new Error('unable to find kotsadm pod (no admin console URL: lab.json has no adminConsole.url and KOTS_ADMIN_CONSOLE_URL is unset)');
  return lab.adminConsole.url.replace(/\/$/, '');
}

const authCache = new Map<string, string>();
async function authSlug(kube: Kube, namespace: string, io: Io): Promise<string> {
  const cached = authCache.get(namespace);
  if (cached) return cached;
  try {
    const s = await kube.getOrCreateAuthSlug(namespace);
    authCache.set(namespace, s);
    return s;
  } catch (e) {
    io.out.write(`\nUnable to authenticate to the Admin Console running in the ${namespace} namespace. Ensure you have read access to secrets in this namespace and try again.\n\n`);
    throw wrap('failed to check for existing kotsadm authstring secret', new Error(kubeErrorMessage(e)));
  }
}

function httpStatusText(status: number, text: string): string {
  return `${status} ${text || ''}`.trim();
}

// ---------------------------------------------------------------------------------------------
// version

function cmdVersion(ctx: Ctx): void {
  const output = ctx.str('output');
  if (output !== 'json' && output !== '') throw new CliError(`output format ${output} not supported (allowed formats are: json)`);
  // Air-gapped: the latest-release check cannot succeed, so latestVersion/installLatest are omitted.
  if (output === 'json') ctx.io.out.write(JSON.stringify({ version: KOTS_VERSION }) + '\n');
  else ctx.io.out.write(`Replicated KOTS ${KOTS_VERSION}\n`);
}

// ---------------------------------------------------------------------------------------------
// velero detection (DetectVelero) and the configure path (ConfigureStore)

interface VeleroStatus {
  namespace: string;
  version: string;
  plugins: string[];
}

async function listPossibleVeleroDeployments(kube: Kube, ns: string) {
  const a = await kube.apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'component=velero' });
  const b = await kube.apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'app.kubernetes.io/name=velero' });
  return [...a.items, ...b.items];
}
async function listPossibleNodeAgentDaemonSets(kube: Kube, ns: string) {
  const a = await kube.apps.listNamespacedDaemonSet({ namespace: ns, labelSelector: 'component=velero' });
  const b = await kube.apps.listNamespacedDaemonSet({ namespace: ns, labelSelector: 'app.kubernetes.io/name=velero' });
  return [...a.items, ...b.items];
}

/** Velero's serverstatus request: create a ServerStatusRequest and wait (30 s) until Processed. */
export async function veleroServerVersion(kube: Kube, ns: string, timeoutMs = 30_000): Promise<string> {
  const created = await kube.createVelero('serverstatusrequests', ns, {
    apiVersion: 'velero.io/v1',
    kind: 'ServerStatusRequest',
    metadata: { generateName: 'velero-cli-', namespace: ns },
    spec: {},
  });
  const name = created.metadata.name as string;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const ssr = await kube.getVelero('serverstatusrequests', ns, name);
      if (ssr?.status?.phase === 'Processed') return String(ssr.status.serverVersion ?? '');
      if (Date.now() > deadline) throw new Error('timed out waiting for server status request to be processed');
      await sleep(250);
    }
  } finally {
    await kube.deleteVelero('serverstatusrequests', ns, name).catch(() => undefined);
  }
}

async function detectVelero(kube: Kube, kotsadmNamespace: string): Promise<VeleroStatus | undefined> {
  const ns = await kube.detectVeleroNamespace(kotsadmNamespace);
  if (!ns) return undefined;
  let deployments;
  try {
    deployments = await listPossibleVeleroDeployments(kube, ns);
  } catch (e) {
    throw new Error(`failed to list possible velero deployments: ${kubeErrorMessage(e)}`);
  }
  let version: string;
  try {
    version = await veleroServerVersion(kube, ns);
  } catch (e) {
    throw new Error(`failed to get velero version: error getting server version: ${e instanceof Error ? kubeErrorMessage(e) : e}`);
  }
  const plugins = deployments.flatMap((d) => (d.spec?.template.spec?.initContainers ?? []).map((c) => c.name));
  return { namespace: ns, version, plugins };
}

/** GetRegistryConfigFromCluster: ConfigMap kotsadm-confg (kotsadm-registry) + Secret kotsadm-private-registry. */
async function registryConfigFromCluster(kube: Kube, ns: string): Promise<RegistryConfig> {
  const rc: RegistryConfig = { overrideRegistry: '', overrideNamespace: '', username: '', password: '' };
  const cm = await kube.getConfigMap(ns, 'kotsadm-confg').catch(() => undefined);
  const reg = cm?.data?.['kotsadm-registry'] ?? '';
  if (!reg) return rc;
  rc.overrideRegistry = reg;
  rc.overrideNamespace = registryNamespace(reg, '');
  const s = await kube.getSecret(ns, 'kotsadm-private-registry').catch(() => undefined);
  const raw = s?.data?.['.dockerconfigjson'];
  if (raw) {
    try {
      const cfg = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
      const entry = Object.values(cfg.auths ?? {})[0];
      if (entry?.username) {
        rc.username = entry.username;
        rc.password = entry.password ?? '';
      } else if (entry?.auth) {
        const [u, ...p] = Buffer.from(entry.auth, 'base64').toString('utf8').split(':');
        rc.username = u;
        rc.password = p.join(':');
      }
    } catch {
      /* ignore malformed */
    }
  }
  return rc;
}

function registryConfigFromFlags(ctx: Ctx): RegistryConfig {
  const reg = ctx.str('kotsadm-registry');
  return { overrideRegistry: reg, overrideNamespace: registryNamespace(reg, ctx.str('kotsadm-namespace')), username: ctx.str('registry-username'), password: ctx.str('registry-password') };
}

async function headBucket(opts: { endpoint?: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string; forcePathStyle: boolean; caCert?: string }): Promise<void> {
  const { S3Client, HeadBucketCommand } = await import('@aws-sdk/client-s3');
  let requestHandler: unknown;
  if (opts.caCert) {
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    const https = await import('node:https');
    requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: opts.caCert }) });
  }
  const client = new S3Client({
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    maxAttempts: 1,
    ...(requestHandler ? { requestHandler: requestHandler as never } : {}),
  });
  const abort = AbortSignal.timeout(20_000);
  try {
    await client.send(new HeadBucketCommand({ Bucket: opts.bucket }), { abortSignal: abort });
  } catch (e) {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const code = err.$metadata?.httpStatusCode;
    const name = err.name && err.name !== 'Error' ? err.name : 'RequestError';
    throw new Error(code ? `${name}: ${err.message || name}\n\tstatus code: ${code}` : `${name}: ${err.message}`);
  } finally {
    client.destroy();
  }
}

interface ConfigureArgs {
  ctx: Ctx;
  namespace: string;
  plugin: string;
  pluginMatch: string;
  registry: RegistryConfig;
  /** Builds the new store; `existing` is the current `default` BSL and its credentials (buildNewStore). */
  build: (existing: { bsl?: any; cloud?: string }) => Store;
  validate?: (store: Store) => Promise<void>;
  logBeforeValidate?: string;
}

/** Shared by every configure-* command. Returns false when it only printed install instructions. */
async function configureStore(a: ConfigureArgs, log: CliLogger, detected?: VeleroStatus): Promise<boolean> {
  const { ctx, namespace } = a;
  const kube = ctx.kube();
  let velero = detected;
  if (!velero) {
    try {
      velero = await detectVelero(kube, namespace);
    } catch (e) {
      throw wrap('failed to detect velero', e);
    }
    if (!velero) {
      log.raw(installInstructions(a.plugin, a.registry, ctx.io.argv.join(' ')));
      return false;
    }
    if (!containsPlugin(velero.plugins, a.pluginMatch)) throw new CliError(`velero does not have the '${a.pluginMatch}' plugin installed`);
  }
  const veleroNs = velero.namespace;

  // existing store (GetGlobalStore)
  let existingBsl: any;
  let existingCloud: string | undefined;
  try {
    existingBsl = (await kube.listVelero('backupstoragelocations', veleroNs)).find((b: any) => b.metadata?.name === DEFAULT_BSL);
    const s = await kube.getSecret(veleroNs, CLOUD_CREDENTIALS_SECRET);
    if (s?.data?.cloud) existingCloud = Buffer.from(s.data.cloud, 'base64').toString('utf8');
  } catch (e) {
    throw new CliError(`failed to configure store: failed to get store: ${kubeErrorMessage(e)}`);
  }
  let store: Store;
  try {
    store = a.build({ bsl: existingBsl, cloud: existingCloud });
  } catch (e) {
    throw new CliError(`failed to configure store: failed to update existing store: ${(e as Error).message}`);
  }

  if (!ctx.bool('skip-validation') && a.validate) {
    if (a.logBeforeValidate) log.info(a.logBeforeValidate);
    try {
      await a.validate(store);
    } catch (e) {
      // InvalidStoreDataError{Message: errors.Cause(err).Error()}
      throw new CliError(`failed to configure store: ${(e as Error).message}`);
    }
  }

  const fail = (step: string, e: unknown) => new CliError(`failed to configure store: ${step}: ${e instanceof Error && !(e as { code?: unknown }).code ? e.message : kubeErrorMessage(e)}`);

  // upsertGlobalStore
  const plan = planBsl(store);
  const bsl = applyBslPlan(existingBsl, veleroNs, plan);
  try {
    if (plan.credentials.action === 'set') await kube.upsertSecret(veleroNs, CLOUD_CREDENTIALS_SECRET, { cloud: plan.credentials.data });
    else await kube.core.deleteNamespacedSecret({ namespace: veleroNs, name: CLOUD_CREDENTIALS_SECRET }).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
    if (existingBsl) await kube.replaceVelero('backupstoragelocations', veleroNs, DEFAULT_BSL, bsl);
    else await kube.createVelero('backupstoragelocations', veleroNs, bsl);
  } catch (e) {
    throw fail('failed to update global store', e);
  }

  // ensureImagePullSecret
  const rc = a.registry;
  if (rc.overrideRegistry && rc.username && rc.password) {
    try {
      await kube.upsertSecret(veleroNs, REGISTRY_PULL_SECRET, { '.dockerconfigjson': dockerConfigJson(rc.overrideRegistry, rc.username, rc.password) }, 'kubernetes.io/dockerconfigjson');
    } catch (e) {
      throw fail('failed to ensure image pull secret', e);
    }
  }

  // ensureSecretsReferences
  try {
    await ensureSecretsReferences(kube, veleroNs);
  } catch (e) {
    throw new CliError(`failed to configure store: failed to ensure secrets references: ${(e as Error).message}`);
  }

  // resetRepositories
  try {
    for (const repo of await kube.listVelero('backuprepositories', veleroNs, 'velero.io/storage-location=default').catch((e) => {
      if (isNotFound(e)) return [];
      throw e;
    })) {
      await kube.deleteVelero('backuprepositories', veleroNs, repo.metadata.name);
    }
    for (const repo of await kube.listVelero('resticrepositories', veleroNs).catch((e) => {
      if (isNotFound(e)) return [];
      throw e;
    })) {
      await kube.deleteVelero('resticrepositories', veleroNs, repo.metadata.name);
    }
  } catch (e) {
    throw fail('failed to try to reset repositories', e);
  }

  // restartVelero
  try {
    await restartVelero(kube, veleroNs);
  } catch (e) {
    throw fail('failed to try to restart velero', e);
  }
  return true;
}

async function ensureSecretsReferences(kube: Kube, ns: string): Promise<void> {
  const deployment = await kube.getDeployment(ns, 'velero');
  if (!deployment) throw new Error(`failed to get velero deployment: deployments.apps "velero" not found`);
  let ds = await kube.getDaemonSet(ns, 'node-agent');
  if (!ds) {
    ds = await kube.getDaemonSet(ns, 'restic');
    if (!ds) throw new Error(`failed to get restic daemonset: daemonsets.apps "restic" not found`);
  }
  const cloud = !!(await kube.getSecret(ns, CLOUD_CREDENTIALS_SECRET));
  const pull = !!(await kube.getSecret(ns, REGISTRY_PULL_SECRET));
  const opts = { cloudCredentials: cloud, pullSecret: pull };
  deployment.spec!.template.spec = patchPodSpecForSecrets(deployment.spec!.template.spec as unknown as PodSpecLike, opts) as never;
  ds.spec!.template.spec = patchPodSpecForSecrets(ds.spec!.template.spec as unknown as PodSpecLike, opts) as never;
  try {
    await kube.apps.replaceNamespacedDeployment({ namespace: ns, name: 'velero', body: deployment });
  } catch (e) {
    throw new Error(`failed to update velero deployment: ${kubeErrorMessage(e)}`);
  }
  try {
    await kube.apps.replaceNamespacedDaemonSet({ namespace: ns, name: ds.metadata!.name!, body: ds });
  } catch (e) {
    throw new Error(`failed to update node-agent daemonset: ${kubeErrorMessage(e)}`);
  }
}

/** restartVelero: delete the pods matching each velero Deployment's / node-agent DaemonSet's own labels. */
async function restartVelero(kube: Kube, ns: string): Promise<void> {
  const owners = [...(await listPossibleVeleroDeployments(kube, ns)), ...(await listPossibleNodeAgentDaemonSets(kube, ns))];
  for (const o of owners) {
    const sel = Object.entries(o.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = await kube.core.listNamespacedPod({ namespace: ns, labelSelector: sel || undefined });
    for (const p of pods.items) {
      await kube.core.deleteNamespacedPod({ namespace: ns, name: p.metadata!.name! }).catch((e) => {
        if (!isNotFound(e)) throw new Error(`failed to delete ${p.metadata!.name} pod: ${kubeErrorMessage(e)}`);
      });
    }
  }
}

async function cmdConfigure(ctx: Ctx, path: string[]): Promise<void> {
  const leaf = path.slice(1).join(' ');
  const log = ctx.log();

  if (leaf === 'configure-internal') return cmdConfigureInternal(ctx, log);
  if (leaf === 'configure-nfs' || leaf === 'configure-hostpath') return cmdConfigureFileSystem(ctx, log, leaf);

  const namespace = ctx.requiredNamespace();
  const kube = ctx.kube();
  const bucket = ctx.str('bucket');
  const prefix = ctx.str('path');
  let args: ConfigureArgs;

  if (leaf === 'configure-aws-s3 access-key' || leaf === 'configure-aws-s3 instance-role') {
    const instanceRole = leaf.endsWith('instance-role');
    const registry = await registryConfigFromCluster(kube, namespace).catch((e) => {
      throw wrap('failed to get registry options from cluster', e);
    });
    args = {
      ctx,
      namespace,
      plugin: VELERO_AWS_PLUGIN,
      pluginMatch: 'velero-plugin-for-aws',
      registry,
      build: () => ({
        provider: 'aws',
        bucket,
        path: prefix,
        aws: { region: ctx.str('region'), accessKeyID: instanceRole ? '' : ctx.str('access-key-id'), secretAccessKey: instanceRole ? '' : ctx.str('secret-access-key'), useInstanceRole: instanceRole },
      }),
      validate: async (s) => {
        if (instanceRole) throw new Error('failed to validate instance role');
        try {
          await headBucket({ region: s.aws!.region, accessKeyId: s.aws!.accessKeyID, secretAccessKey: s.aws!.secretAccessKey, bucket: s.bucket, forcePathStyle: false });
        } catch (e) {
          throw new Error((e as Error).message);
        }
      },
    };
  } else if (leaf === 'configure-other-s3') {
    let registry = registryConfigFromFlags(ctx);
    if (!registry.overrideRegistry) registry = await registryConfigFromCluster(kube, namespace);
    let caCert: string | undefined;
    if (ctx.str('cacert')) {
      try {
        caCert = readFileSync(resolve(ctx.str('cacert')), 'utf8');
      } catch (e) {
        throw new CliError(`open ${resolve(ctx.str('cacert'))}: no such file or directory`);
      }
    }
    args = {
      ctx,
      namespace,
      plugin: VELERO_AWS_PLUGIN,
      pluginMatch: 'velero-plugin-for-aws',
      registry,
      build: () => ({
        provider: 'aws',
        bucket,
        path: prefix,
        caCertData: caCert ? Buffer.from(caCert).toString('base64') : undefined,
        other: { region: ctx.str('region'), accessKeyID: ctx.str('access-key-id'), secretAccessKey: ctx.str('secret-access-key'), endpoint: ctx.str('endpoint') },
      }),
      // The real CLI validates from a kotsadm pod (kotsadm-validate-*); the lab has no container
      // runtime, so the same HeadBucket runs from this process.
      validate: (s) => headBucket({ endpoint: s.other!.endpoint, region: s.other!.region, accessKeyId: s.other!.accessKeyID, secretAccessKey: s.other!.secretAccessKey, bucket: s.bucket, forcePathStyle: true, caCert }),
      logBeforeValidate: '\nRunning a pod to test the connection to your S3 API and if the bucket exists...',
    };
  } else if (leaf === 'configure-gcp service-account' || leaf === 'configure-gcp workload-identity') {
    const wi = leaf.endsWith('workload-identity');
    let json = '';
    if (!wi) {
      try {
        json = readFileSync(resolve(ctx.str('json-file')), 'utf8');
      } catch {
        throw new CliError(`failed to read JSON file: open ${resolve(ctx.str('json-file'))}: no such file or directory`);
      }
    }
    const registry = await registryConfigFromCluster(kube, namespace);
    args = {
      ctx,
      namespace,
      plugin: VELERO_GCP_PLUGIN,
      pluginMatch: 'velero-plugin-for-gcp',
      registry,
      build: (existing) => {
        // §9: workload-identity sends StoreGoogle{ServiceAccount} without UseInstanceRole, so
        // buildNewStore wants a JSON file and only finds one when the current store already has it.
        if (wi) {
          const prevJson = existing.bsl?.spec?.provider === 'gcp' ? existing.cloud : undefined;
          if (!prevJson) throw new Error('missing JSON file');
          return { provider: 'gcp', bucket, path: prefix, google: { jsonFile: prevJson, serviceAccount: '', useInstanceRole: false } };
        }
        if (json.includes('REDACTED')) throw new Error('invalid JSON file');
        return { provider: 'gcp', bucket, path: prefix, google: { jsonFile: json, serviceAccount: '', useInstanceRole: false } };
      },
      validate: async () => {
        throw new Error('failed to get bucket attributes: Google Cloud Storage is not reachable from the air-gapped lab (use --skip-validation)');
      },
    };
  } else if (leaf === 'configure-azure service-principle') {
    const registry = await registryConfigFromCluster(kube, namespace);
    args = {
      ctx,
      namespace,
      plugin: VELERO_AZURE_PLUGIN,
      pluginMatch: 'velero-plugin-for-microsoft-azure',
      registry,
      build: () => ({
        provider: 'azure',
        bucket: ctx.str('container'),
        path: prefix,
        azure: {
          resourceGroup: ctx.str('resource-group'),
          storageAccount: ctx.str('storage-account'),
          subscriptionId: ctx.str('subscription-id'),
          tenantId: ctx.str('tenant-id'),
          clientId: ctx.str('client-id'),
          clientSecret: ctx.str('client-secret'),
          cloudName: ctx.str('cloud-name'),
        },
      }),
      validate: async () => {
        throw new Error('failed to get service principal token: Azure is not reachable from the air-gapped lab (use --skip-validation)');
      },
    };
  } else {
    throw new CliError(`unknown command "${leaf}"`);
  }

  const done = await configureStore(args, log);
  if (done) log.info('\nStore Configured Successfully');
}

/** configure-internal: kURL only; the MinIO variant reads Secret default/kotsadm-s3. */
async function cmdConfigureInternal(ctx: Ctx, log: CliLogger): Promise<void> {
  const kube = ctx.kube();
  if (!(await kube.isKurl())) throw new CliError('configuring snapshots to use the internal store is only supported for embedded clusters');
  const namespace = 'default';
  let velero: VeleroStatus | undefined;
  try {
    velero = await detectVelero(kube, namespace);
  } catch (e) {
    throw wrap('failed to detect velero', e);
  }
  if (!velero) throw new CliError('velero not found');
  if (!containsPlugin(velero.plugins, 'velero-plugin-for-aws')) throw new CliError("velero does not have the 'velero-plugin-for-aws' plugin installed");
  if (!ctx.bool('with-minio') && !veleroSupportsLVP(velero.version)) throw new CliError(ERR_LVP_UNSUPPORTED_117);
  if (!ctx.bool('with-minio')) throw new CliError('failed to configure store: the internal PVC store (local-volume-provider) is not supported in the lab');
  const s3 = await kube.getSecret('default', 'kotsadm-s3');
  if (!s3) throw new CliError('failed to configure store: failed to update existing store: s3 secret does not exist');
  const d = (k: string) => Buffer.from(s3.data?.[k] ?? '', 'base64').toString('utf8');
  const registry = await registryConfigFromCluster(kube, namespace);
  const done = await configureStore(
    {
      ctx,
      namespace,
      plugin: VELERO_AWS_PLUGIN,
      pluginMatch: 'velero-plugin-for-aws',
      registry,
      build: () => ({
        provider: 'aws',
        bucket: d('velero-local-bucket'),
        path: '',
        other: { region: 'us-east-1', accessKeyID: d('access-key-id'), secretAccessKey: d('secret-access-key'), endpoint: d('endpoint') },
      }),
      validate: (st) => headBucket({ endpoint: st.other!.endpoint, region: 'us-east-1', accessKeyId: st.other!.accessKeyID, secretAccessKey: st.other!.secretAccessKey, bucket: st.bucket, forcePathStyle: true }),
    },
    log,
    velero,
  );
  if (done) {
    // internal store also records publicUrl (object store cluster IP)
    const ip = d('object-store-cluster-ip');
    if (ip) {
      const bsl = await kube.getVelero('backupstoragelocations', velero.namespace, DEFAULT_BSL);
      bsl.spec.config = { ...bsl.spec.config, publicUrl: `http://${ip}` };
      await kube.replaceVelero('backupstoragelocations', velero.namespace, DEFAULT_BSL, bsl);
    }
    log.info('\nStore Configured Successfully');
  }
}

/** IsFileSystemMinioDisabled: no MinIO image (kURL without the add-on), or kotsadm-confg minio-enabled-snapshots=false. */
async function isFileSystemMinioDisabled(kube: Kube, ns: string): Promise<boolean> {
  if ((await kube.isKurl()) && ns === 'default') {
    const d = await kube.getDeployment('minio', 'minio');
    const s = d ? undefined : await kube.getStatefulSet('minio', 'ha-minio');
    const containers = d?.spec?.template.spec?.containers ?? s?.spec?.template.spec?.containers ?? [];
    if (!containers.some((c) => (c.image ?? '').includes('minio/minio:RELEASE.'))) return true;
  }
  const cm = await kube.getConfigMap(ns, 'kotsadm-confg');
  const v = cm?.data?.['minio-enabled-snapshots'];
  if (v === undefined) return false;
  if (!['1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) throw new CliError(`failed to check if file system minio is disabled: failed to parse minio-enabled-snapshots from kotsadm-confg: strconv.ParseBool: parsing "${v}": invalid syntax`);
  return !['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

async function cmdConfigureFileSystem(ctx: Ctx, log: CliLogger, leaf: string): Promise<void> {
  const namespace = ctx.requiredNamespace();
  const kube = ctx.kube();
  if (leaf === 'configure-nfs') {
    if (!ctx.str('nfs-path')) throw new CliError('--nfs-path is required');
    if (!ctx.str('nfs-server')) throw new CliError('--nfs-server is required');
  } else if (!ctx.str('hostpath')) throw new CliError('--hostpath option is required');
  let registry = registryConfigFromFlags(ctx);
  if (!registry.overrideRegistry) registry = await registryConfigFromCluster(kube, namespace);

  let minioDisabled = !ctx.bool('with-minio');
  if (await isFileSystemMinioDisabled(kube, namespace)) minioDisabled = true;
  let velero: VeleroStatus | undefined;
  try {
    velero = await detectVelero(kube, namespace);
  } catch (e) {
    throw wrap('failed to detect velero', e);
  }
  if (minioDisabled) {
    if (velero && !veleroSupportsLVP(velero.version)) throw new CliError(ERR_LVP_UNSUPPORTED_117);
    if (!velero || !containsPlugin(velero.plugins, 'local-volume-provider')) {
      log.raw(installInstructions(LVP_IMAGE, registry, ctx.io.argv.join(' ')));
      return;
    }
    throw new CliError('could not deploy lvp file system config: the local-volume-provider store is not supported in the lab');
  }
  if (!velero || !containsPlugin(velero.plugins, 'plugin-for-aws')) {
    log.raw(installInstructions(VELERO_AWS_PLUGIN, registry, ctx.io.argv.join(' ')));
    return;
  }
  log.actionWithoutSpinner('Setting up File System');
  log.childActionWithSpinner('Deploying File System Minio');
  // Deploying kotsadm-fs-minio needs a container runtime the lab does not have.
  throw new CliError('could not deploy minio fs: failed to deploy file system minio: the kotsadm-fs-minio file system store (NFS/host path via MinIO) is not supported in the lab stand-in');
}

async function cmdEnsurePermissions(ctx: Ctx): Promise<void> {
  const veleroNs = ctx.str('velero-namespace');
  const err = namespaceError(veleroNs, 'velero-namespace');
  if (err) throw new CliError(err);
  const kotsadmNs = (() => {
    try {
      return ctx.namespaceOrDefault();
    } catch (e) {
      throw wrap('failed to get kotsadm namespace', e);
    }
  })();
  const kube = ctx.kube();
  let bsls: any[];
  try {
    bsls = await kube.listVelero('backupstoragelocations', veleroNs);
  } catch (e) {
    throw new CliError(`failed to list backupstoragelocations in '${veleroNs}' namespace: ${kubeErrorMessage(e)}`);
  }
  if (!bsls.some((b) => b.metadata?.name === 'default')) throw new CliError(`could not detect velero in '${veleroNs}' namespace`);
  const labels = { 'kots.io/kotsadm': 'true', 'kots.io/backup': 'velero' };
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'kotsadm-role', namespace: veleroNs, labels }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] };
  try {
    await kube.rbac.readNamespacedRole({ namespace: veleroNs, name: 'kotsadm-role' }).then(
      (existing) => kube.rbac.replaceNamespacedRole({ namespace: veleroNs, name: 'kotsadm-role', body: { ...existing, rules: role.rules } }),
      (e) => {
        if (!isNotFound(e)) throw e;
        return kube.rbac.createNamespacedRole({ namespace: veleroNs, body: role });
      },
    );
  } catch (e) {
    throw new CliError(`failed to ensure kotsadm role: ${kubeErrorMessage(e)}`);
  }
  const rb = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'kotsadm-rolebinding', namespace: veleroNs, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kotsadm-role' },
    subjects: [{ kind: 'ServiceAccount', name: 'kotsadm', namespace: kotsadmNs }],
  };
  try {
    await kube.rbac.readNamespacedRoleBinding({ namespace: veleroNs, name: 'kotsadm-rolebinding' }).then(
      (existing) => kube.rbac.replaceNamespacedRoleBinding({ namespace: veleroNs, name: 'kotsadm-rolebinding', body: { ...existing, subjects: rb.subjects } }),
      (e) => {
        if (!isNotFound(e)) throw e;
        return kube.rbac.createNamespacedRoleBinding({ namespace: veleroNs, body: rb });
      },
    );
  } catch (e) {
    throw new CliError(`failed to ensure kotsadm rolebinding: ${kubeErrorMessage(e)}`);
  }
  const cm = await kube.getConfigMap(kotsadmNs, 'kotsadm-velero-namespace').catch((e) => {
    throw new CliError(`failed to lookup velero configmap: ${kubeErrorMessage(e)}`);
  });
  try {
    if (!cm) {
      await kube.core.createNamespacedConfigMap({ namespace: kotsadmNs, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kotsadm-velero-namespace', namespace: kotsadmNs, labels }, data: { veleroNamespace: veleroNs } } });
    } else {
      cm.data = { ...(cm.data ?? {}), veleroNamespace: veleroNs };
      await kube.core.replaceNamespacedConfigMap({ namespace: kotsadmNs, name: 'kotsadm-velero-namespace', body: cm });
    }
  } catch (e) {
    throw new CliError(`failed to ${cm ? 'update' : 'create'} velero configmap: ${kubeErrorMessage(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// backup

interface BackupResponse {
  success: boolean;
  backupName?: string;
  error?: string;
}

async function createInstanceBackup(ctx: Ctx, namespace: string, wait: boolean, log: CliLogger): Promise<BackupResponse> {
  log.actionWithSpinner('Connecting to cluster');
  const kube = ctx.kube();
  let base: string;
  try {
    base = adminConsoleUrl();
  } catch (e) {
    log.finishSpinnerWithError();
    throw wrap('failed to start port forwarding', e);
  }
  log.finishSpinner();
  log.actionWithSpinner('Creating Backup');
  let slug: string;
  try {
    slug = await authSlug(kube, namespace, ctx.io);
  } catch (e) {
    log.finishSpinnerWithError();
    throw wrap('failed to get kotsadm auth slug', e);
  }
  const url = `${base}/api/v1/snapshot/backup`;
  let resp: Response;
  try {
    resp = await fetch(url, { method: 'POST', headers: { Authorization: slug } });
  } catch (e) {
    log.finishSpinnerWithError();
    throw wrap('failed to get from kotsadm', new Error(`Post "${url}": ${(e as Error).cause ?? (e as Error).message}`));
  }
  const body = await resp.text();
  if (resp.status !== 200) {
    log.finishSpinnerWithError();
    if (resp.status === 409) {
      let rbac: { kotsadmRequiresVeleroAccess?: boolean; kotsadmNamespace?: string };
      try {
        rbac = JSON.parse(body);
      } catch (e) {
        throw wrap('failed to unmarshal velero rbac response', e);
      }
      if (rbac.kotsadmRequiresVeleroAccess) {
        log.actionWithoutSpinner('Velero Namespace Access Required');
        log.actionWithoutSpinner(
          'We’ve detected that the Admin Console is running with minimal role-based-access-control (RBAC) privileges, meaning that the Admin Console is limited to a single namespace. To use the snapshots functionality, the Admin Console requires access to the namespace Velero is installed in. Please make sure Velero is installed, then use the following command to provide the Admin Console with the necessary permissions to access it:\n',
        );
        log.info(`kubectl kots velero ensure-permissions --namespace ${rbac.kotsadmNamespace} --velero-namespace <velero-namespace>`);
        log.info("* Note: Please replace `<velero-namespace>` with the actual namespace Velero is installed in, which is 'velero' by default.\n");
        return { success: false, error: 'unable to access velero due to minimal RBAC privileges' };
      }
    }
    throw new Error(`unexpected status code from ${url}: ${httpStatusText(resp.status, resp.statusText)}`);
  }
  let br: BackupResponse;
  try {
    br = JSON.parse(body);
  } catch (e) {
    log.finishSpinnerWithError();
    throw wrap('failed to unmarshal response', e);
  }
  if (br.error) {
    log.finishSpinnerWithError();
    throw new Error(br.error);
  }
  if (wait) {
    const veleroNs = await kube.detectVeleroNamespace(namespace);
    if (!veleroNs) {
      log.finishSpinnerWithError();
      throw new Error('failed to wait for velero backup completed: velero not found');
    }
    for (;;) {
      let b: VeleroBackup | undefined;
      try {
        b = await kube.getVelero<VeleroBackup>('backups', veleroNs, br.backupName!);
      } catch (e) {
        log.finishSpinnerWithError();
        throw new Error(`failed to wait for velero backup completed: failed to get backup: ${kubeErrorMessage(e)}`);
      }
      if (!b) {
        log.finishSpinnerWithError();
        throw new Error(`failed to wait for velero backup completed: failed to get backup: backups.velero.io "${br.backupName}" not found`);
      }
      const phase = b.status?.phase ?? '';
      const failure = phase === 'FailedValidation' ? 'backup failed validation' : phase === 'Failed' ? 'backup failed' : phase === 'PartiallyFailed' ? 'backup partially failed' : '';
      if (phase === 'Completed') break;
      if (failure) {
        const msg = `backup failed with ${b.status?.errors ?? 0} errors and ${b.status?.warnings ?? 0} warnings.`;
        log.finishSpinnerWithError();
        log.actionWithoutSpinner(msg);
        throw new Error(`${msg}: ${failure}`);
      }
      await sleep(1000);
    }
    log.finishSpinner();
    log.actionWithoutSpinner(`Backup completed successfully. Backup name is ${br.backupName}`);
  } else {
    log.finishSpinner();
    log.actionWithoutSpinner(`Backup is in progress. Backup name is ${br.backupName}`);
  }
  return br;
}

async function cmdBackup(ctx: Ctx): Promise<void> {
  const namespace = (() => {
    try {
      return ctx.namespaceOrDefault();
    } catch (e) {
      throw wrap('failed to get namespace', e);
    }
  })();
  const output = ctx.str('output');
  if (output !== 'json' && output !== '') throw new CliError(`output format ${output} not supported (allowed formats are: json)`);
  const log = ctx.log();
  if (output) log.silence();
  let res: BackupResponse;
  try {
    res = await createInstanceBackup(ctx, namespace, ctx.bool('wait'), log);
  } catch (e) {
    const msg = `failed to create instance backup: ${(e as Error).message}`;
    if (!output) throw new CliError(msg);
    res = { success: false, error: msg };
  }
  if (output === 'json') {
    const o: BackupResponse = { success: res.success };
    if (res.backupName) o.backupName = res.backupName;
    if (res.error) o.error = res.error;
    new CliLogger(ctx.io.out, false).info(JSON.stringify(o));
  }
}

async function listInstanceBackups(ctx: Ctx, namespace: string): Promise<VeleroBackup[]> {
  const kube = ctx.kube();
  const veleroNs = await kube.detectVeleroNamespace(namespace);
  if (!veleroNs) throw new CliError('failed to list instance backups: failed to get backup list: velero not found');
  let items: VeleroBackup[];
  try {
    items = await kube.listVelero<VeleroBackup>('backups', veleroNs);
  } catch (e) {
    throw new CliError(`failed to list instance backups: failed to get backup list: failed to list backups: ${kubeErrorMessage(e)}`);
  }
  return items.filter((b) => isInstanceBackup(b) && (!namespace || b.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] === namespace));
}

async function listInstanceRestores(ctx: Ctx, namespace: string): Promise<VeleroRestore[]> {
  const kube = ctx.kube();
  const veleroNs = await kube.detectVeleroNamespace(namespace);
  if (!veleroNs) throw new CliError('failed to list instance restores: velero not found');
  let items: VeleroRestore[];
  try {
    items = await kube.listVelero<VeleroRestore>('restores', veleroNs);
  } catch (e) {
    throw new CliError(`failed to list instance restores: failed to list restores: ${kubeErrorMessage(e)}`);
  }
  return items.filter((r) => r.metadata.annotations?.['kots.io/instance'] === 'true' && (!namespace || r.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] === namespace));
}

function withStatus<T extends { status?: unknown }>(x: T): T {
  return { ...x, status: x.status ?? {} };
}

async function cmdGet(ctx: Ctx, what: 'backups' | 'restores'): Promise<void> {
  const namespace = (() => {
    try {
      return ctx.namespaceOrDefault();
    } catch (e) {
      throw wrap('failed to get namespace', e);
    }
  })();
  const output = ctx.str('output');
  if (what === 'backups') {
    const b = await listInstanceBackups(ctx, namespace);
    ctx.io.out.write(output === 'json' ? jsonIndent(b.map(withStatus)) + '\n' : backupsTable(b));
  } else {
    const r = await listInstanceRestores(ctx, namespace);
    ctx.io.out.write(output === 'json' ? jsonIndent(r.map(withStatus)) + '\n' : restoresTable(r));
  }
}

// ---------------------------------------------------------------------------------------------
// restore

function kotsadmWaitTimeoutMs(): number {
  const v = process.env.LIFEBOAT_KOTS_KOTSADM_WAIT_SECONDS;
  return v && /^\d+$/.test(v) ? Number(v) * 1000 : 10 * 60_000;
}

/** WaitForKotsadm: a Running pod labelled app=kotsadm whose first container is ready. */
async function waitForKotsadm(kube: Kube, ns: string, timeoutMs: number): Promise<string> {
  const start = Date.now();
  for (;;) {
    let pods;
    try {
      pods = await kube.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=kotsadm' });
    } catch (e) {
      throw new Error(`failed to list pods: ${kubeErrorMessage(e)}`);
    }
    const ready = pods.items.filter((p) => p.status?.phase === 'Running' && p.status?.containerStatuses?.[0]?.ready && !p.metadata?.deletionTimestamp);
    const owners = new Set(ready.map((p) => p.metadata?.ownerReferences?.[0]?.kind ?? ''));
    if (ready.length > 0 && owners.size === 1) return ready[0].metadata!.name!;
    await sleep(1000);
    if (Date.now() - start > timeoutMs) throw new Error('timeout waiting for kotsadm pod');
  }
}

async function waitForRestore(kube: Kube, ns: string, name: string): Promise<{ restore?: VeleroRestore; error?: string }> {
  for (;;) {
    let r: VeleroRestore | undefined;
    try {
      r = await kube.getVelero<VeleroRestore>('restores', ns, name);
    } catch (e) {
      return { error: `failed to get restore: ${kubeErrorMessage(e)}` };
    }
    if (!r) return { error: `failed to get restore: restores.velero.io "${name}" not found` };
    const phase = r.status?.phase ?? '';
    if (phase === 'Completed') return { restore: r };
    if (phase === 'FailedValidation') return { restore: r, error: 'restore failed validation' };
    if (phase === 'Failed') return { restore: r, error: 'restore failed' };
    if (phase === 'PartiallyFailed') return { restore: r, error: 'restore partially failed' };
    await sleep(1000);
  }
}

async function restoreInstanceBackup(ctx: Ctx, o: { backupName: string; excludeAdminConsole: boolean; excludeApps: boolean; waitForApps: boolean; veleroNamespace: string; silent: boolean }): Promise<void> {
  const kube = ctx.kube();
  let veleroNs = o.veleroNamespace;
  if (!veleroNs) {
    veleroNs = await kube.detectVeleroNamespace('');
    if (!veleroNs) throw new Error('velero not found');
  }
  let backup: VeleroBackup | undefined;
  try {
    backup = await kube.getVelero<VeleroBackup>('backups', veleroNs, o.backupName);
  } catch (e) {
    throw new Error(`failed to find backup: ${kubeErrorMessage(e)}`);
  }
  if (!backup) throw new Error(`failed to find backup: backups.velero.io "${o.backupName}" not found`);

  const check = restorePrecheck(backup);
  if (check.kind === 'error') throw new Error(check.message);
  // §9: errors.Wrap(nil, …) is nil, so these return success without restoring anything.
  if (check.kind === 'silent-success') {
    if (process.env.LIFEBOAT_KOTS_DEBUG) ctx.io.err.write(`[kubectl-kots stand-in] restore skipped silently: ${check.reason}\n`);
    return;
  }
  const { kotsadmImage, kotsadmNamespace } = check;

  const log = ctx.log();
  if (o.silent) log.silence();

  if (!o.excludeAdminConsole) {
    log.actionWithSpinner('Deleting Admin Console');
    const isKurl = await kube.isKurl();
    try {
      await deleteLabelled(kube, kotsadmNamespace, 'kots.io/kotsadm=true', { clusterScoped: true, kinds: ['services', 'deployments', 'statefulsets', 'pods', 'pvcs', 'secrets', 'configmaps', 'clusterrolebindings', 'rolebindings', 'clusterroles', 'roles', 'serviceaccounts'] });
      if (isKurl) await deleteLabelled(kube, 'kurl', 'kots.io/kotsadm=true', { kinds: ['deployments', 'pods', 'secrets'] });
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to delete kotsadm objects: ${(e as Error).message}`);
    }
    log.finishSpinner();
    log.actionWithSpinner('Restoring Admin Console');
    const restore = buildAdminConsoleRestore(backup.metadata.name!, veleroNs, kotsadmImage, kotsadmNamespace);
    try {
      await kube.deleteVelero('restores', veleroNs, restore.metadata.name);
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to delete restore ${restore.metadata.name}: ${kubeErrorMessage(e)}`);
    }
    try {
      await kube.createVelero('restores', veleroNs, restore);
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to create restore: ${kubeErrorMessage(e)}`);
    }
    const w = await waitForRestore(kube, veleroNs, restore.metadata.name);
    if (w.error) {
      log.finishSpinnerWithError();
      if (w.restore) {
        const msg = `Admin Console restore failed with ${w.restore.status?.errors ?? 0} errors and ${w.restore.status?.warnings ?? 0} warnings.`;
        log.actionWithoutSpinner(msg);
        throw new Error(`${msg}: ${w.error}`);
      }
      throw new Error(`failed to wait for velero restore completed: ${w.error}`);
    }
    try {
      await waitForKotsadm(kube, kotsadmNamespace, kotsadmWaitTimeoutMs());
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to wait for kotsadm: ${(e as Error).message}`);
    }
    log.finishSpinner();
  }

  if (!o.excludeApps) {
    log.actionWithSpinner('Restoring Applications');
    try {
      await waitForKotsadm(kube, kotsadmNamespace, kotsadmWaitTimeoutMs());
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to wait for kotsadm: ${(e as Error).message}`);
    }
    let base: string;
    let slug: string;
    try {
      base = adminConsoleUrl();
      slug = await authSlug(kube, kotsadmNamespace, ctx.io);
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to restore kotsadm applications: ${(e as Error).message}`);
    }
    const url = `${base}/api/v1/snapshot/${backup.metadata.name}/restore-apps`;
    try {
      const resp = await fetch(url, { method: 'POST', headers: { Authorization: slug, 'Content-Type': 'application/json' }, body: JSON.stringify({ restoreAll: true }) });
      await resp.text();
      if (resp.status !== 200) throw new Error(`unexpected status code from ${url}: ${httpStatusText(resp.status, resp.statusText)}`);
    } catch (e) {
      log.finishSpinnerWithError();
      throw new Error(`failed to restore kotsadm applications: ${(e as Error).message}`);
    }
    if (o.waitForApps) {
      const statusUrl = `${base}/api/v1/snapshot/${backup.metadata.name}/apps-restore-status`;
      for (;;) {
        let body: { statuses?: Array<{ appSlug: string; restoreDetail: { phase?: string; errors?: unknown[]; warnings?: unknown[] } }>; error?: string };
        try {
          const resp = await fetch(statusUrl, { method: 'POST', headers: { Authorization: slug, 'Content-Type': 'application/json' }, body: JSON.stringify({ checkAll: true }) });
          const text = await resp.text();
          if (resp.status !== 200) throw new Error(`unexpected status code from ${statusUrl}: ${httpStatusText(resp.status, resp.statusText)}`);
          body = JSON.parse(text);
        } catch (e) {
          log.finishSpinnerWithError();
          throw new Error(`failed to wait for kotsadm applications restore: ${(e as Error).message}`);
        }
        if (body.error) {
          log.finishSpinnerWithError();
          throw new Error(`failed to wait for kotsadm applications restore: ${body.error}`);
        }
        let inProgress = false;
        const errs: string[] = [];
        for (const s of body.statuses ?? []) {
          const ph = s.restoreDetail?.phase ?? '';
          if (ph === 'Completed') continue;
          if (ph === 'FailedValidation' || ph === 'Failed' || ph === 'PartiallyFailed') {
            errs.push(`restore failed for app ${s.appSlug} with ${s.restoreDetail.errors?.length ?? 0} errors and ${s.restoreDetail.warnings?.length ?? 0} warnings`);
          } else inProgress = true;
        }
        if (!inProgress) {
          if (errs.length) {
            log.finishSpinnerWithError();
            throw new Error(`failed to restore kotsadm applications: ${errs.join(' AND ')}`);
          }
          break;
        }
        await sleep(2000);
      }
    }
    log.finishSpinner();
  }

  if (!o.excludeAdminConsole && !o.excludeApps) {
    log.actionWithoutSpinner(o.waitForApps ? 'Restore completed successfully.' : 'Admin Console restored successfully. Applications restore is still in progress.');
  } else if (!o.excludeAdminConsole && o.excludeApps) {
    log.actionWithoutSpinner('Admin Console restored successfully.');
  } else if (o.excludeAdminConsole && !o.excludeApps) {
    log.actionWithoutSpinner(o.waitForApps ? 'Applications restored successfully.' : 'Applications restore initiated successfully but is still in progress.');
  }
}

async function cmdRestore(ctx: Ctx): Promise<number | void> {
  const backupName = ctx.str('from-backup');
  if (!backupName) {
    ctx.io.out.write("a backup name must be provided via the '--from-backup' flag\n");
    return 1;
  }
  const output = ctx.str('output');
  if (output !== 'json' && output !== '') throw new CliError(`output format ${output} not supported (allowed formats are: json)`);
  if (ctx.bool('exclude-admin-console') && ctx.bool('exclude-apps')) throw new CliError('--exclude-admin-console and --exclude-apps cannot be used together');
  const out: { success: boolean; error?: string } = { success: false };
  try {
    await restoreInstanceBackup(ctx, {
      backupName,
      excludeAdminConsole: ctx.bool('exclude-admin-console'),
      excludeApps: ctx.bool('exclude-apps'),
      waitForApps: ctx.bool('wait-for-apps'),
      veleroNamespace: ctx.str('velero-namespace'),
      silent: output !== '',
    });
    out.success = true;
  } catch (e) {
    const msg = `failed to restore instance backup: ${(e as Error).message}`;
    if (!output) throw new CliError(msg);
    out.error = msg;
  }
  if (output === 'json') new CliLogger(ctx.io.out, false).info(JSON.stringify(out));
}

// ---------------------------------------------------------------------------------------------
// main

export async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, ROOT, GLOBAL_FLAGS);
    if (parsed.help) {
      io.out.write(helpText(parsed.path, parsed.command, GLOBAL_FLAGS));
      return 0;
    }
    if (!parsed.command.runnable) {
      if (parsed.positionals.length && parsed.command.children?.length) throw new UsageError(`unknown command "${parsed.positionals[0]}" for "kots${parsed.path.length ? ' ' + parsed.path.join(' ') : ''}"`);
      io.out.write(helpText(parsed.path, parsed.command, GLOBAL_FLAGS));
      return 0;
    }
    checkRequired(parsed);
  } catch (e) {
    io.err.write(`Error: ${(e as Error).message}\n`);
    return 1;
  }
  const ctx = new Ctx(parsed.flags, io);
  const key = parsed.path.join(' ');
  try {
    let rc: number | void = 0;
    if (key === 'version') cmdVersion(ctx);
    else if (key === 'velero ensure-permissions') await cmdEnsurePermissions(ctx);
    else if (parsed.path[0] === 'velero') await cmdConfigure(ctx, parsed.path);
    else if (key === 'backup') await cmdBackup(ctx);
    else if (key === 'backup ls') {
      ctx.io.out.write(backupsTable(await listInstanceBackups(ctx, ctx.namespaceOrDefault())));
    } else if (key === 'restore') rc = await cmdRestore(ctx);
    else if (key === 'restore ls') {
      ctx.io.out.write(restoresTable(await listInstanceRestores(ctx, ctx.namespaceOrDefault())));
    } else if (key === 'get backups') await cmdGet(ctx, 'backups');
    else if (key === 'get restores') await cmdGet(ctx, 'restores');
    else throw new CliError(`unknown command "${key}"`);
    return rc ?? 0;
  } catch (e) {
    const msg = e instanceof CliError ? e.message : e instanceof Error ? e.message : String(e);
    io.err.write(`Error: ${msg}\n`);
    return 1;
  }
}

function isMain(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isMain()) {
  const argv = process.argv.slice(2);
  // os.Args as the real binary sees them (the wrapper passes its own $0).
  const shown = [process.env.KOTS_STANDIN_ARGV0 || 'kubectl-kots', ...argv];
  run(argv, { out: process.stdout, err: process.stderr, argv: shown }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`Error: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
