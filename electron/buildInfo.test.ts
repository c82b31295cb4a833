import { describe, expect, it } from 'vitest';
import { buildVerification } from './buildInfo.js';
import type { ToolsLock } from './tools/binaries.js';

const h = (c: string) => c.repeat(64);
const d = (c: string) => `sha256:${h(c)}`;
const tools = { tools: { velero: { artifacts: { 'linux-x64': { sha256: h('a'), binarySha256: h('b') } } } } } as unknown as ToolsLock;
const images = {
  images: { velero: { upstream: 'docker.io/velero/velero:v1.18.3', digest: d('a'), platforms: { 'linux/amd64': d('b'), 'linux/arm64': d('c') } } },
};

describe('unverified build (app.info)', () => {
  it('this repository, as it stands, is an unverified build: tools and images are placeholders', () => {
    const v = buildVerification({ env: {}, platform: 'linux', arch: 'x64' });
    expect(v.unverifiedBuild).toBe(true);
    expect(v.unverifiedReasons).toEqual([
      expect.stringMatching(/^Tools without a pinned sha256 for linux-x64: velero, kubectl-kots \(.*fetch-tools\.mjs --pin\)/),
      expect.stringMatching(
        /^Images without a pinned digest: velero, velero-plugin-for-aws, velero-plugin-for-gcp, velero-plugin-for-microsoft-azure \(.*fetch-images\.ts --update\)/,
      ),
    ]);
  });
  it('pinned locks and no override: verified; overrides say so', () => {
    expect(buildVerification({ toolsLock: tools, imagesLock: images, env: {}, platform: 'linux', arch: 'x64' })).toEqual({
      unverifiedBuild: false,
      unverifiedReasons: [],
    });
    const v = buildVerification({
      toolsLock: tools,
      imagesLock: images,
      env: { LIFEBOAT_IMAGES_DIR: '/imgs' },
      toolsDir: '/tools',
      platform: 'linux',
      arch: 'x64',
    });
    expect(v.unverifiedReasons).toEqual([expect.stringContaining('LIFEBOAT_TOOLS_DIR'), expect.stringContaining('LIFEBOAT_IMAGES_DIR')]);
  });
});
