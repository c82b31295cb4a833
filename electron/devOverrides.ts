/**
 * LIFEBOAT_* environment variables (LIFEBOAT_TOOLS_DIR, LIFEBOAT_IMAGES_DIR, LIFEBOAT_IMAGES_LOCK,
 * LIFEBOAT_REGISTRY_CA, LIFEBOAT_DATA_DIR, LIFEBOAT_DEV_SERVER_URL, LIFEBOAT_RESTORE_*_MS, …) point
 * Lifeboat at other tools, images, CAs and data: for development and tests. A packaged build
 * ignores every one of them unless started with --allow-dev-overrides, and then says so in the
 * window ("Development overrides active: …", app.info → devOverrides). Dev builds and web mode keep
 * them as they are.
 */
export const DEV_OVERRIDES_FLAG = '--allow-dev-overrides';

export interface DevOverrides {
  /** The environment Lifeboat uses: without LIFEBOAT_* when they are ignored. */
  env: NodeJS.ProcessEnv;
  /** NAME=value of each override in effect in a packaged build (shown in the window). */
  active: string[];
  /** Names of the overrides a packaged build ignored. */
  ignored: string[];
}

const isOverride = (name: string) => /^LIFEBOAT_/i.test(name);

export function devOverrides(env: NodeJS.ProcessEnv, o: { packaged: boolean; allowed: boolean }): DevOverrides {
  const names = Object.keys(env).filter((k) => isOverride(k) && env[k]);
  if (!o.packaged) return { env, active: [], ignored: [] };
  if (o.allowed) return { env, active: names.sort().map((k) => `${k}=${env[k]}`), ignored: [] };
  const kept: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!isOverride(k)) kept[k] = v;
  return { env: kept, active: [], ignored: names.sort() };
}
