/**
 * A small command-line parser that behaves like cobra/pflag as far as the kubectl-kots stand-in
 * needs: commands are found by walking the non-flag words, flags may appear anywhere, and the
 * error texts are pflag's ("unknown flag: --x", "flag needs an argument: --x", …).
 */

export type FlagType = 'string' | 'bool';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  default?: string | boolean;
  required?: boolean;
  hidden?: boolean;
  usage?: string;
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  short?: string;
  flags?: FlagSpec[];
  /** Subcommands. A command with children and no `run` only prints its help. */
  children?: CommandSpec[];
  /** Marks a command that can be run (as opposed to a pure group). */
  runnable?: boolean;
}

export type FlagValues = Record<string, string | boolean>;

export interface ParsedArgs {
  /** Command path below the root, e.g. ['velero', 'configure-aws-s3', 'access-key']. */
  path: string[];
  command: CommandSpec;
  flags: FlagValues;
  /** Names of flags the user actually set. */
  changed: Set<string>;
  positionals: string[];
  help: boolean;
}

export class UsageError extends Error {}

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool as pflag uses it. */
export function parseBool(name: string, v: string): boolean {
  if (BOOL_TRUE.has(v)) return true;
  if (BOOL_FALSE.has(v)) return false;
  throw new UsageError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function allStringFlagNames(root: CommandSpec, globals: FlagSpec[]): { long: Set<string>; short: Set<string> } {
  const long = new Set<string>();
  const short = new Set<string>();
  const add = (f: FlagSpec) => {
    if (f.type !== 'string') return;
    long.add(f.name);
    if (f.short) short.add(f.short);
  };
  globals.forEach(add);
  const walk = (c: CommandSpec) => {
    (c.flags ?? []).forEach(add);
    (c.children ?? []).forEach(walk);
  };
  walk(root);
  return { long, short };
}

function findChild(c: CommandSpec, word: string): CommandSpec | undefined {
  return (c.children ?? []).find((ch) => ch.name === word || (ch.aliases ?? []).includes(word));
}

/**
 * Parse argv (without node/script) against a command tree plus global (persistent) flags.
 * The leaf command's own flags shadow global flags of the same name (as cobra's local flags do).
 */
export function parseArgs(argv: string[], root: CommandSpec, globals: FlagSpec[]): ParsedArgs {
  // Pass 1: find the command by its words, skipping values of string flags.
  const stringFlags = allStringFlagNames(root, globals);
  let cmd = root;
  const path: string[] = [];
  const rest: string[] = [];
  let stillRouting = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--')) {
      rest.push(a);
      if (!a.includes('=') && stringFlags.long.has(a.slice(2)) && i + 1 < argv.length) rest.push(argv[++i]);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      rest.push(a);
      if (a.length === 2 && stringFlags.short.has(a[1]) && i + 1 < argv.length) rest.push(argv[++i]);
      continue;
    }
    const child = stillRouting ? findChild(cmd, a) : undefined;
    if (child) {
      cmd = child;
      path.push(child.name);
    } else {
      stillRouting = false;
      rest.push(a);
    }
  }

  // Pass 2: parse the flags with the leaf command's flag set.
  const specs = new Map<string, FlagSpec>();
  const shorts = new Map<string, FlagSpec>();
  for (const f of [...globals, ...(cmd.flags ?? [])]) {
    specs.set(f.name, f);
    if (f.short) shorts.set(f.short, f);
  }
  const flags: FlagValues = {};
  for (const f of specs.values()) flags[f.name] = f.default ?? (f.type === 'bool' ? false : '');
  const changed = new Set<string>();
  const positionals: string[] = [];
  let help = false;

  const set = (f: FlagSpec, value: string | undefined, takeNext: () => string | undefined, shown: string) => {
    if (f.type === 'bool') {
      flags[f.name] = value === undefined ? true : parseBool(f.name, value);
    } else {
      const v = value ?? takeNext();
      if (v === undefined) throw new UsageError(`flag needs an argument: ${shown}`);
      flags[f.name] = v;
    }
    changed.add(f.name);
  };

  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const takeNext = () => (i + 1 < rest.length ? rest[++i] : undefined);
    if (a === '--') {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const value = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (name === 'help') {
        help = true;
        continue;
      }
      const f = specs.get(name);
      if (!f) throw new UsageError(`unknown flag: --${name}`);
      set(f, value, takeNext, `--${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // shorthand: -n ns, -nns, -n=ns, -o json
      const letter = a[1];
      if (letter === 'h') {
        help = true;
        continue;
      }
      const f = shorts.get(letter);
      if (!f) throw new UsageError(`unknown shorthand flag: '${letter}' in ${a}`);
      let value: string | undefined;
      if (a.length > 2) value = a[2] === '=' ? a.slice(3) : a.slice(2);
      set(f, value, takeNext, `'${letter}' in -${letter}`);
      continue;
    }
    positionals.push(a);
  }

  return { path, command: cmd, flags, changed, positionals, help };
}

/** cobra's required-flag check: `required flag(s) "a", "b" not set`. */
export function checkRequired(parsed: ParsedArgs): void {
  const missing = (parsed.command.flags ?? []).filter((f) => f.required && !parsed.changed.has(f.name)).map((f) => `"${f.name}"`);
  if (missing.length) throw new UsageError(`required flag(s) ${missing.join(', ')} not set`);
}

export function helpText(path: string[], cmd: CommandSpec, globals: FlagSpec[]): string {
  const lines: string[] = [];
  if (cmd.short) lines.push(cmd.short, '');
  lines.push('Usage:');
  const base = ['kubectl', 'kots', ...path].join(' ');
  if (cmd.runnable || !cmd.children?.length) lines.push(`  ${base} [flags]`);
  if (cmd.children?.length) lines.push(`  ${base} [command]`);
  if (cmd.children?.length) {
    lines.push('', 'Available Commands:');
    for (const c of cmd.children) lines.push(`  ${c.name.padEnd(22)} ${c.short ?? ''}`);
  }
  const fmt = (f: FlagSpec) => {
    const names = f.short ? `-${f.short}, --${f.name}` : `    --${f.name}`;
    const typ = f.type === 'string' ? ' string' : '';
    const def = f.type === 'string' && f.default ? ` (default "${f.default}")` : f.type === 'bool' && f.default === true ? ' (default true)' : '';
    return `  ${(names + typ).padEnd(34)} ${f.usage ?? ''}${def}`;
  };
  const local = (cmd.flags ?? []).filter((f) => !f.hidden);
  if (local.length) {
    lines.push('', 'Flags:');
    local.forEach((f) => lines.push(fmt(f)));
  }
  lines.push('', 'Global Flags:');
  globals.forEach((f) => lines.push(fmt(f)));
  return lines.join('\n') + '\n';
}
