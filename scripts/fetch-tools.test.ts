import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { installArtifact, main, parseChecksums, sha256File, verifyFile, currentPlatform } from './fetch-tools.mjs';

/** A release-shaped archive: <dir>/velero-v1.18.3-linux-amd64.tar.gz holding .../velero. */
function fakeRelease() {
  const root = mkdtempSync(join(tmpdir(), 'lb-fetch-'));
  const src = join(root, 'src', 'velero-v1.18.3-linux-amd64');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'velero'), '#!/bin/sh\necho "Client:\n\tVersion: v1.18.3"\n');
  const releases = join(root, 'releases');
  mkdirSync(releases);
  const archive = join(releases, 'velero-v1.18.3-linux-amd64.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', join(root, 'src'), 'velero-v1.18.3-linux-amd64']);
  return { root, releases, archive, binary: join(src, 'velero') };
}

const tool = { version: '1.18.3', binary: 'velero', artifacts: {} };
const url = 'https://github.com/vmware-tanzu/velero/releases/download/v1.18.3/velero-v1.18.3-linux-amd64.tar.gz';

describe('fetch-tools', () => {
  it('maps node platforms to electron-builder ${os}-${arch}', () => {
    expect(currentPlatform('darwin', 'arm64')).toBe('mac-arm64');
    expect(currentPlatform('win32', 'x64')).toBe('win-x64');
    expect(currentPlatform('linux', 'x64')).toBe('linux-x64');
  });

  it('verifies a matching file and refuses a mismatch or a placeholder', async () => {
    const { archive } = fakeRelease();
    const good = await sha256File(archive);
    await expect(verifyFile(archive, good)).resolves.toBe(good);
    await expect(verifyFile(archive, 'a'.repeat(64))).rejects.toThrow(/sha256 mismatch, refusing/);
    await expect(verifyFile(archive, 'PLACEHOLDER: fill me')).rejects.toThrow(/no sha256 pinned/);
  });

  it('installs from --from <dir> only when both archive and executable hashes match', async () => {
    const { root, releases, archive, binary } = fakeRelease();
    const artifact = { url, sha256: await sha256File(archive), entry: 'velero-v1.18.3-linux-amd64/velero', binarySha256: await sha256File(binary) };
    const out = join(root, 'out');
    const r = await installArtifact({ name: 'velero', tool, platform: 'linux-x64', artifact, out, from: releases });
    expect(r.dest).toBe(join(out, 'linux-x64', 'velero'));
    expect(readFileSync(r.dest, 'utf8')).toContain('v1.18.3');

    const out2 = join(root, 'out2');
    await expect(
      installArtifact({ name: 'velero', tool, platform: 'linux-x64', artifact: { ...artifact, binarySha256: 'b'.repeat(64) }, out: out2, from: releases }),
    ).rejects.toThrow(/executable: sha256 mismatch/);
    expect(existsSync(join(out2, 'linux-x64', 'velero'))).toBe(false);
  });

  it('accepts file:// URLs and pins hashes with a vendor cross-check', async () => {
    const { root, archive } = fakeRelease();
    const artifact = { url: pathToFileURL(archive).href, sha256: 'PLACEHOLDER', entry: 'velero-v1.18.3-linux-amd64/velero', binarySha256: 'PLACEHOLDER' };
    const sha = await sha256File(archive);
    const sums = parseChecksums(`${sha}  velero-v1.18.3-linux-amd64.tar.gz\n`);
    const r = await installArtifact({ name: 'velero', tool, platform: 'linux-x64', artifact, out: join(root, 'o'), pin: true, vendorSums: sums });
    expect(r.sha256).toBe(sha);
    const lying = parseChecksums(`SHA256 (velero-v1.18.3-linux-amd64.tar.gz) = ${'c'.repeat(64)}\n`);
    await expect(
      installArtifact({ name: 'velero', tool, platform: 'linux-x64', artifact, out: join(root, 'o'), pin: true, vendorSums: lying }),
    ).rejects.toThrow(/Refusing to pin/);
  });

  it('main() pins a lock, then verifies against it, and fails on a tampered archive', async () => {
    const { root, releases, archive } = fakeRelease();
    const lockFile = join(root, 'lock.json');
    writeFileSync(
      lockFile,
      JSON.stringify({
        tools: {
          velero: {
            ...tool,
            artifacts: { 'linux-x64': { url, sha256: 'PLACEHOLDER', entry: 'velero-v1.18.3-linux-amd64/velero', binarySha256: 'PLACEHOLDER' } },
          },
        },
      }),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const args = ['--lock', lockFile, '--out', join(root, 'bin'), '--from', releases, '--platform', 'linux-x64'];
    expect(await main(args)).toBe(1); // placeholders are refused without --pin
    expect(await main([...args, '--pin'])).toBe(0);
    const pinned = JSON.parse(readFileSync(lockFile, 'utf8')).tools.velero.artifacts['linux-x64'];
    expect(pinned.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await main(args)).toBe(0);
    writeFileSync(archive, 'tampered');
    expect(await main(args)).toBe(1);
    expect(error.mock.calls.flat().join('\n')).toMatch(/mismatch/);
    log.mockRestore();
    error.mockRestore();
  });
});
