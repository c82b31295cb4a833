/**
 * Errors that cross the API boundary as data. Every failure the operator can see carries a stable
 * code (for tests and for the UI to pick an icon), a message that says what happened, and a hint
 * that says what to do about it. Transports serialise `ApiErrorData`; the renderer rethrows it as
 * `LifeboatError` so screens handle one kind of error.
 */
import { z } from 'zod';

export const errorCodes = [
  'BAD_INPUT',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN_ORIGIN',
  'KUBECONFIG_MISSING',
  'KUBECONFIG_INVALID',
  'CONTEXT_UNKNOWN',
  'NOT_CONNECTED',
  'CLUSTER_UNREACHABLE',
  'CLUSTER_AUTH_FAILED',
  'CERTIFICATE_EXPIRED',
  'PERMISSION_DENIED',
  'TOOL_MISSING',
  'TOOL_TAMPERED',
  'TOOL_FAILED',
  'TOOL_OUTPUT_INVALID',
  'TOOL_TIMEOUT',
  'CANCELLED',
  'REGISTRY_UNREACHABLE',
  'REGISTRY_AUTH_FAILED',
  'REGISTRY_NOT_FOUND',
  'REGISTRY_FAILED',
  'DIGEST_MISMATCH',
  'ARCHIVE_INVALID',
  'INTERNAL',
  'REGISTRY_BUSY',
  'BACKUP_NOT_RESTORABLE',
  'RESTORE_IN_PROGRESS',
  'CONFIRMATION_MISMATCH',
  'WIZARD_OUT_OF_ORDER',
  'VELERO_NOT_READY',
  'RESTORE_FAILED',
  'BACKUP_IN_PROGRESS',
  'BACKUP_FAILED',
  'BACKUP_NOT_FOUND',
  'STORAGE_UNREACHABLE',
  'ADMIN_CONSOLE_UNREACHABLE',
  'INVALID_SCHEDULE',
  'SETUP_IN_PROGRESS',
  'VELERO_ALREADY_INSTALLED',
  'STORAGE_INVALID',
  'DISK_FULL',
  'LOCAL_WRITE_FAILED',
  'IMAGES_MISSING',
  'SETUP_FAILED',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const ApiErrorData = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  hint: z.string().optional(),
  /** Extra facts for the detail view: exit code, the tool's last lines, missing permissions… */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiErrorData = z.infer<typeof ApiErrorData>;

export class LifeboatError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LifeboatError';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }

  toData(): ApiErrorData {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }

  static fromData(data: ApiErrorData): LifeboatError {
    return new LifeboatError(data.code, data.message, data.hint, data.details);
  }
}

/** Anything thrown below the API becomes data; unknown throwables are INTERNAL, never swallowed. */
export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof LifeboatError) return err.toData();
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    message: `Lifeboat hit an unexpected error: ${message}`,
    hint: 'This is a bug in Lifeboat. The Activity screen has the details; please report them.',
  };
}
