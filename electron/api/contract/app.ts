/**
 * Contract area "app": Lifeboat itself (version, mode, data directory, how it was built) and the
 * desktop's conveniences (native file dialogs, "Show in folder"), which web mode reports as not
 * available, as data: the typed path field is always there.
 */
import { z } from 'zod';
import { empty, LocalPath, method } from './shared.js';

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

/** A native dialog's filter: a name and extensions without the dot ("*" for any). */
const PathFilter = z
  .object({
    name: z.string().min(1).max(100),
    extensions: z
      .array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9_-]{0,15})$/, 'an extension without the dot, or *'))
      .min(1)
      .max(20),
  })
  .strict();

/** Which native dialog: a file to read, a folder, or a file to write. */
export const ChoosePathInput = z
  .object({
    kind: z.enum(['open-file', 'open-folder', 'save-file']),
    title: z.string().min(1).max(200),
    /** Where the dialog starts (the path typed so far, or a file name to save as). */
    defaultPath: LocalPath.optional(),
    filters: z.array(PathFilter).max(10).optional(),
  })
  .strict();
export type ChoosePathInput = z.infer<typeof ChoosePathInput>;

export const ChosenPath = z.object({
  /** False in web mode (no native dialog): type the path instead. */
  available: z.boolean(),
  /** The path chosen; null when the dialog was cancelled or is not available. */
  path: LocalPath.nullable(),
  /** Why not available, in words. */
  reason: z.string().optional(),
});
export type ChosenPath = z.infer<typeof ChosenPath>;

/** "Show in folder": only for files and folders Lifeboat itself wrote (reports, exports). */
export const ShownInFolder = z.object({ shown: z.boolean(), reason: z.string().optional() });
export type ShownInFolder = z.infer<typeof ShownInFolder>;

export const appMethods = {
  'app.info': method(empty, AppInfo),
  /** A native open/save dialog; `{ available: false }` in web mode. */
  'app.choosePath': method(ChoosePathInput, ChosenPath),
  /** Reveal a report or export Lifeboat wrote in the system's file manager; refused for any other path. */
  'app.showInFolder': method(z.object({ path: LocalPath }).strict(), ShownInFolder),
} as const;
