/**
 * Lifeboat's configuration, parsed once at start (main.ts, web.ts; createApp for callers that give
 * only an environment) and passed down: the LIFEBOAT_* environment overrides, validated with zod.
 *
 * A packaged build drops every LIFEBOAT_* variable unless started with --allow-dev-overrides
 * (devOverrides.ts): the configuration is read from what is left. A value that does not parse (a
 * timeout that is not a whole number of milliseconds, an empty path) is ignored, as it always was,
 * and named in `problems` so start-up can say so. LIFEBOAT_* variables Lifeboat does not know are
 * left alone.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { devOverrides, type DevOverrides } from './devOverrides.js';
import type { RestoreTimeouts } from './workflows/restore/timeouts.js';

/** A set, non-empty value (unset and "" mean "not overridden", as `env.X || undefined` did). */
const Text = z.string().min(1);
const Millis = z.string().regex(/^\d+$/, 'a whole number of milliseconds').transform(Number);
const Port = z
  .string()
  .regex(/^\d+$/, 'a port number')
  .transform(Number)
  .refine((n) => n <= 65535, 'a port number (0–65535)');

/** Each LIFEBOAT_* variable Lifeboat reads, the field it sets, and how its value must look. */
const FIELDS = {
  LIFEBOAT_DATA_DIR: ['dataDir', Text.transform((p) => resolve(p))],
  LIFEBOAT_TOOLS_DIR: ['toolsDir', Text],
  LIFEBOAT_IMAGES_DIR: ['imagesDir', Text],
  LIFEBOAT_IMAGES_LOCK: ['imagesLock', Text],
  LIFEBOAT_REGISTRY_CA: ['registryCa', Text],
  LIFEBOAT_DEV_SERVER_URL: ['devServerUrl', z.url('a URL')],
  LIFEBOAT_PORT: ['port', Port],
  LIFEBOAT_NO_OPEN: ['noOpen', z.string().transform((v) => v === '1')],
  LIFEBOAT_RESTORE_POLL_MS: ['restore.pollMs', Millis],
  LIFEBOAT_RESTORE_APPEAR_MS: ['restore.appearMs', Millis],
  LIFEBOAT_RESTORE_READY_MS: ['restore.readyMs', Millis],
  LIFEBOAT_RESTORE_RESTORE_MS: ['restore.restoreMs', Millis],
  LIFEBOAT_RESTORE_CLI_MS: ['restore.cliMs', Millis],
} as const;

type RestoreKey = `restore.${keyof RestoreTimeouts}`;

/** The parsed configuration (every field optional: unset means Lifeboat's default). */
export const Config = z.object({
  /** LIFEBOAT_DATA_DIR, resolved (the entry points fall back to the platform's data folder). */
  dataDir: z.string().optional(),
  /** LIFEBOAT_TOOLS_DIR: velero and kubectl-kots from here, checksums not enforced. */
  toolsDir: z.string().optional(),
  /** LIFEBOAT_IMAGES_DIR, LIFEBOAT_IMAGES_LOCK: other image archives, another images lock. */
  imagesDir: z.string().optional(),
  imagesLock: z.string().optional(),
  /** LIFEBOAT_REGISTRY_CA: a CA for the cluster registry. */
  registryCa: z.string().optional(),
  /** LIFEBOAT_DEV_SERVER_URL: the vite dev server (unpackaged Electron only). */
  devServerUrl: z.string().optional(),
  /** LIFEBOAT_PORT, LIFEBOAT_NO_OPEN=1: web mode. */
  port: z.number().int().min(0).max(65535).optional(),
  noOpen: z.boolean(),
  /** LIFEBOAT_RESTORE_{POLL,APPEAR,READY,RESTORE,CLI}_MS: Lifeboat's own restore timeouts. */
  restoreTimeouts: z.object({ pollMs: z.number(), appearMs: z.number(), readyMs: z.number(), restoreMs: z.number(), cliMs: z.number() }).partial(),
  /** LIFEBOAT_* values set but ignored because they do not parse. */
  problems: z.array(z.object({ name: z.string(), value: z.string(), message: z.string() })),
});
export type Config = z.infer<typeof Config>;

/** The LIFEBOAT_* overrides in `env` (already filtered by devOverrides) as a Config. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const out: Config = { noOpen: false, restoreTimeouts: {}, problems: [] };
  for (const [name, [field, schema]] of Object.entries(FIELDS)) {
    const raw = env[name];
    if (!raw) continue;
    const p = (schema as z.ZodType<unknown, string>).safeParse(raw);
    if (!p.success) {
      out.problems.push({ name, value: raw, message: `${name}="${raw}" is ignored: it must be ${p.error.issues[0]?.message ?? 'valid'}.` });
      continue;
    }
    if (field.startsWith('restore.')) out.restoreTimeouts[(field as RestoreKey).slice('restore.'.length) as keyof RestoreTimeouts] = p.data as number;
    else Object.assign(out, { [field]: p.data });
  }
  return Config.parse(out);
}

export interface StartConfig {
  config: Config;
  /** Which overrides a packaged build honoured or ignored, and the environment left for the tools. */
  overrides: DevOverrides;
}

/** At start: drop what a packaged build ignores, then parse what is left. */
export function loadConfig(env: NodeJS.ProcessEnv, o: { packaged: boolean; allowed: boolean }): StartConfig {
  const overrides = devOverrides(env, o);
  return { config: parseConfig(overrides.env), overrides };
}
