/**
 * `kubectl kots backup`: the argv builder and the JSON output parser (kots cmd/kots/cli/backup.go
 * and pkg/snapshot/backup.go at v1.131.4).
 *
 * Lifeboat always passes `--wait=false -o json` and follows the Velero Backup itself: the CLI's wait
 * has no timeout, and with `-o json` the CLI exits 0 even on error (the error is inside the JSON).
 * So the JSON decides, never the exit code, and `{"success":true}` only means KOTS accepted the
 * request: the caller must still find the Velero Backup and watch it finish.
 */
import { LifeboatError } from '../api/errors.js';

/** A Kubernetes namespace name (RFC 1123 label): also keeps anything flag-like out of argv. */
const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function backupArgs(kotsadmNamespace: string): string[] {
  if (!NAMESPACE_RE.test(kotsadmNamespace) || kotsadmNamespace.length > 63) {
    throw new LifeboatError(
      'BAD_INPUT',
      `"${kotsadmNamespace.slice(0, 80)}" is not a namespace name.`,
      'Lifeboat reads the admin console namespace from the cluster; detect the environment again.',
    );
  }
  // -n defaults to "default" in the CLI, so it is always given.
  return ['backup', '-n', kotsadmNamespace, '--wait=false', '-o', 'json'];
}

export interface BackupOutput {
  success: boolean;
  /** The Velero Backup's own name (kots pkg/kotsadmsnapshot/backup.go at v1.131.4: generateName "instance-"). */
  backupName?: string;
  error?: string;
}

/**
 * Reads `{"success":bool,"backupName":"…","error":"…"}` (the last such object in stdout; the CLI may
 * print hints before it). An `error` inside means failure whatever `success` and the exit code say.
 */
export function parseBackupOutput(stdout: string): BackupOutput {
  const lines = stdout.split('\n').map((l) => l.trim());
  const candidates = [stdout.trim(), ...lines.filter((l) => l.startsWith('{')).reverse()];
  for (const text of candidates) {
    if (!text.startsWith('{')) continue;
    try {
      const v = JSON.parse(text) as { success?: unknown; backupName?: unknown; error?: unknown };
      if (typeof v.success !== 'boolean') continue;
      const error = typeof v.error === 'string' && v.error.trim() ? v.error.trim() : undefined;
      const backupName = typeof v.backupName === 'string' && v.backupName ? v.backupName : undefined;
      return {
        success: v.success && !error,
        ...(backupName ? { backupName } : {}),
        ...(error ? { error } : v.success ? {} : { error: 'the kots CLI reported failure without a reason' }),
      };
    } catch {
      // not this line
    }
  }
  throw new LifeboatError(
    'TOOL_OUTPUT_INVALID',
    'kubectl kots backup printed something Lifeboat cannot read (expected {"success":…}).',
    'The kots CLI may be a different version than Lifeboat expects. Its output is in Activity; check the Backups list before trusting anything.',
    { stdout: stdout.slice(-2000) },
  );
}

/** Turns a failed BackupOutput into the error the operator sees, with a fix for the known causes. */
export function backupFailure(out: BackupOutput, namespace: string): LifeboatError {
  const msg = out.error ?? 'unknown error';
  let hint = "The kots CLI's own words are above; its full output is in Activity. Nothing was backed up.";
  if (/minimal RBAC/i.test(msg))
    hint = `The admin console cannot reach Velero. Run \`kubectl kots velero ensure-permissions --namespace ${namespace} --velero-namespace <velero namespace>\`, then try again.`;
  else if (/port forward|kotsadm pod/i.test(msg))
    hint = `The admin console pod in namespace ${namespace} is not reachable. Check that it is running (\`kubectl get pods -n ${namespace}\`).`;
  else if (/401|Unauthorized|auth/i.test(msg)) hint = `The admin console refused the request. Check Secret kotsadm-authstring in namespace ${namespace}.`;
  else if (/backup store|storage location|bsl/i.test(msg)) hint = 'Check the backup storage location under Setup.';
  return new LifeboatError('BACKUP_FAILED', `KOTS did not start the backup: ${msg}`, hint, { kotsError: msg });
}
