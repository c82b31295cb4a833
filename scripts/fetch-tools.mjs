#!/usr/bin/env node
/**
 * Build-machine script: puts the tools Lifeboat bundles (resources/tools.lock.json) into
 * resources/bin/<os>-<arch>/, verifying every sha256 and refusing on any mismatch.
 *
 *   node scripts/fetch-tools.mjs                 current platform
 *   node scripts/fetch-tools.mjs --all           every platform in the lock
 *   node scripts/fetch-tools.mjs --platform linux-arm64
 *   node scripts/fetch-tools.mjs --from <dir>    take archives from <dir> (matched by file name)
 *                                                instead of the network: for air-gapped build hosts
 *   node scripts/fetch-tools.mjs --pin           download, hash the served bytes, cross-check the
 *                                                vendor's checksum list, and write the hashes into
 *                                                the lock (review and commit the diff)
 *   --lock <file>  --out <dir>                   alternate lock / output root (tests)
 *
 * URLs may be https:// or file://. Archives are downloaded to a temp file, hashed, and only then
 * extracted; the extracted executable is hashed against binarySha256 before it is moved into place.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  chmodSync,
  writeFileSync,
  mkdtempSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

export const PLACEHOLDER_PREFIX = 'PLACEHOLDER';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** electron-builder's ${os}-${arch} for this machine. */
export function currentPlatform(platform = process.platform, arch = process.arch) {
  const os = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform;
  return `${os}-${arch}`;
}

export function isPinned(hash) {
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash);
}

export async function sha256File(file) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export class VerifyError extends Error {
  constructor(message) {
    super(message);
    this.name = 'VerifyError';
  }
}

/** Throws VerifyError unless `file` hashes to `expected` (a placeholder is also refused). */
export async function verifyFile(file, expected, label = basename(file)) {
  if (!isPinned(expected)) {
    throw new VerifyError(
      `${label}: no sha256 pinned in the lock (${String(expected).slice(0, 40)}…). Run with --pin on a machine with internet access first.`,
    );
  }
  const actual = await sha256File(file);
  if (actual !== expected) {
    throw new VerifyError(
      `${label}: sha256 mismatch, refusing it.\n  expected ${expected}\n  got      ${actual}\nThe download was corrupted or the release was replaced. Do not ship it.`,
    );
  }
  return actual;
}

/** Copies or downloads `url` to `dest`; with `from`, the archive is taken from that directory. */
export async function fetchTo(url, dest, { from } = {}) {
  mkdirSync(dirname(dest), { recursive: true });
  if (from) {
    const local = join(from, basename(new URL(url).pathname));
    if (!existsSync(local)) throw new VerifyError(`${basename(local)} is not in ${from}.`);
    copyFileSync(local, dest);
    return dest;
  }
  const u = new URL(url);
  if (u.protocol === 'file:') {
    copyFileSync(fileURLToPath(u), dest);
    return dest;
  }
  if (u.protocol !== 'https:') throw new VerifyError(`Refusing ${u.protocol} URL ${url}: https or file only.`);
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new VerifyError(`GET ${url}: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body), createWriteStream(dest));
  return dest;
}

/** Parses GNU (`<hash>  <file>`) and BSD (`SHA256 (<file>) = <hash>`) checksum lists. */
export function parseChecksums(text) {
  const out = new Map();
  for (const line of text.split(/\r?\n/)) {
    let m = line.match(/^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/);
    if (m) out.set(basename(m[2]), m[1].toLowerCase());
    m = line.match(/^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/);
    if (m) out.set(basename(m[1]), m[2].toLowerCase());
  }
  return out;
}

function extract(archive, entry, workDir) {
  // tar ships with Linux, macOS and Windows 10+; argv only, no shell.
  execFileSync('tar', ['-xzf', archive, '-C', workDir, entry], { stdio: 'pipe' });
  const file = join(workDir, entry);
  if (!existsSync(file)) throw new VerifyError(`${basename(archive)} has no ${entry}.`);
  return file;
}

/**
 * Fetches, verifies and installs one artifact into `<out>/<platform>/<binary>`. With `pin`, hashes
 * are computed instead of checked and returned so the caller can write them into the lock.
 */
export async function installArtifact({ name, tool, platform, artifact, out, from, pin = false, vendorSums }) {
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-tools-'));
  try {
    const archive = await fetchTo(artifact.url, join(work, basename(new URL(artifact.url).pathname)), { from });
    let sha256;
    if (pin) {
      sha256 = await sha256File(archive);
      const vendor = vendorSums?.get(basename(archive));
      if (vendorSums && !vendor) console.warn(`warning: ${basename(archive)} is not in the vendor checksum list`);
      if (vendor && vendor !== sha256)
        throw new VerifyError(`${basename(archive)}: served bytes hash ${sha256} but the vendor lists ${vendor}. Refusing to pin.`);
    } else {
      sha256 = await verifyFile(archive, artifact.sha256, `${name} ${platform} archive`);
    }
    const extracted = extract(archive, artifact.entry, join(work));
    const binarySha256 = pin ? await sha256File(extracted) : await verifyFile(extracted, artifact.binarySha256, `${name} ${platform} executable`);
    const exe = platform.startsWith('win-') ? `${tool.binary}.exe` : tool.binary;
    const destDir = join(out, platform);
    mkdirSync(destDir, { recursive: true });
    const dest = join(destDir, exe);
    copyFileSync(extracted, `${dest}.download`);
    chmodSync(`${dest}.download`, 0o755);
    renameSync(`${dest}.download`, dest);
    return { dest, sha256, binarySha256 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function main(argv = process.argv.slice(2)) {
  const opt = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const lockFile = resolve(opt('--lock') ?? join(repoRoot, 'resources', 'tools.lock.json'));
  const out = resolve(opt('--out') ?? join(repoRoot, 'resources', 'bin'));
  const from = opt('--from') ? resolve(opt('--from')) : undefined;
  const pin = argv.includes('--pin');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  const platforms = argv.includes('--all')
    ? [...new Set(Object.values(lock.tools).flatMap((t) => Object.keys(t.artifacts)))]
    : [opt('--platform') ?? currentPlatform()];

  let failed = 0;
  for (const [name, tool] of Object.entries(lock.tools)) {
    let vendorSums;
    if (pin && tool.checksumsUrl && !from) {
      try {
        const tmp = join(mkdtempSync(join(tmpdir(), 'lifeboat-sums-')), 'sums');
        await fetchTo(tool.checksumsUrl, tmp);
        vendorSums = parseChecksums(readFileSync(tmp, 'utf8'));
      } catch (err) {
        console.warn(`warning: could not read ${tool.checksumsUrl} (${err.message}); pinning without the vendor cross-check`);
      }
    }
    for (const platform of platforms) {
      const artifact = tool.artifacts[platform];
      if (!artifact) {
        console.warn(`${name}: no ${platform} build is published; skipped`);
        continue;
      }
      try {
        const r = await installArtifact({ name, tool, platform, artifact, out, from, pin, vendorSums });
        if (pin) Object.assign(artifact, { sha256: r.sha256, binarySha256: r.binarySha256 });
        console.log(`${name} ${tool.version} ${platform}: ok (${r.binarySha256.slice(0, 12)}…) → ${r.dest}`);
      } catch (err) {
        failed++;
        console.error(`${name} ${platform}: ${err.message}`);
      }
    }
  }
  if (pin) writeFileSync(lockFile, JSON.stringify(lock, null, 2) + '\n');
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
