/**
 * The KOTS side of the setup: `kubectl kots velero configure-*` points Velero at the destination
 * (so the admin console owns it), and `ensure-permissions` lets a minimal-RBAC kotsadm use Velero.
 * The command builders are kots/configure.ts; this is where they run and are checked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { configureArgs, ensurePermissionsArgs, locationMatches, parseConfigureOutput, type Destination } from '../../kots/configure.js';
import type { Tools } from '../../tools/tools.js';
import { Redactor } from '../../tools/redact.js';
import type { SetupKube } from '../../cluster/rest.js';
import type { BackupStorageLocation } from '../../velero/types.js';
import type { PhaseResult } from './machine.js';
import type { SecretKeeper } from './secrets.js';

export type ConfigureSecrets = Pick<SecretKeeper, 'getDestination' | 'getRegistryPassword' | 'values'>;

export interface ConfigureDeps {
  tools: Pick<Tools, 'start' | 'run'>;
  kube: SetupKube;
  secrets: ConfigureSecrets;
  timeoutMs: number;
}

/** The configure command; without files, placeholders stand for the CA and key files (the review). */
export function configureCommand(w: SetupWizard, secrets: ConfigureSecrets, files: { caCertFile?: string; jsonKeyFile?: string } = {}) {
  const d = w.destination as Destination;
  const reg = w.registry;
  return configureArgs({
    destination: d,
    secrets: secrets.getDestination() ?? {},
    kotsNamespace: w.kotsNamespace ?? 'kotsadm',
    registry:
      reg && w.preflight?.airgap
        ? { registry: reg.namespace ? `${reg.host}/${reg.namespace}` : reg.host, username: reg.username, password: secrets.getRegistryPassword() }
        : undefined,
    caCertFile: files.caCertFile ?? (d.provider === 's3-compatible' && d.caCertPem ? '<ca-cert.pem>' : undefined),
    jsonKeyFile: files.jsonKeyFile ?? (d.provider === 'gcp' ? '<service-account.json>' : undefined),
  });
}

/**
 * What the review says about where the configure command's secrets travel (kots/configure.ts header:
 * kots's viper reads KOTS_<FLAG> only for flags absent from argv, and the access keys and the Azure
 * client secret are required flags).
 */
export function configureSecretsNote(cfg: { env: Record<string, string>; secretFlagsInArgv: string[] }): string {
  const env = Object.keys(cfg.env);
  const inEnv = env.length
    ? ` ${env.join(', ')} ${env.length > 1 ? 'go' : 'goes'} to kubectl kots as an environment variable, which only your user and root can read.`
    : '';
  if (!cfg.secretFlagsInArgv.length)
    return `Secrets are shown as <redacted>. No secret is on kubectl kots's command line.${inEnv} Lifeboat redacts them from its activity log.`;
  return `Secrets are shown as <redacted>. ${cfg.secretFlagsInArgv.join(' and ')} must be on kubectl kots's command line: KOTS v1.131.4 marks ${cfg.secretFlagsInArgv.length > 1 ? 'them' : 'it'} required and then ignores its KOTS_ environment variable, and has no file option for ${cfg.secretFlagsInArgv.length > 1 ? 'them' : 'it'} (kots cmd/kots/cli/velero.go at v1.131.4). While the command runs, any user logged in to the computer running Lifeboat (the app, or the web-mode server) can read ${cfg.secretFlagsInArgv.length > 1 ? 'these values' : 'this value'} in the process list (ps, /proc/<pid>/cmdline). Run it where no one else is logged in, or rotate the credential afterwards.${inEnv} Lifeboat redacts every secret from its activity log.`;
}

/** The configure phase. The CA and service-account key go to kubectl kots as 0600 files that are
 * removed as soon as it exits. */
export async function configurePhase(c: ConfigureDeps, w: SetupWizard, onRun: (runId: string) => void): Promise<PhaseResult> {
  const d = w.destination as Destination;
  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-setup-'));
  try {
    const files: { caCertFile?: string; jsonKeyFile?: string } = {};
    if (d.provider === 's3-compatible' && d.caCertPem) writeFileSync((files.caCertFile = join(dir, 'ca.pem')), d.caCertPem, { mode: 0o600 });
    if (d.provider === 'gcp' && d.auth === 'service-account')
      writeFileSync((files.jsonKeyFile = join(dir, 'key.json')), c.secrets.getDestination()?.serviceAccountJson ?? '', { mode: 0o600 });
    const cfg = configureCommand(w, c.secrets, files);
    const secrets = [...cfg.secrets, ...c.secrets.values()];
    const h = await c.tools.start('kubectl-kots', cfg.args, {
      summary: `Setup: kubectl kots velero ${cfg.args[1]}`,
      timeoutMs: c.timeoutMs,
      env: cfg.env,
      secrets,
    });
    onRun(h.runId);
    const r = await h.done;
    // Success is the exit status (the runner throws on any other) and the location KOTS
    // leaves, not its words: configure-nfs/-hostpath print no success line at all.
    const out = parseConfigureOutput(r.stdout, r.stderr);
    // RunResult is the raw output, and the instructions KOTS prints when it finds no Velero end
    // with its own argv (strings.Join(os.Args, " "), kots cmd/kots/cli/velero.go at v1.131.4),
    // access keys included: the lines quoted in an error are redacted like Activity's.
    const quoted = new Redactor(secrets);
    if (out.printedInstructions)
      throw new LifeboatError(
        'SETUP_FAILED',
        'KOTS did not find Velero and only printed install instructions (nothing was configured).',
        'Check that the Velero server is running, then resume.',
        { lastLines: quoted.redactArgs(r.stdout.split('\n').slice(-12)) },
      );
    const bsl = await c.kube.find<BackupStorageLocation>(`/apis/velero.io/v1/namespaces/${w.veleroNamespace}/backupstoragelocations/default`);
    const match = locationMatches(bsl?.spec, d, w.kotsNamespace ?? 'kotsadm');
    if (!match.ok)
      throw new LifeboatError(
        'SETUP_FAILED',
        `kubectl kots exited 0, but ${match.reason}.`,
        'See the tool output below; its full output is in Activity. Check the destination, then resume.',
        { lastLines: quoted.redactArgs((r.stdout + '\n' + r.stderr).split('\n').slice(-12)) },
      );
    return { message: 'KOTS configured the destination (BackupStorageLocation "default" points at it) and restarted Velero.', runId: h.runId };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ensure-permissions: only a kotsadm limited to its own namespace needs a Role in Velero's. */
export async function permissionsPhase(c: Pick<ConfigureDeps, 'tools'>, w: SetupWizard): Promise<PhaseResult> {
  if (!w.preflight?.minimalRbac) return { skipped: true, message: 'KOTS has cluster-wide access: not needed.' };
  const p = ensurePermissionsArgs(w.kotsNamespace ?? 'kotsadm', w.veleroNamespace);
  const r = await c.tools.run('kubectl-kots', p.args, { summary: 'Setup: kubectl kots velero ensure-permissions', timeoutMs: 120_000 });
  return { message: 'Role and RoleBinding for kotsadm created.', runId: r.runId };
}
