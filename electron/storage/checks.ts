/** One storage check result (the contract's Check shape) and its constructors, shared by the
 * provider modules (validate.ts for S3, gcs.ts, azure.ts). */
export interface StorageCheck {
  ok: boolean;
  severity: 'ok' | 'warning' | 'error';
  title: string;
  reason?: string;
  fix?: string;
}

export const pass = (title: string, reason?: string): StorageCheck => ({ ok: true, severity: 'ok', title, reason });
export const fail = (title: string, reason: string, fix: string): StorageCheck => ({ ok: false, severity: 'error', title, reason, fix });
export const warn = (title: string, reason: string, fix?: string): StorageCheck => ({ ok: true, severity: 'warning', title, reason, fix });
