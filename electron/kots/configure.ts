/**
 * `kubectl kots velero configure-*` and `ensure-permissions` command builders (kots
 * cmd/kots/cli/velero.go, registryFlags in cmd/kots/cli/install.go, pkg/snapshot/store.go and
 * pkg/snapshot/velero.go at v1.131.4).
 * Pure: no I/O.
 *
 * Secrets and argv: any local user can read a process's argv (/proc/<pid>/cmdline is mode 0444 on
 * Linux, and `ps` shows it), while its environment (/proc/<pid>/environ) is mode 0400, readable only by
 * the same user and root. Checked on Linux 6.18: a child spawned with a secret in argv and one in env,
 * read as uid 65534 — cmdline printed the argv secret, environ gave "Permission denied".
 * What kubectl-kots v1.131.4 accepts, by its source:
 * - kots cmd/kots/cli/root.go at v1.131.4: `viper.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))`,
 *   and in initConfig (cobra.OnInitialize) `viper.SetEnvPrefix("KOTS")` + `viper.AutomaticEnv()`: every
 *   `v.GetString("some-flag")` also reads KOTS_SOME_FLAG when the flag was not given on argv.
 * - kots cmd/kots/cli/velero.go at v1.131.4: configure-aws-s3 access-key and configure-other-s3 call
 *   `cmd.MarkFlagRequired("access-key-id")` and `cmd.MarkFlagRequired("secret-access-key")`,
 *   configure-azure service-principle `cmd.MarkFlagRequired("client-secret")`. Cobra (v1.10.2,
 *   ValidateRequiredFlags) refuses a required flag that is not `Changed` on argv, and viper (v1.21.0,
 *   find) returns a Changed flag's value before it looks at the environment, so even
 *   `--secret-access-key=` with KOTS_SECRET_ACCESS_KEY set yields "". These values must stay in argv.
 *   The real binary answers `Error: required flag(s) "secret-access-key" not set` with the value only
 *   in KOTS_SECRET_ACCESS_KEY (likewise "client-secret" with KOTS_CLIENT_SECRET).
 * - registryFlags (cmd/kots/cli/install.go at v1.131.4), read by getRegistryConfig through
 *   `v.GetString("registry-password")`, are not required: the password goes in KOTS_REGISTRY_PASSWORD
 *   and never reaches argv. The real binary, with no cluster, takes KOTS_KOTSADM_REGISTRY from the
 *   environment the same way (it skips the cluster's registry lookup and prints that registry's images).
 * - configure-gcp service-account reads the key from `--json-file` (os.ReadFile): the caller writes a
 *   0600 file and passes its path. The CA bundle (--cacert) likewise.
 * Every secret value, in argv or env, is also returned in `secrets` so the runner redacts it from the
 * journal, events and errors; `secretFlagsInArgv` names the flags whose values are still in argv.
 */

export type Destination =
  | { provider: 'aws'; auth: 'access-key' | 'instance-role'; bucket: string; region: string; prefix?: string; checkFromHere?: boolean }
  | { provider: 's3-compatible'; bucket: string; region: string; endpoint: string; prefix?: string; caCertPem?: string }
  | {
      provider: 'gcp';
      auth: 'service-account' | 'workload-identity';
      bucket: string;
      prefix?: string;
      serviceAccount?: string;
      endpoint?: string;
      checkFromHere?: boolean;
    }
  | {
      provider: 'azure';
      container: string;
      resourceGroup: string;
      storageAccount: string;
      subscriptionId: string;
      tenantId: string;
      clientId: string;
      cloudName: string;
      prefix?: string;
      endpoint?: string;
      checkFromHere?: boolean;
    }
  | { provider: 'nfs'; server: string; path: string }
  | { provider: 'hostpath'; path: string };

export interface DestinationSecrets {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** GCP service-account JSON key. */
  serviceAccountJson?: string;
  /** Azure service principal secret. */
  clientSecret?: string;
  /** Azure storage account key: only for the check from this computer against an emulator
   * (Azurite); KOTS's configure-azure takes a service principal only, so the product never sends it. */
  storageAccountKey?: string;
}

export interface RegistryFlags {
  /** host[/namespace] */
  registry: string;
  username?: string;
  password?: string;
}

export interface ConfigureInput {
  destination: Destination;
  secrets: DestinationSecrets;
  kotsNamespace: string;
  /** Only configure-other-s3, configure-nfs and configure-hostpath take registry flags. */
  registry?: RegistryFlags;
  /** Path of the CA bundle file (s3-compatible with caCertPem). */
  caCertFile?: string;
  /** Path of the GCP JSON key file. */
  jsonKeyFile?: string;
}

export interface BuiltCommand {
  args: string[];
  /** Environment for the child: secrets kots reads through viper's KOTS_ variables instead of argv. */
  env: Record<string, string>;
  /** Values the runner must redact (those in argv and those in env). */
  secrets: string[];
  /** Flags whose secret values must still be in argv (required flags: see the header). */
  secretFlagsInArgv: string[];
  /** What the command will do to the cluster, for the review step. */
  effects: string[];
}

/**
 * Why GCP workload identity cannot be configured with the kots CLI: configure-gcp workload-identity
 * (kots cmd/kots/cli/velero.go at v1.131.4) passes the service account without UseInstanceRole, so
 * ConfigureStore (pkg/snapshot/store.go) keeps a JSON key stored before, ignoring the service account,
 * or fails with "missing JSON file". The admin console's snapshot settings send useInstanceRole.
 */
export const GCP_WORKLOAD_IDENTITY_REFUSAL = {
  reason:
    'KOTS\'s `kubectl kots velero configure-gcp workload-identity` (v1.131.4) does not set UseInstanceRole: with no JSON key stored before it fails with "missing JSON file", and with one it keeps using that key and ignores the service account.',
  fix: 'Use a service-account JSON key here, or set up workload identity in the admin console (Snapshots → Settings → Google Cloud Storage → "Use workload identity"), then come back to verify.',
};

/**
 * KOTS validates AWS, GCP and Azure stores in the CLI process itself (pkg/snapshot/store.go
 * validateStore at v1.131.4), i.e. from this computer; an instance role is asked of this computer's
 * EC2 metadata service and can never pass from a workstation. Skipping it leaves the check to the
 * cluster: the setup verifies the BackupStorageLocation becomes Available.
 */
function skipsCheckFromHere(d: Destination): boolean {
  if (d.provider === 'aws' && d.auth === 'instance-role') return true;
  return (d.provider === 'aws' || d.provider === 'gcp' || d.provider === 'azure') && d.checkFromHere === false;
}

export const REGISTRY_FLAG_COMMANDS = new Set(['s3-compatible', 'nfs', 'hostpath']);

/** The variable kots's viper reads for a flag: prefix KOTS, '-' → '_' (kots cmd/kots/cli/root.go at v1.131.4). */
export function kotsEnvName(flag: string): string {
  return `KOTS_${flag.replace(/^--/, '').toUpperCase().replace(/-/g, '_')}`;
}

const req = (v: string | undefined, what: string): string => {
  if (!v) throw new Error(`${what} is required`);
  return v;
};

export function configureArgs(c: ConfigureInput): BuiltCommand {
  const d = c.destination;
  const b = commandBuilder();
  switch (d.provider) {
    case 'aws':
      awsCommand(b, d, c.secrets);
      break;
    case 's3-compatible':
      s3CompatibleCommand(b, d, c);
      break;
    case 'gcp':
      gcpCommand(b, d, c);
      break;
    case 'azure':
      azureCommand(b, d, c.secrets);
      break;
    case 'nfs':
      b.args.push('configure-nfs', '--nfs-server', d.server, '--nfs-path', d.path, '--force-reset');
      b.effects.push('Deploys kotsadm-fs-minio (Deployment, Service, Secret, ConfigMap) in the KOTS namespace, backed by the NFS export.');
      break;
    case 'hostpath':
      b.args.push('configure-hostpath', '--hostpath', d.path, '--force-reset');
      b.effects.push('Deploys kotsadm-fs-minio (Deployment, Service, Secret, ConfigMap) in the KOTS namespace, backed by the host path.');
      break;
  }
  if (skipsCheckFromHere(d)) b.args.push('--skip-validation');
  if (c.registry && REGISTRY_FLAG_COMMANDS.has(d.provider)) registryFlags(b, c.registry);
  b.args.push('-n', c.kotsNamespace);
  b.effects.push(
    'Patches Deployment velero and DaemonSet node-agent: cloud-credentials volume and env, imagePullSecrets registry-credentials.',
    'Deletes BackupRepositories of location "default" and restarts the Velero pods (running backups fail).',
  );
  const { args, env, secrets, secretFlagsInArgv, effects } = b;
  return { args, env, secrets, secretFlagsInArgv, effects };
}

/** The command as it is built: argv, the child's environment and the values to redact, in the order added. */
interface CommandBuilder extends BuiltCommand {
  /** A required flag (cobra MarkFlagRequired): only argv satisfies it. */
  secretInArgv(flag: string, v: string | undefined, what: string): void;
  /** An optional flag: kots reads KOTS_<FLAG> when the flag is absent, so it never reaches argv. */
  secretInEnv(flag: string, v: string | undefined, what: string): void;
  prefix(p?: string): void;
}

function commandBuilder(): CommandBuilder {
  const secrets: string[] = [];
  const secretFlagsInArgv: string[] = [];
  const env: Record<string, string> = {};
  const args: string[] = ['velero'];
  const effects = ['Upserts BackupStorageLocation "default" in the Velero namespace (spec.config reset for the new provider).'];
  return {
    args,
    env,
    secrets,
    secretFlagsInArgv,
    effects,
    secretInArgv(flag, v, what) {
      const value = req(v, what);
      secrets.push(value);
      secretFlagsInArgv.push(flag);
      args.push(flag, value);
    },
    secretInEnv(flag, v, what) {
      const value = req(v, what);
      secrets.push(value);
      env[kotsEnvName(flag)] = value;
    },
    prefix(p) {
      if (p) args.push('--path', p);
    },
  };
}

type DestinationOf<P extends Destination['provider']> = Extract<Destination, { provider: P }>;

function awsCommand(b: CommandBuilder, d: DestinationOf<'aws'>, s: DestinationSecrets): void {
  b.args.push('configure-aws-s3', d.auth, '--bucket', d.bucket, '--region', d.region);
  b.prefix(d.prefix);
  if (d.auth === 'access-key') {
    b.secretInArgv('--access-key-id', s.accessKeyId, 'The access key ID');
    b.secretInArgv('--secret-access-key', s.secretAccessKey, 'The secret access key');
  }
  b.effects.push('Writes Secret "cloud-credentials" (INI access keys; empty for an instance role).');
  if (d.auth === 'instance-role')
    b.effects.push(
      "KOTS's own bucket check is skipped (--skip-validation): it would ask this computer's EC2 metadata service for the role, so the bucket is checked from the cluster, not from this computer: Velero must report the location Available.",
    );
  else
    b.effects.push(
      d.checkFromHere === false
        ? "KOTS's own bucket check from this computer is skipped (--skip-validation), as chosen: the bucket is checked from the cluster only."
        : 'KOTS validates the bucket from the CLI process, i.e. from this computer.',
    );
}

function s3CompatibleCommand(b: CommandBuilder, d: DestinationOf<'s3-compatible'>, c: ConfigureInput): void {
  b.args.push('configure-other-s3', '--bucket', d.bucket, '--region', d.region, '--endpoint', d.endpoint);
  b.prefix(d.prefix);
  b.secretInArgv('--access-key-id', c.secrets.accessKeyId, 'The access key ID');
  b.secretInArgv('--secret-access-key', c.secrets.secretAccessKey, 'The secret access key');
  if (d.caCertPem) b.args.push('--cacert', req(c.caCertFile, 'The CA certificate file'));
  b.effects.push(
    'Writes Secret "cloud-credentials" (INI access keys) and sets s3Url, s3ForcePathStyle=true, region.',
    'Validates the bucket from a kotsadm-validate pod in the KOTS namespace.',
  );
}

function gcpCommand(b: CommandBuilder, d: DestinationOf<'gcp'>, c: ConfigureInput): void {
  if (d.auth === 'workload-identity') throw new Error(`${GCP_WORKLOAD_IDENTITY_REFUSAL.reason} ${GCP_WORKLOAD_IDENTITY_REFUSAL.fix}`);
  b.args.push('configure-gcp', 'service-account', '--bucket', d.bucket);
  b.prefix(d.prefix);
  b.args.push('--json-file', req(c.jsonKeyFile, 'The service-account JSON file'));
  if (c.secrets.serviceAccountJson) b.secrets.push(c.secrets.serviceAccountJson);
  b.effects.push(
    'Writes Secret "cloud-credentials" holding the JSON key (provider gcp, no location config).',
    d.checkFromHere === false
      ? "KOTS's own bucket check from this computer is skipped (--skip-validation), as chosen: the bucket is checked from the cluster only."
      : 'KOTS validates the bucket from the CLI process, i.e. from this computer.',
  );
}

function azureCommand(b: CommandBuilder, d: DestinationOf<'azure'>, s: DestinationSecrets): void {
  b.args.push(
    'configure-azure',
    'service-principle',
    '--container',
    d.container,
    '--resource-group',
    d.resourceGroup,
    '--storage-account',
    d.storageAccount,
    '--subscription-id',
    d.subscriptionId,
    '--tenant-id',
    d.tenantId,
    '--client-id',
    d.clientId,
    '--cloud-name',
    d.cloudName,
  );
  b.secretInArgv('--client-secret', s.clientSecret, 'The client secret');
  b.prefix(d.prefix);
  b.effects.push(
    'Writes Secret "cloud-credentials" with AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_RESOURCE_GROUP and AZURE_CLOUD_NAME lines, and sets the location\'s config resourceGroup, storageAccount and subscriptionId (provider azure).',
    d.checkFromHere === false
      ? "KOTS's own container check from this computer is skipped (--skip-validation), as chosen: the container is checked from the cluster only."
      : 'KOTS validates the container from the CLI process, i.e. from this computer.',
  );
}

/** Registry flags: the password only through KOTS_REGISTRY_PASSWORD (see the header). */
function registryFlags(b: CommandBuilder, r: RegistryFlags): void {
  b.args.push('--kotsadm-registry', r.registry);
  if (r.username) b.args.push('--registry-username', r.username);
  if (r.password) b.secretInEnv('--registry-password', r.password, 'The registry password');
  if (r.username && r.password) b.effects.push('Creates/updates Secret "registry-credentials" (dockerconfigjson) in the Velero namespace.');
}

export function ensurePermissionsArgs(kotsNamespace: string, veleroNamespace: string): BuiltCommand {
  return {
    args: ['velero', 'ensure-permissions', '--velero-namespace', veleroNamespace, '-n', kotsNamespace],
    env: {},
    secrets: [],
    secretFlagsInArgv: [],
    effects: [
      `Creates Role kotsadm-role and RoleBinding kotsadm-rolebinding in ${veleroNamespace}, and ConfigMap kotsadm-velero-namespace in ${kotsNamespace}.`,
    ],
  };
}

export interface ConfigureOutcome {
  /** It only printed install instructions (Velero not detected) — exit 0 but nothing changed. */
  printedInstructions: boolean;
  /** The CLI's own error line, if any. */
  error?: string;
}

/**
 * Reads what the configure output can tell. It does NOT decide success: the object-store commands
 * print "Store Configured Successfully" but configure-nfs and configure-hostpath print nothing of the
 * kind (kots cmd/kots/cli/velero.go at v1.131.4, veleroConfigureFileSystem), so success is the exit
 * status plus the BackupStorageLocation the command leaves (locationMatches), verified Available later.
 * The one exit-0 failure it recognizes: Velero not detected, when kots prints install instructions
 * instead (pkg/print/velero.go, VeleroInstallationInstructionsForCLI).
 */
export function parseConfigureOutput(stdout: string, stderr = ''): ConfigureOutcome {
  const all = `${stdout}\n${stderr}`;
  const printedInstructions = /No Velero installation has been detected|Follow these instructions to set up Velero/i.test(all);
  const errLine = all
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^Error:|failed to configure store|does not have the/i.test(l))
    .pop();
  return { printedInstructions, ...(errLine ? { error: errLine } : {}) };
}

/** The parts of a BackupStorageLocation that say where it points. */
export interface LocationSpec {
  provider?: string;
  objectStorage?: { bucket?: string; prefix?: string };
  config?: Record<string, string>;
}

/** KOTS's file-system MinIO, as KOTS writes it into the location (pkg/snapshot/store.go, filesystem_minio.go). */
export function fileSystemMinioUrl(kotsNamespace: string): string {
  return `http://kotsadm-fs-minio.${kotsNamespace}:9000`;
}

/**
 * Whether BackupStorageLocation "default" now points at the destination the operator chose: the
 * check that replaces reading success out of the CLI's words. Returns the reason when it does not.
 */
export function locationMatches(spec: LocationSpec | undefined, d: Destination, kotsNamespace: string): { ok: true } | { ok: false; reason: string } {
  if (!spec) return { ok: false, reason: 'there is no BackupStorageLocation "default" afterwards' };
  const where = `${spec.provider ?? '?'} ${spec.objectStorage?.bucket ?? '?'}${spec.objectStorage?.prefix ? `/${spec.objectStorage.prefix}` : ''}${spec.config?.s3Url ? ` at ${spec.config.s3Url}` : ''}`;
  const no = (what: string) => ({ ok: false as const, reason: `BackupStorageLocation "default" still points at ${where} (${what})` });
  if (d.provider === 'nfs' || d.provider === 'hostpath') {
    const url = fileSystemMinioUrl(kotsNamespace);
    return spec.provider === 'aws' && spec.config?.s3Url === url ? { ok: true } : no(`expected KOTS's file-system MinIO at ${url}`);
  }
  // Object stores: the provider Velero's plugin answers to, the bucket (Azure: container) and prefix.
  const provider = d.provider === 's3-compatible' ? 'aws' : d.provider;
  const bucket = d.provider === 'azure' ? d.container : d.bucket;
  const want = `${bucket}${d.prefix ? `/${d.prefix}` : ''}`;
  if (spec.provider !== provider) return no(`expected provider ${provider}`);
  if (spec.objectStorage?.bucket !== bucket || (spec.objectStorage?.prefix ?? '') !== (d.prefix ?? ''))
    return no(`expected ${d.provider === 'azure' ? 'container ' : ''}${want}`);
  if (d.provider === 's3-compatible' && (spec.config?.s3Url ?? '').replace(/\/$/, '') !== d.endpoint.replace(/\/$/, ''))
    return no(`expected the endpoint ${d.endpoint}`);
  return { ok: true };
}
