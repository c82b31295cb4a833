/**
 * Whether this build is verified: every tool it runs and every image it installs pinned by sha256
 * in the locks compiled into it (resources/tools.lock.json, resources/images.lock.json). `npm run
 * dist` refuses placeholders (scripts/check-dist.ts); a development build that skipped that says
 * "unverified build" in the window (app.info → renderer shell), with these reasons.
 */
import { defaultLock, isPinned, platformKey, type ToolsLock } from './tools/binaries.js';
import { IMAGES_PIN_COMMAND, imagePlaceholders, imagesLockFor, type ImagesLock } from './velero/imagesLock.js';

declare const __LIFEBOAT_VERSION__: string | undefined;

/**
 * The version scripts/build.mjs compiled in (package.json's "version" at build time): what a
 * packaged app reports (app.info, restore reports), whatever its environment. Undefined when the
 * sources run unbundled (tsx web mode, tests): the entry points then read package.json.
 */
export const BUILD_VERSION: string | undefined = typeof __LIFEBOAT_VERSION__ === 'string' ? __LIFEBOAT_VERSION__ : undefined;

export const TOOLS_PIN_COMMAND = 'node scripts/fetch-tools.mjs --pin';

export interface BuildVerification {
  unverifiedBuild: boolean;
  unverifiedReasons: string[];
}

export function buildVerification(
  opts: { toolsLock?: ToolsLock; imagesLock?: ImagesLock; env?: NodeJS.ProcessEnv; toolsDir?: string; platform?: string; arch?: string } = {},
): BuildVerification {
  const env = opts.env ?? process.env;
  const tools = opts.toolsLock ?? defaultLock;
  const key = platformKey(opts.platform, opts.arch);
  const reasons: string[] = [];
  const unpinnedTools = Object.entries(tools.tools ?? {})
    .filter(([, t]) => {
      const a = t.artifacts?.[key];
      return !a || !isPinned(a.sha256) || !isPinned(a.binarySha256);
    })
    .map(([name]) => name);
  if (unpinnedTools.length)
    reasons.push(`Tools without a pinned sha256 for ${key}: ${unpinnedTools.join(', ')} (pin them on a build machine: ${TOOLS_PIN_COMMAND}).`);
  let images: string[];
  try {
    images = imagePlaceholders(opts.imagesLock ?? imagesLockFor(env));
  } catch (e) {
    images = [`the images lock ${env.LIFEBOAT_IMAGES_LOCK} (${(e as Error).message})`];
  }
  if (images.length)
    reasons.push(
      `Images without a pinned digest: ${images.map((l) => l.replace(/^image (\S+).*$/, '$1')).join(', ')} (pin them on a build machine: ${IMAGES_PIN_COMMAND}).`,
    );
  const toolsDir = opts.toolsDir ?? env.LIFEBOAT_TOOLS_DIR;
  if (toolsDir) reasons.push(`LIFEBOAT_TOOLS_DIR: the tools come from ${toolsDir}, not checked against the lock.`);
  if (env.LIFEBOAT_IMAGES_DIR && !env.LIFEBOAT_IMAGES_LOCK)
    reasons.push(`LIFEBOAT_IMAGES_DIR: the image archives come from ${env.LIFEBOAT_IMAGES_DIR}, not checked against the lock.`);
  return { unverifiedBuild: reasons.length > 0, unverifiedReasons: reasons };
}
