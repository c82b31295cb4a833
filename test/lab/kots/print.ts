/**
 * Output helpers that mimic the real CLI: the CLILogger's "  • …" lines (spinner marks only on a
 * terminal), Go's tabwriter tables for `get backups|restores`, and Go's time.Time String().
 */

export class CliLogger {
  private silent = false;
  private spinning = false;
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly tty = Boolean((process.stdout as { isTTY?: boolean }).isTTY),
  ) {}
  silence(): void {
    this.silent = true;
  }
  actionWithSpinner(msg: string): void {
    if (this.silent) return;
    this.out.write(`  • ${msg}`);
    if (!this.tty) {
      this.out.write('\n');
      return;
    }
    this.spinning = true;
  }
  childActionWithSpinner(msg: string): void {
    if (this.silent) return;
    this.out.write(`    • ${msg}${this.tty ? '' : '\n'}`);
    this.spinning = this.tty;
  }
  finishSpinner(): void {
    if (this.silent || !this.spinning) return;
    this.out.write(' ✓  \n');
    this.spinning = false;
  }
  finishSpinnerWithError(): void {
    if (this.silent || !this.spinning) return;
    this.out.write(' ✗  \n');
    this.spinning = false;
  }
  actionWithoutSpinner(msg: string): void {
    if (this.silent) return;
    if (!msg) {
      this.out.write('\n');
      return;
    }
    this.out.write(`  • ${msg}\n`);
  }
  info(msg: string): void {
    if (this.silent) return;
    this.out.write(`    ${msg}\n\n`);
  }
  raw(s: string): void {
    if (!this.silent) this.out.write(s);
  }
}

/** Go's tabwriter with minwidth 0, tabwidth 8, padding 3, padchar ' ' (no trailing spaces on the last cell). */
export function tabwrite(rows: string[][], padding = 3): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - [...c].length + padding))).join(''))
    .join('\n') + '\n';
}

/** Go's `%s` of a *time.Time: "2006-01-02 15:04:05 -0700 MST" in the local zone, or "<nil>". */
export function goTime(iso: string | undefined): string {
  if (!iso) return '<nil>';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || d.getTime() <= 0) return '<nil>';
  const offMin = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offMin * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}`;
  const sign = offMin >= 0 ? '+' : '-';
  const off = `${sign}${p(Math.floor(Math.abs(offMin) / 60))}${p(Math.abs(offMin) % 60)}`;
  let zone = 'UTC';
  if (offMin !== 0) {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName');
    zone = part?.value ?? off;
  }
  return `${date} ${off} ${zone}`;
}

export interface BackupLike {
  metadata: { name?: string };
  status?: { phase?: string; errors?: number; warnings?: number; startTimestamp?: string; completionTimestamp?: string; expiration?: string };
}
export interface RestoreLike {
  metadata: { name?: string };
  spec: { backupName?: string };
  status?: { phase?: string; errors?: number; warnings?: number; startTimestamp?: string; completionTimestamp?: string };
}

export function backupsTable(backups: BackupLike[], now = new Date()): string {
  const rows = [['NAME', 'STATUS', 'ERRORS', 'WARNINGS', 'STARTED', 'COMPLETED', 'EXPIRES']];
  for (const b of backups) {
    let expires = '';
    if (b.status?.expiration) {
      const hours = (new Date(b.status.expiration).getTime() - now.getTime()) / 3_600_000;
      // Go: uint64(hours/24) of a negative float is implementation-defined; clamp at 0.
      expires = `${Math.max(0, Math.floor(hours / 24))}d`;
    }
    rows.push([
      b.metadata.name ?? '',
      b.status?.phase || 'New',
      String(b.status?.errors ?? 0),
      String(b.status?.warnings ?? 0),
      goTime(b.status?.startTimestamp),
      goTime(b.status?.completionTimestamp),
      expires,
    ]);
  }
  return tabwrite(rows);
}

export function restoresTable(restores: RestoreLike[]): string {
  const rows = [['NAME', 'BACKUP', 'STATUS', 'STARTED', 'COMPLETED', 'ERRORS', 'WARNINGS']];
  for (const r of restores) {
    rows.push([
      r.metadata.name ?? '',
      r.spec.backupName ?? '',
      r.status?.phase || 'New',
      goTime(r.status?.startTimestamp),
      goTime(r.status?.completionTimestamp),
      String(r.status?.errors ?? 0),
      String(r.status?.warnings ?? 0),
    ]);
  }
  return tabwrite(rows);
}

/** json.MarshalIndent(x, "", "    ") */
export function jsonIndent(x: unknown): string {
  return JSON.stringify(x, null, 4);
}
