// Types for scripts/fetch-tools.mjs (plain JS so it runs with bare `node` on a build machine).
export const PLACEHOLDER_PREFIX: string;
export function currentPlatform(platform?: string, arch?: string): string;
export function isPinned(hash: unknown): boolean;
export function sha256File(file: string): Promise<string>;
export class VerifyError extends Error {}
export function verifyFile(file: string, expected: string, label?: string): Promise<string>;
export function fetchTo(url: string, dest: string, opts?: { from?: string }): Promise<string>;
export function parseChecksums(text: string): Map<string, string>;
export interface LockArtifact {
  url: string;
  sha256: string;
  entry: string;
  binarySha256: string;
}
export interface LockTool {
  version: string;
  binary: string;
  artifacts: Record<string, LockArtifact>;
  checksumsUrl?: string;
}
export function installArtifact(opts: {
  name: string;
  tool: LockTool;
  platform: string;
  artifact: LockArtifact;
  out: string;
  from?: string;
  pin?: boolean;
  vendorSums?: Map<string, string>;
}): Promise<{ dest: string; sha256: string; binarySha256: string }>;
export function main(argv?: string[]): Promise<number>;
