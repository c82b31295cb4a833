/**
 * Redaction of secrets from anything Lifeboat shows or records: tool output lines, argv, events,
 * error messages and journal entries. A Redactor knows the exact secret values of one run (passed
 * by whoever starts the run) and a fixed set of patterns that catch secrets it was not told about.
 */

export const REDACTED = '***';

/**
 * Fallback patterns (secrets nobody told the redactor about) work by key context: a value is hidden
 * because of the flag, key or header it follows, never because it merely looks like a key (an
 * access key ID, a kube context or a Secret's name stays readable). Explicit values are always hidden.
 */

/** Flags whose value is a secret: --secret-access-key, --password, --token, --client-secret … */
const SECRET_FLAG =
  /(--([a-z-]*(?:secret|password|passwd|token|client-key-data|kubeconfig-data|account-key|sas)[a-z-]*)(?:=|\s+))(?!\*\*\*)("[^"]*"|'[^']*'|\S+)/gi;
/** … but not flags that name where a secret is (a file, a Secret's name) or say something about it. */
const NOT_A_SECRET_FLAG = /-(?:file|name|ref|path|dir|namespace|ttl|id)$/i;

/** Keys (env, INI, JSON, YAML, query strings, connection strings) whose value is a secret. */
const SECRET_KEY =
  /^(?:[a-z0-9_.-]*(?:password|passwd|secret|token|account[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|api[_-]?key|client-key-data|kubeconfig-data|dockerconfigjson)|sig|x-amz-signature|x-amz-security-token|auth)$/i;
/** A key and its separator; the value is taken only when the key is a secret key. */
const KEY_SEP = /(?<![A-Za-z0-9_.-])(["']?)(\.?[A-Za-z][A-Za-z0-9_.-]*)\1(\s*[:=]\s*)/g;
const VALUE = /"[^"]*"|'[^']*'|[^\s"',;&}\]]+/y;

/** Patterns whose capture group 1 is kept and the rest of the match is replaced. */
const PATTERNS: RegExp[] = [
  // Authorization: Bearer XYZ / bearer tokens anywhere
  /(\bbearer\s+)(?!\*\*\*)([A-Za-z0-9._~+/=-]{8,})/gi,
  // Authorization: Basic XYZ
  /(\bauthorization:\s*basic\s+)(?!\*\*\*)([A-Za-z0-9+/=]{4,})/gi,
  // Basic auth in a URL: https://user:pass@host
  /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)(?!\*\*\*)([^@\s]+)(?=@)/gi,
];

/** PEM private keys, whole (BEGIN … END) or cut off at the end of the text. */
const PEM_BLOCK = /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(?:(-----END [A-Z0-9 ]*PRIVATE KEY-----)|$(?![\s\S]))/g;
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;

function redactKeyValues(text: string): string {
  let out = '';
  let last = 0;
  KEY_SEP.lastIndex = 0;
  for (let m = KEY_SEP.exec(text); m; m = KEY_SEP.exec(text)) {
    if (!SECRET_KEY.test(m[2]) || /(?:name|ref|file|path)$/i.test(m[2])) {
      KEY_SEP.lastIndex = m.index + m[0].length;
      continue;
    }
    const at = m.index + m[0].length;
    VALUE.lastIndex = at;
    const v = VALUE.exec(text);
    if (!v || v[0] === REDACTED || v[0] === `"${REDACTED}"` || v[0] === `'${REDACTED}'`) continue;
    const q = v[0][0] === '"' || v[0][0] === "'" ? v[0][0] : '';
    out += text.slice(last, at) + `${q}${REDACTED}${q}`;
    last = at + v[0].length;
    KEY_SEP.lastIndex = last;
  }
  return out + text.slice(last);
}

function redactFlags(text: string): string {
  return text.replace(SECRET_FLAG, (m, keep: string, name: string) => (NOT_A_SECRET_FLAG.test(name) ? m : `${keep}${REDACTED}`));
}

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
    out = out.replace(PEM_BLOCK, (_m, begin: string, end?: string) => `${begin}${REDACTED}${end ?? ''}`);
    out = redactFlags(out);
    out = redactKeyValues(out);
    for (const p of PATTERNS) out = out.replace(p, (_m, keep: string) => `${keep}${REDACTED}`);
    return out;
  }

  /**
   * For text that arrives line by line (a tool's stdout or stderr): also hides every line between a
   * PEM private key's BEGIN and END lines. One per stream.
   */
  lines(): (line: string) => string {
    let inKey = false;
    return (line) => {
      if (inKey) {
        if (!PEM_END.test(line)) return REDACTED;
        inKey = false;
        return line.slice(line.search(PEM_END));
      }
      if (PEM_BEGIN.test(line) && !PEM_END.test(line)) inKey = true;
      return this.redact(line);
    };
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
