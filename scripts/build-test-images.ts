/**
 * Builds the small OCI image-layout archives the setup wizard pushes into the lab's registry in tests:
 *   test/fixtures/images/velero-v1.18.3.oci.tar                 (velero/velero:v1.18.3)
 *   test/fixtures/images/velero-plugin-for-aws-v1.14.3.oci.tar  (velero/velero-plugin-for-aws:v1.14.3)
 * They live under test/, never in resources/ (which electron-builder packages): the tests, the e2e
 * specs and the demo point Lifeboat at them with LIFEBOAT_IMAGES_DIR, and scripts/check-dist.ts
 * refuses a stand-in (annotation dev.lifeboat.test-stand-in) found in resources/images.
 *
 * TEST STAND-INS: each holds one synthetic layer (a text file), not the real Velero binaries. The
 * lab never runs these images (its process kubelet runs the real velero server and plugin as local
 * processes); it only checks that they exist in its registry. A release build machine writes the
 * real ones into resources/images from the upstream images pinned in resources/images.lock.json
 * (`npx tsx scripts/fetch-images.ts`), with the same names and index.json ref names.
 *
 * Usage: npx tsx scripts/build-test-images.ts [outDir]
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildIndex, OCI_LAYOUT, tarHeader, writeTar, type TarInput } from '../electron/registry/layout.js';
import { MediaTypes } from '../electron/registry/mediaTypes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const TEST_IMAGES = [
  { repository: 'velero/velero', tag: 'v1.18.3', file: 'velero-v1.18.3.oci.tar' },
  { repository: 'velero/velero-plugin-for-aws', tag: 'v1.14.3', file: 'velero-plugin-for-aws-v1.14.3.oci.tar' },
];

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function layerTar(name: string, content: Buffer): Buffer {
  const header = tarHeader(name, content.length, '0');
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

export async function buildImageArchive(out: string, repository: string, tag: string): Promise<void> {
  const text = Buffer.from(`Lifeboat test stand-in for ${repository}:${tag}. Not the real image.\n`);
  const raw = layerTar('lifeboat-stand-in.txt', text);
  const layer = gzipSync(raw, { level: 9 });
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'dev.lifeboat.test-stand-in': `${repository}:${tag}` } },
      rootfs: { type: 'layers', diff_ids: [sha(raw)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: sha(config), size: config.length },
      layers: [{ mediaType: MediaTypes.ociLayerGzip, digest: sha(layer), size: layer.length }],
    }),
  );
  const index = Buffer.from(
    JSON.stringify(
      buildIndex([{ repo: repository, tag, digest: sha(manifest), mediaType: MediaTypes.ociManifest, size: manifest.length }], {
        'dev.lifeboat.test-stand-in': 'true',
      }),
    ),
  );
  const blob = (b: Buffer): TarInput => ({ name: `blobs/sha256/${sha(b).slice(7)}`, data: b, size: b.length });
  const layoutFile = Buffer.from(JSON.stringify(OCI_LAYOUT));
  mkdirSync(dirname(out), { recursive: true });
  await writeTar(out, [
    { name: 'oci-layout', data: layoutFile, size: layoutFile.length },
    { name: 'index.json', data: index, size: index.length },
    { name: 'blobs', size: 0, dir: true },
    { name: 'blobs/sha256', size: 0, dir: true },
    blob(config),
    blob(layer),
    blob(manifest),
  ]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(root, 'test', 'fixtures', 'images'));
  for (const img of TEST_IMAGES) {
    await buildImageArchive(join(outDir, img.file), img.repository, img.tag);
    console.log(`wrote ${join(outDir, img.file)} (${img.repository}:${img.tag}, test stand-in)`);
  }
}
