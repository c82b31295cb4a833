/** Contract area "app": Lifeboat itself (version, mode, data directory, how it was built). */
import { z } from 'zod';
import { empty, method } from './shared.js';

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  /** Packaged build started with --allow-dev-overrides: the LIFEBOAT_* overrides in effect (NAME=value), shown as a banner. */
  devOverrides: z.array(z.string()).optional(),
  /** Built without pinned tools or images (placeholders in resources/*.lock.json), or run with overrides: nothing was checked against a pinned digest. */
  unverifiedBuild: z.boolean(),
  unverifiedReasons: z.array(z.string()),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appMethods = {
  'app.info': method(empty, AppInfo),
} as const;
