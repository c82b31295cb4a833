/**
 * Where the bundled tools are and whether they are the ones we shipped.
 *
 * Resolution, first match wins:
 * - `LIFEBOAT_TOOLS_DIR` (override, e.g. for tools built from source):
 *   no sha256 is enforced, and versions are read by running the tool (`velero version --client-only`,
 *   `kubectl-kots version`).
 * - packaged app: `process.resourcesPath/bin` (electron-builder copies resources/bin/${os}-${arch}).
 * - dev: `<repo>/resources/bin/<os>-<arch>` (filled by scripts/fetch-tools.mjs).
 *
 * Bundled tools are hashed against resources/tools.lock.json before first use (and again if the
 * file's device, inode, size, ctime or mtime changes: ctime cannot be set back like mtime can): TOOL_MISSING / TOOL_TAMPERED otherwise. The lock is compiled into
 * the main bundle, so it sits inside the (integrity-checked) asar, not beside the binaries.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import lockJson from '../../resources/tools.lock.json' with { type: 'json' };
import type { BundledTool } from '../api/contract.js';
import { LifeboatError } from '../api/errors.js';
import { withoutKotsVersionNotice } from '../kots/versionCheck.js';

export type ToolName = BundledTool['name'];
export const TOOL_NAMES: ToolName[] = ['velero', 'kubectl-kots'];

export interface LockArtifact {
  url: string;
  sha256: string;
  entry: string;
  binarySha256: string;
}
export interface LockTool {
  version: string;
  binary: string;
  versionCommand: string[];
  artifacts: Record<string, LockArtifact>;
}
export interface ToolsLock {
  tools: Record<ToolName, LockTool>;
}

export const defaultLock = lockJson as unknown as ToolsLock;

export function platformKey(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform;
  return `${os}-${arch}`;
}

export const isPinned = (h: string | undefined): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h);

export interface BinariesOptions {
  /** LIFEBOAT_TOOLS_DIR, when set. */
  overrideDir?: string;
  /** Packaged: process.resourcesPath. */
  resourcesPath?: string;
  packaged?: boolean;
  /** Dev: repository root. */
  repoRoot?: string;
  lock?: ToolsLock;
  platform?: string;
  arch?: string;
  versionTimeoutMs?: number;
}

/**
 * What must be unchanged for a verified file to still be the one hashed: device, inode, size, ctime
 * and mtime (nanoseconds). A user can set mtime back (utimes) but not ctime, which any write,
 * chmod or utimes moves; a file renamed into place has another inode.
 */
export function fileStamp(file: string): string {
  const st = statSync(file, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.ctimeNs}:${st.mtimeNs}`;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Pulls "1.18.3" out of `velero version --client-only` or `kubectl-kots version` output. */
export function parseToolVersion(tool: ToolName, stdout: string): string {
  const re = tool === 'velero' ? /Client:\s*\n\s*Version:\s*v?(\d+\.\d+\.\d+[\w.+-]*)/ : /(?:KOTS|kots)[^\n]*?v?(\d+\.\d+\.\d+[\w.+-]*)/;
  const m = stdout.match(re) ?? stdout.match(/\bv?(\d+\.\d+\.\d+[\w.+-]*)/);
  if (!m) {
    throw new LifeboatError(
      'TOOL_OUTPUT_INVALID',
      `${tool} did not print a version Lifeboat could read.`,
      `Check that the ${tool} in the tools directory is the real tool. It printed: ${stdout.slice(0, 120) || '(nothing)'}`,
    );
  }
  return m[1];
}

export class Binaries {
  private readonly lock: ToolsLock;
  private readonly verified = new Map<string, string>(); // path → fileStamp() last verified
  private readonly versions = new Map<string, string>();

  constructor(private readonly opts: BinariesOptions = {}) {
    this.lock = opts.lock ?? defaultLock;
  }

  /** Where the app runs from (packaged resources or the repository), for other bundled resources. */
  get location(): { packaged?: boolean; resourcesPath?: string; repoRoot?: string } {
    return { packaged: this.opts.packaged, resourcesPath: this.opts.resourcesPath, repoRoot: this.opts.repoRoot };
  }

  get isOverride(): boolean {
    return !!this.opts.overrideDir;
  }

  get dir(): string {
    if (this.opts.overrideDir) return this.opts.overrideDir;
    if (this.opts.packaged && this.opts.resourcesPath) return join(this.opts.resourcesPath, 'bin');
    return join(this.opts.repoRoot ?? process.cwd(), 'resources', 'bin', platformKey(this.opts.platform, this.opts.arch));
  }

  pathOf(name: ToolName): string {
    const exe = (this.opts.platform ?? process.platform) === 'win32' ? `${name}.exe` : name;
    return join(this.dir, exe);
  }

  private artifact(name: ToolName): LockArtifact | undefined {
    return this.lock.tools[name]?.artifacts[platformKey(this.opts.platform, this.opts.arch)];
  }

  /** Status of every tool, for Settings and the Overview. Never throws. */
  async list(): Promise<BundledTool[]> {
    return Promise.all(TOOL_NAMES.map((n) => this.describe(n)));
  }

  async describe(name: ToolName): Promise<BundledTool> {
    const source = this.isOverride ? 'override' : 'bundled';
    const path = this.pathOf(name);
    const lockVersion = this.lock.tools[name]?.version ?? 'unknown';
    try {
      await this.resolve(name);
    } catch (err) {
      const e = err as LifeboatError;
      const status = e.code === 'TOOL_TAMPERED' ? 'tampered' : 'missing';
      return { name, version: lockVersion, path, status, message: `${e.message} ${e.hint ?? ''}`.trim(), source };
    }
    if (this.isOverride) {
      try {
        return {
          name,
          version: await this.version(name),
          path,
          status: 'unverified',
          message: 'From LIFEBOAT_TOOLS_DIR: the checksum is not enforced.',
          source,
        };
      } catch (err) {
        return { name, version: 'unknown', path, status: 'unverified', message: (err as Error).message, source };
      }
    }
    if (!isPinned(this.artifact(name)?.binarySha256)) {
      return { name, version: lockVersion, path, status: 'unverified', message: 'No checksum is pinned for this build (development build).', source };
    }
    return { name, version: lockVersion, path, status: 'ok', source };
  }

  /** The executable's path, verified (bundled) before first use. Throws TOOL_MISSING / TOOL_TAMPERED. */
  async resolve(name: ToolName): Promise<string> {
    const path = this.pathOf(name);
    if (!existsSync(path) && !this.isOverride && !this.artifact(name)) {
      // Nothing to fetch: the lock pins only what upstream publishes (kubectl-kots: Linux and macOS,
      // kots deploy/.goreleaser.yaml at v1.131.4), so "run fetch-tools" or "reinstall" would not help.
      const key = platformKey(this.opts.platform, this.opts.arch);
      throw new LifeboatError(
        'TOOL_MISSING',
        `There is no ${name} for ${key}: ${name === 'kubectl-kots' ? 'kots publishes it for Linux and macOS only' : 'Lifeboat pins none for this platform'}, so backups and restores cannot run here.`,
        'Run Lifeboat on Linux or macOS (on Windows: the Linux package under WSL 2), or set LIFEBOAT_TOOLS_DIR to a directory holding a build of it for this platform.',
        { tool: name, path, platform: key },
      );
    }
    if (!existsSync(path)) {
      throw new LifeboatError(
        'TOOL_MISSING',
        `The ${name} tool Lifeboat needs is not at ${path}.`,
        this.isOverride
          ? `LIFEBOAT_TOOLS_DIR is set to ${this.dir}; put ${name} there or unset it.`
          : this.opts.packaged
            ? 'This Lifeboat installation is incomplete. Reinstall it from the original package.'
            : 'Run `node scripts/fetch-tools.mjs` to download the pinned tools into resources/bin, or set LIFEBOAT_TOOLS_DIR.',
        { tool: name, path },
      );
    }
    if (this.isOverride) return path;

    const stamp = fileStamp(path);
    if (this.verified.get(path) === stamp) return path;
    const expected = this.artifact(name)?.binarySha256;
    if (!isPinned(expected)) {
      if (this.opts.packaged) {
        throw new LifeboatError(
          'TOOL_TAMPERED',
          `Lifeboat cannot verify ${name}: this build has no checksum pinned for it.`,
          'This package was built without running `node scripts/fetch-tools.mjs --pin`. Use an official Lifeboat package.',
          { tool: name, path },
        );
      }
      this.verified.set(path, stamp); // dev build: allowed, reported as "unverified"
      return path;
    }
    const actual = await sha256File(path);
    if (actual !== expected) {
      throw new LifeboatError(
        'TOOL_TAMPERED',
        `The ${name} tool at ${path} is not the one Lifeboat shipped (its sha256 does not match).`,
        'Something changed the file after installation. Reinstall Lifeboat from a trusted package; do not run the tool.',
        { tool: name, path, expected, actual },
      );
    }
    this.verified.set(path, stamp);
    return path;
  }

  /** The tool's version: the lock's for bundled tools, the tool's own words for an override. */
  async version(name: ToolName): Promise<string> {
    if (!this.isOverride) return this.lock.tools[name]?.version ?? 'unknown';
    const cached = this.versions.get(name);
    if (cached) return cached;
    const file = await this.resolve(name);
    const args = this.lock.tools[name]?.versionCommand ?? ['version'];
    // No cluster for a version probe: kubectl-kots's post-run version check (kots
    // cmd/kots/cli/root.go and check-version.go at v1.131.4) would otherwise port-forward to the
    // admin console of whatever cluster the environment's kubeconfig names and can take longer
    // than this timeout. With an empty kubeconfig it cannot build a client and returns at once.
    const env = { KUBECONFIG: (this.opts.platform ?? process.platform) === 'win32' ? 'NUL' : '/dev/null' };
    const r = await execa(file, args, { reject: false, timeout: this.opts.versionTimeoutMs ?? 15_000, stdin: 'ignore', windowsHide: true, env });
    const stderr = withoutKotsVersionNotice(String(r.stderr ?? ''));
    if (r.exitCode !== 0) {
      throw new LifeboatError('TOOL_FAILED', `\`${name} ${args.join(' ')}\` failed (exit code ${r.exitCode ?? 'none'}).`, `Check the ${name} in ${this.dir}.`, {
        lastLines: stderr.split('\n').slice(-5),
      });
    }
    const v = parseToolVersion(name, `${r.stdout}\n${stderr}`);
    this.versions.set(name, v);
    return v;
  }
}
