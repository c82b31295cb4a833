/**
 * Redaction of secrets from anything Lifeboat shows or records: tool output lines, argv, events,
 * error messages and journal entries. A Redactor knows the exact secret values of one run (passed
 * by whoever starts the run) and a fixed set of patterns that catch secrets it was not told about.
 */

export const REDACTED = '***';

/** Patterns whose capture group 1 is kept and the rest of the match is replaced. */
const PATTERNS: RegExp[] = [
  // --secret-access-key=XYZ, --password XYZ, --token=XYZ, --registry-password=XYZ …
  /(--(?:[a-z-]*secret[a-z-]*|[a-z-]*password|token|[a-z-]*-token|client-key-data|kubeconfig-data)(?:=|\s+))(?!\*\*\*)("[^"]*"|'[^']*'|\S+)/gi,
  // aws_secret_access_key = XYZ / aws_session_token=XYZ (INI credential files)
  /((?:aws_secret_access_key|aws_session_token|secret_access_key|secretkey|secret_key)\s*[=:]\s*)(?!\*\*\*)("[^"]*"|\S+)/gi,
  // Authorization: Bearer XYZ / bearer tokens anywhere
  /(\bbearer\s+)(?!\*\*\*)([A-Za-z0-9._~+/=-]{8,})/gi,
  // Basic auth in a URL: https://user:pass@host
  /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)(?!\*\*\*)([^@\s]+)(?=@)/gi,
  // "password": "XYZ" / password=XYZ / token: XYZ in JSON, YAML or env-like text
  /((?:"|\b)(?:password|passwd|token|secret|client-key-data|token-data)"?\s*[:=]\s*"?)(?!\*\*\*)([^"\s,}]+)/gi,
];

export class Redactor {
  private readonly secrets: string[];

  /** Values shorter than 4 characters are ignored: redacting "a" would wreck every line. */
  constructor(secrets: Iterable<string | undefined | null> = []) {
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))]
      // longest first, so a secret that contains another is replaced whole
      .sort((a, b) => b.length - a.length);
  }

  /** A new redactor that also knows these values. */
  with(secrets: Iterable<string | undefined | null>): Redactor {
    return new Redactor([...this.secrets, ...secrets]);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(REDACTED);
    for (const p of PATTERNS) out = out.replace(p, (_m, keep: string) => `${keep}${REDACTED}`);
    return out;
  }

  redactArgs(args: readonly string[]): string[] {
    return args.map((a) => this.redact(a));
  }

  /** Deep-redacts every string inside a JSON-like value (error details, event payloads). */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactValue(v);
      return out as T;
    }
    return value;
  }
}
