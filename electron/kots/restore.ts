/**
 * `kubectl kots restore --from-backup <backup>`: the argv builder and the JSON output parser
 * (kots cmd/kots/cli/restore.go and pkg/snapshot/restore.go at v1.131.4).
 *
 * Lifeboat always passes `-o json` and `--wait-for-apps=false`: it follows the Velero Restores
 * itself, with its own timeouts, because the CLI's waits have none and because with `-o json` the
 * CLI exits 0 even on error (the error is inside the JSON). A `{"success":true}` proves nothing
 * either: the CLI returns it without restoring anything for a backup that is not restorable, so the
 * caller must check the backup first and the Velero Restores afterwards.
 */
import { LifeboatError } from '../api/errors.js';

export type RestoreScope = 'full' | 'app' | 'admin-console';

/** A Velero object name (RFC 1123 subdomain): also keeps anything flag-like out of argv. */
export const BACKUP_NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface RestoreArgsInput {
  backup: string;
  /** full: admin console then apps; app: `--exclude-admin-console`; admin-console: `--exclude-apps`. */
  scope: RestoreScope;
  /** Only needed with minimal RBAC; otherwise the CLI finds the Deployment named velero. */
  veleroNamespace?: string;
}

export function restoreArgs(input: RestoreArgsInput): string[] {
  if (!BACKUP_NAME_RE.test(input.backup) || input.backup.length > 253) {
    throw new LifeboatError('BAD_INPUT', `"${input.backup.slice(0, 80)}" is not a Velero backup name.`, 'Pick the backup from the list.');
  }
  const args = ['restore', '--from-backup', input.backup];
  if (input.scope === 'app') args.push('--exclude-admin-console');
  if (input.scope === 'admin-console') args.push('--exclude-apps');
  args.push('--wait-for-apps=false');
  if (input.veleroNamespace) args.push('--velero-namespace', input.veleroNamespace);
  args.push('-o', 'json');
  return args;
}

export interface RestoreOutput {
  success: boolean;
  error?: string;
}

/**
 * The CLI prints `{"success":bool,"error":"…"}` (possibly after other lines, e.g. a spinner or a
 * hint). Takes the last line that is such an object; anything else is TOOL_OUTPUT_INVALID.
 */
export function parseRestoreOutput(stdout: string): RestoreOutput {
  const candidates = [
    stdout.trim(),
    ...stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{'))
      .reverse(),
  ];
  for (const text of candidates) {
    if (!text.startsWith('{')) continue;
    try {
      const v = JSON.parse(text) as { success?: unknown; error?: unknown };
      if (typeof v.success === 'boolean') {
        const error = typeof v.error === 'string' && v.error ? v.error : undefined;
        return { success: v.success && !error, ...(error ? { error } : {}) };
      }
    } catch {
      // not this line
    }
  }
  throw new LifeboatError(
    'TOOL_OUTPUT_INVALID',
    'kubectl kots restore printed something Lifeboat cannot read (expected {"success":…}).',
    'The kots CLI may be a different version than Lifeboat expects. Its output is in Activity; check the Velero restores before trusting anything.',
    { stdout: stdout.slice(-2000) },
  );
}
