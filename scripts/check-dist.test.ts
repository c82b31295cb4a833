import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolsLock } from '../electron/tools/binaries.js';
import type { ImagesLock } from '../electron/velero/imagesLock.js';
import { buildImageArchive } from './build-test-images.js';
import { checkDist, report } from './check-dist.js';

const repoTools = JSON.parse(readFileSync('resources/tools.lock.json', 'utf8')) as ToolsLock;
const repoImages = JSON.parse(readFileSync('resources/images.lock.json', 'utf8')) as ImagesLock;
const h = (c: string) => c.repeat(64);
const pinnedTools = {
  tools: {
    velero: {
      version: '1.18.3',
      binary: 'velero',
      versionCommand: [],
      artifacts: { 'linux-x64': { url: 'u', entry: 'e', sha256: h('a'), binarySha256: h('b') } },
    },
  },
} as unknown as ToolsLock;

describe('scripts/check-dist.ts (npm run dist refuses placeholders)', () => {
  it('refuses this repository as it stands (tools and images are placeholders), naming the build-machine commands', async () => {
    const r = await checkDist({ toolsLock: repoTools, imagesLock: repoImages, imagesDir: 'resources/images' });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/tools\.lock\.json: velero linux-x64 .*placeholder/),
        expect.stringMatching(/images\.lock\.json: velero \(docker\.io\/velero\/velero:v1\.18\.3\) .*placeholder/),
      ]),
    );
    expect(r.commands).toEqual(['node scripts/fetch-tools.mjs --pin', 'npx tsx scripts/fetch-images.ts --update']);
    expect(report(r)).toMatch(/refuses to package an unverified build[\s\S]*On a build machine[\s\S]*fetch-images\.ts --update/);
  });

  it('every image of the wizard is in the lock, multi-platform, with placeholders marked and no invented digest', () => {
    expect(Object.fromEntries(Object.entries(repoImages.images).map(([n, e]) => [n, e.upstream]))).toEqual({
      velero: 'docker.io/velero/velero:v1.18.3',
      'velero-plugin-for-aws': 'docker.io/velero/velero-plugin-for-aws:v1.14.3',
      'velero-plugin-for-gcp': 'docker.io/velero/velero-plugin-for-gcp:v1.14.0',
      'velero-plugin-for-microsoft-azure': 'docker.io/velero/velero-plugin-for-microsoft-azure:v1.14.0',
    });
    for (const e of Object.values(repoImages.images)) {
      expect(Object.keys(e.platforms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
      if (e.placeholder) expect([e.digest, ...Object.values(e.platforms)]).toEqual([null, null, null]);
    }
  });

  it('refuses a missing archive, a test stand-in, a digest mismatch and stray archives; accepts pinned inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-check-dist-'));
    const lock: ImagesLock = {
      images: {
        velero: {
          upstream: 'docker.io/velero/velero:v1.18.3',
          digest: `sha256:${h('c')}`,
          platforms: { 'linux/amd64': `sha256:${h('d')}`, 'linux/arm64': `sha256:${h('e')}` },
        },
      },
    };
    let r = await checkDist({ toolsLock: pinnedTools, imagesLock: lock, imagesDir: dir });
    expect(r.problems).toEqual([expect.stringMatching(/velero-v1\.18\.3\.oci\.tar is missing/)]);
    expect(r.commands).toEqual(['npx tsx scripts/fetch-images.ts']);
    await buildImageArchive(join(dir, 'velero-v1.18.3.oci.tar'), 'velero/velero', 'v1.18.3');
    await buildImageArchive(join(dir, 'velero-plugin-for-aws-v1.14.3.oci.tar'), 'velero/velero-plugin-for-aws', 'v1.14.3');
    r = await checkDist({ toolsLock: pinnedTools, imagesLock: lock, imagesDir: dir });
    expect(r.problems).toEqual([
      expect.stringMatching(/is a synthetic test stand-in/),
      expect.stringMatching(/velero-plugin-for-aws-v1\.14\.3\.oci\.tar is not an image of images\.lock\.json/),
    ]);
    expect(r.ok).toBe(false);
  });
});
