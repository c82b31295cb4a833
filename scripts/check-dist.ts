/**
 * `npm run dist` runs this before electron-builder: a package is only built from pinned inputs.
 * Refuses (exit 1, naming the command to run on a build machine):
 *   - a placeholder in resources/tools.lock.json   → node scripts/fetch-tools.mjs --pin
 *   - a placeholder in resources/images.lock.json  → npx tsx scripts/fetch-images.ts --update
 *   - an image of the lock without its archive in resources/images/, an archive whose index does not
 *     name the pinned digest, or a synthetic test stand-in there (they live under test/fixtures/images)
 *                                                  → npx tsx scripts/fetch-images.ts
 * A development build (`npm run build`, `npm start`) skips this and says "Unverified build" in the
 * window instead (electron/buildInfo.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { openLayout, readIndex } from '../electron/registry/layout.js';
import { IMAGES_PIN_COMMAND, isPinned as imagePinned, parseUpstream, type ImagesLock } from '../electron/velero/imagesLock.js';
import { isPinned as hashPinned, type ToolsLock } from '../electron/tools/binaries.js';

export const TOOLS_PIN = 'node scripts/fetch-tools.mjs --pin';
export const IMAGES_FETCH = 'npx tsx scripts/fetch-images.ts';
const STAND_IN = 'dev.lifeboat.test-stand-in';

export interface DistCheck {
  ok: boolean;
  problems: string[];
  /** The commands that fix them, on a build machine with internet access. */
  commands: string[];
}

export async function checkDist(o: { toolsLock: ToolsLock; imagesLock: ImagesLock; imagesDir: string }): Promise<DistCheck> {
  const problems: string[] = [];
  const commands = new Set<string>();
  for (const [name, tool] of Object.entries(o.toolsLock.tools ?? {})) {
    for (const [platform, a] of Object.entries(tool.artifacts ?? {})) {
      const missing = (['sha256', 'binarySha256'] as const).filter((k) => !hashPinned(a[k]));
      if (missing.length) {
        problems.push(`tools.lock.json: ${name} ${platform} has no pinned ${missing.join(' / ')} (placeholder).`);
        commands.add(TOOLS_PIN);
      }
    }
  }
  for (const [name, e] of Object.entries(o.imagesLock.images ?? {})) {
    if (!imagePinned(e)) {
      problems.push(`images.lock.json: ${name} (${e.upstream}) has no pinned digest (placeholder).`);
      commands.add(IMAGES_PIN_COMMAND);
      continue;
    }
    const up = parseUpstream(e.upstream);
    const file = join(o.imagesDir, `${up.repository.split('/').pop()}-${up.tag}.oci.tar`);
    if (!existsSync(file)) {
      problems.push(`${file} is missing: the archive of ${e.upstream} pinned in images.lock.json.`);
      commands.add(IMAGES_FETCH);
      continue;
    }
    try {
      const src = await openLayout(file);
      const { images, annotations } = readIndex(await src.readFile('index.json'));
      const img = images.find((i) => i.tag === up.tag && i.repo.split('/').pop() === up.repository.split('/').pop());
      if (annotations[STAND_IN]) problems.push(`${file} is a synthetic test stand-in, not ${e.upstream}.`);
      else if (!img) problems.push(`${file} holds no ${up.repository}:${up.tag}.`);
      else if (img.digest !== e.digest) problems.push(`${file} holds ${img.digest}, not the pinned ${e.digest}.`);
      else continue;
    } catch (err) {
      problems.push(`${file} cannot be read: ${(err as Error).message}`);
    }
    commands.add(IMAGES_FETCH);
  }
  // Anything else in resources/images would be packaged too: only the lock's archives belong there.
  if (existsSync(o.imagesDir)) {
    const expected = new Set(
      Object.values(o.imagesLock.images ?? {}).map((e) => {
        const up = parseUpstream(e.upstream);
        return `${up.repository.split('/').pop()}-${up.tag}.oci.tar`;
      }),
    );
    for (const f of readdirSync(o.imagesDir)) {
      if (f.endsWith('.oci.tar') && !expected.has(f)) {
        problems.push(
          `${join(o.imagesDir, f)} is not an image of images.lock.json and would be packaged: remove it (test archives belong in test/fixtures/images).`,
        );
      }
    }
  }
  return { ok: problems.length === 0, problems, commands: [...commands] };
}

export function report(r: DistCheck): string {
  if (r.ok) return 'check-dist: every tool and image is pinned and every archive matches its lock.';
  return [
    'npm run dist refuses to package an unverified build:',
    ...r.problems.map((p) => `  - ${p}`),
    'On a build machine with internet access run:',
    ...r.commands.map((c) => `  ${c}`),
    'then review and commit the lock diff, and run npm run dist again. (npm run build / npm start make a development build, marked "Unverified build" in the window.)',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const r = await checkDist({
    toolsLock: JSON.parse(readFileSync(join(root, 'resources', 'tools.lock.json'), 'utf8')) as ToolsLock,
    imagesLock: JSON.parse(readFileSync(join(root, 'resources', 'images.lock.json'), 'utf8')) as ImagesLock,
    imagesDir: join(root, 'resources', 'images'),
  });
  const text = report(r);
  if (r.ok) console.log(text);
  else {
    console.error(text);
    process.exit(1);
  }
}
