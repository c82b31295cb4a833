/**
 * Shapes and helpers more than one area of the contract uses (electron/api/contract.ts is the index).
 * Each is defined once here; the areas import it rather than repeating it.
 */
import { z } from 'zod';

/** An eligibility or health check: ok, and when not, why and how to fix it. */
export const Check = z.object({
  ok: z.boolean(),
  /** "warning" is ok-but-attention; "error" blocks. */
  severity: z.enum(['ok', 'warning', 'error']),
  title: z.string(),
  reason: z.string().optional(),
  fix: z.string().optional(),
});
export type Check = z.infer<typeof Check>;

/**
 * A failure recorded in a persisted or reported state (a job, an apply, a run): its stable code, what
 * happened and what to do. Looser than ApiErrorData (errors.ts), which is what a rejected call carries:
 * the code here is any string.
 */
export const ErrorData = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });
export type ErrorData = z.infer<typeof ErrorData>;

/** A local path the operator chose (kubeconfig, export destination, archive, CA PEM). */
export const LocalPath = z.string().min(1).max(4096);

/** A Velero Backup's name (RFC 1123 subdomain). */
export const VeleroBackupName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Velero backup name (lower-case letters, digits, - and .)');

/** An application in a backup: its slug and, when recorded, its version. */
export const AppVersion = z.object({ slug: z.string(), version: z.string().optional() });

/** One of the Velero Backups an improved-disaster-recovery backup is made of (replicated.com/backup-type infra / app). */
export const VeleroBackupPart = z.object({ name: z.string(), type: z.string(), phase: z.string() });

/** A destructive step's confirmation: the operator types the name it asks for. */
export const ConfirmInput = z.object({ confirm: z.string().max(253) }).strict();

/** Whether a cancel request reached something to cancel. */
export const CancelResult = z.object({ cancelled: z.boolean() });

export const empty = z.object({}).strict();

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}
