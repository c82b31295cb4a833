/**
 * The packages Lifeboat builds agree with what upstream publishes of the tools they bundle.
 *
 * kots publishes kubectl-kots for linux and darwin only, amd64 and arm64, darwin as one universal
 * archive (kots deploy/.goreleaser.yaml at v1.131.4: builds.goos [linux, darwin], goarch [amd64,
 * arm64], universal_binaries replace: true, archive name '{{ .Binary }}_{{ .Os }}_{{ .Arch }}').
 * Without kubectl-kots Lifeboat can neither back up nor restore, so a package for any other
 * platform would install and then fail at the first backup: none is built.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const builder = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const lock = JSON.parse(readFileSync(join(root, 'resources', 'tools.lock.json'), 'utf8')) as {
  tools: Record<string, { version: string; artifacts: Record<string, { url: string }> }>;
};

/** What kots v1.131.4's goreleaser publishes, keyed like the lock (electron-builder's ${os}-${arch}). */
const KOTS_PUBLISHED: Record<string, string> = {
  'linux-x64': 'kots_linux_amd64.tar.gz',
  'linux-arm64': 'kots_linux_arm64.tar.gz',
  'mac-x64': 'kots_darwin_all.tar.gz',
  'mac-arm64': 'kots_darwin_all.tar.gz',
};

describe('packaging vs upstream platforms', () => {
  it('builds no Windows package: kots publishes no Windows kubectl-kots', () => {
    expect(builder.win, 'electron-builder.yml has a win target').toBeUndefined();
    expect(builder.nsis).toBeUndefined();
  });

  it("the lock's kubectl-kots artifacts are exactly the archives kots publishes", () => {
    const kots = lock.tools['kubectl-kots']!;
    const got = Object.fromEntries(Object.entries(kots.artifacts).map(([k, a]) => [k, a.url]));
    expect(got).toEqual(
      Object.fromEntries(Object.entries(KOTS_PUBLISHED).map(([k, f]) => [k, `https://github.com/replicatedhq/kots/releases/download/v${kots.version}/${f}`])),
    );
  });

  it('every tool has an artifact for every platform packaged, and none for a platform that is not', () => {
    const oses = ['linux', 'mac', 'win'].filter((os) => builder[os] !== undefined);
    expect(oses.sort()).toEqual(['linux', 'mac']);
    const platforms = oses.flatMap((os) => [`${os}-x64`, `${os}-arm64`]).sort();
    for (const [name, tool] of Object.entries(lock.tools)) expect(Object.keys(tool.artifacts).sort(), name).toEqual(platforms);
  });
});
