/**
 * Reading a file the operator named (a kubeconfig, a CA certificate): only a regular file, only up
 * to a size such a file can have. `/dev/zero`, a FIFO or a multi-gigabyte file given by mistake
 * would otherwise be read until memory runs out (or forever), taking the process with it.
 */
import { X509Certificate } from 'node:crypto';
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import { LifeboatError } from './api/errors.js';

export const MAX_KUBECONFIG_BYTES = 16 * 1024 * 1024;
export const MAX_PEM_BYTES = 1024 * 1024;

export type FileProblem = { kind: 'errno'; code: string } | { kind: 'not-a-file' } | { kind: 'too-large'; size: number; max: number };

export class LocalFileError extends Error {
  constructor(
    readonly problem: FileProblem,
    readonly path: string,
  ) {
    super(describeProblem(problem));
  }
}

export function describeProblem(p: FileProblem): string {
  if (p.kind === 'errno') return p.code === 'ENOENT' ? 'it does not exist' : p.code === 'EACCES' || p.code === 'EPERM' ? 'this user may not read it' : p.code;
  if (p.kind === 'not-a-file') return 'it is not a regular file';
  return `it is ${p.size} bytes, more than the ${p.max} such a file can have`;
}

function errno(err: unknown): FileProblem {
  return { kind: 'errno', code: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
}

/** A regular file of at most `max` bytes may be read; anything else is a LocalFileError. */
function admit(path: string, st: { isFile(): boolean; size: number }, max: number): void {
  if (!st.isFile()) throw new LocalFileError({ kind: 'not-a-file' }, path);
  if (st.size > max) throw new LocalFileError({ kind: 'too-large', size: st.size, max }, path);
}

function asLocalFileError(err: unknown, path: string): LocalFileError {
  return err instanceof LocalFileError ? err : new LocalFileError(errno(err), path);
}

/** Reads a regular file of at most `max` bytes, or throws LocalFileError. */
export function readBoundedFileSync(path: string, max: number): Buffer {
  try {
    admit(path, statSync(path), max);
    return readFileSync(path);
  } catch (err) {
    throw asLocalFileError(err, path);
  }
}

export async function readBoundedFile(path: string, max: number): Promise<Buffer> {
  try {
    admit(path, await fsp.stat(path), max);
    return await fsp.readFile(path);
  } catch (err) {
    throw asLocalFileError(err, path);
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Checks that `pem` holds one or more certificates that parse, and nothing claiming to be one that
 * does not. Returns the problem in words, or undefined when it is a usable CA bundle.
 */
export function pemProblem(pem: string): string | undefined {
  if (pem.includes('PRIVATE KEY-----')) return 'it holds a private key, not a CA certificate';
  const blocks = pem.match(PEM_CERT) ?? [];
  if (!blocks.length)
    return pem.includes('-----BEGIN CERTIFICATE-----')
      ? 'its certificate block is cut off (no END CERTIFICATE line)'
      : 'it holds no PEM certificate ("-----BEGIN CERTIFICATE-----")';
  const begins = pem.split('-----BEGIN CERTIFICATE-----').length - 1;
  if (begins !== blocks.length) return 'one of its certificate blocks is cut off (no END CERTIFICATE line)';
  for (const [i, b] of blocks.entries()) {
    try {
      new X509Certificate(b);
    } catch {
      return `certificate ${i + 1} of ${blocks.length} is not a readable X.509 certificate`;
    }
  }
  return undefined;
}

function caFileError(file: string, what: string, e: unknown): LifeboatError {
  const why = e instanceof LocalFileError ? e.message : String(e);
  return new LifeboatError(
    'BAD_INPUT',
    `Lifeboat cannot use the CA file ${file} (${what}): ${why}.`,
    'Choose the PEM file of the CA certificate (a few kilobytes, "-----BEGIN CERTIFICATE-----"), and check that this user may read it.',
    { path: file },
  );
}

/** Reads and checks a CA certificate file the operator named; BAD_INPUT saying what is wrong. */
export async function readCaFile(file: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file, MAX_PEM_BYTES);
  } catch (e) {
    throw caFileError(file, what, e);
  }
  return checkedPem(bytes.toString('utf8'), `${file} (${what})`);
}

export function readCaFileSync(file: string, what: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readBoundedFileSync(file, MAX_PEM_BYTES);
  } catch (e) {
    throw caFileError(file, what, e);
  }
  checkedPem(bytes.toString('utf8'), `${file} (${what})`);
  return bytes;
}

/** BAD_INPUT when `pem` is not a usable CA bundle; else `pem`. `where` names it in the message. */
export function checkedPem(pem: string, where: string): string {
  const why = pemProblem(pem);
  if (why)
    throw new LifeboatError(
      'BAD_INPUT',
      `${where} is not a usable CA certificate: ${why}.`,
      'Choose the CA certificate that signed the server\'s certificate, in PEM form ("-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----").',
    );
  return pem;
}
