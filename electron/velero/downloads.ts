/**
 * Velero downloads: a DownloadRequest signs the URL (downloadRequests.ts, the one flow), then this
 * GETs it from THIS machine and gunzips it (every kind but BackupContents is gzip): as a stream
 * (openDownload, downloadText, downloadLines) or whole in memory (downloadBuffer).
 *
 * The presigned URL is built from the storage location's config, so it must be reachable from the
 * desktop: a store Velero reaches as an in-cluster name needs `publicUrl` on the storage location
 * (velero-plugin-for-aws velero-plugin-for-aws/object_store.go at v1.14.3), except a Service of
 * the cluster (KOTS's own MinIO), which storeFetch.ts reaches by port-forward.
 * Both failure modes people hit (the URL does not resolve/connect, or answers 404) come back as
 * errors that say so and name that fix.
 *
 * Before the GET, the URL's host is checked against the storage location (downloadHost.ts), and
 * redirects are not followed; while it streams, the bytes read and the bytes after gunzip are
 * capped per kind (downloadLimits.ts).
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LifeboatError } from '../api/errors.js';
import { assertDownloadHost } from './downloadHost.js';
import { compressedCap, limitFor, outputCap, readCapped, tooLarge } from './downloadLimits.js';
import { words, type DownloadTarget, type UrlSource } from './downloadRequests.js';

export interface DownloadOptions {
  /** How long Velero may take to sign the URL (default 30 s, like the CLI's describe). */
  timeoutMs?: number;
  /** For tests: replaces global fetch. */
  fetchImpl?: typeof fetch;
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the object store';
  }
}

export function publicUrlFix(location?: string, namespace = 'velero'): string {
  const bsl = location ?? 'default';
  return (
    `The address Velero signs download URLs for comes from the storage location's config: set publicUrl on storage location "${bsl}" to an address of the same object store that this machine can reach ` +
    `(for example: kubectl -n ${namespace} patch backupstoragelocation ${bsl} --type merge -p '{"spec":{"config":{"publicUrl":"https://<reachable-host>:<port>"}}}'), then try again.`
  );
}

/**
 * Signs (DownloadRequest), checks the URL's host against the storage location and GETs it without
 * following redirects. A 404 is undefined with `optional`, else BACKUP_NOT_FOUND; a store that cannot
 * be reached or answers otherwise is STORAGE_UNREACHABLE, with the publicUrl fix.
 */
async function fetchChecked(source: UrlSource, t: DownloadTarget, opts: DownloadOptions & { optional?: boolean }, what: string): Promise<Response | undefined> {
  const url = await source.presignedUrl(t, opts.timeoutMs ?? 30_000);
  if (source.location) assertDownloadHost(url, await source.location(t), `the ${what}`);
  const f = opts.fetchImpl ?? source.fetch ?? fetch;
  let res: Response;
  try {
    // A redirect would leave the checked host: it is answered as the error it is, not followed.
    res = await f(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000), redirect: 'manual' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new LifeboatError(
      'STORAGE_UNREACHABLE',
      `Lifeboat could not reach the backup storage at ${hostOf(url)} to download the ${what} (${why}).`,
      publicUrlFix(t.location, t.veleroNamespace),
      { host: hostOf(url) },
    );
  }
  if (res.status === 404) {
    await res.body?.cancel().catch(() => {});
    if (opts.optional) return undefined;
    throw new LifeboatError(
      'BACKUP_NOT_FOUND',
      `The backup storage at ${hostOf(url)} has no ${words(t.kind)} for ${t.name} (HTTP 404).`,
      `Either the file is not in the store (the backup never uploaded it, or it was removed), or the download address points at a different store than the one Velero writes to. ${publicUrlFix(t.location, t.veleroNamespace)}`,
      { host: hostOf(url), status: 404 },
    );
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new LifeboatError(
      'STORAGE_UNREACHABLE',
      `The backup storage at ${hostOf(url)} answered HTTP ${res.status} for the ${what}.`,
      res.status === 403
        ? `The signed URL was refused: check the clock of this machine and the storage location's credentials. ${publicUrlFix(t.location, t.veleroNamespace)}`
        : 'Check the storage location and its credentials under Setup, then try again.',
      { host: hostOf(url), status: res.status },
    );
  }
  return res;
}

/**
 * A whole download in memory (the restore wizard's resource lists, results and logs), within its
 * kind's limits; a body that is not gzip is taken as it is (readCapped). Undefined when the store
 * has no such file.
 */
export async function downloadBuffer(source: UrlSource, t: DownloadTarget, opts: DownloadOptions = {}): Promise<Buffer | undefined> {
  const what = `${t.kind} of ${t.name}`;
  const res = await fetchChecked(source, t, { ...opts, optional: true }, what);
  if (!res) return undefined;
  const cli =
    t.kind === 'RestoreLog'
      ? `velero restore logs ${t.name} -n ${t.veleroNamespace}`
      : t.kind === 'BackupLog'
        ? `velero backup logs ${t.name} -n ${t.veleroNamespace}`
        : undefined;
  return readCapped(res, t.kind, what, cli);
}

/**
 * Opens a Velero download as a stream (gunzipped unless BackupContents). With `optional`, a 404
 * (e.g. an older backup without a results file) resolves to undefined instead of an error.
 */
export async function openDownload(source: UrlSource, t: DownloadTarget, opts: DownloadOptions & { optional?: boolean } = {}): Promise<Readable | undefined> {
  const res = await fetchChecked(source, t, opts, `${words(t.kind)} of ${t.name}`);
  if (!res?.body) return undefined;
  const body = Readable.fromWeb(res.body as never);
  const limit = limitFor(t.kind);
  if (!limit) return body;
  const what = `${words(t.kind)} of ${t.name}`;
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (length > limit.maxCompressed) {
    body.destroy();
    throw tooLarge(what, limit.maxCompressed, true);
  }
  const counted = compressedCap(limit, what);
  const gunzip = createGunzip();
  const cli =
    t.kind === 'BackupLog'
      ? `velero backup logs ${t.name} -n ${t.veleroNamespace}`
      : t.kind === 'RestoreLog'
        ? `velero restore logs ${t.name} -n ${t.veleroNamespace}`
        : undefined;
  let stopped = false;
  const capped = outputCap(limit, what, {
    cli,
    // a truncated log: stop downloading the rest
    stop: () => {
      stopped = true;
      body.unpipe(counted);
      body.destroy();
      counted.destroy();
      gunzip.destroy();
    },
  });
  const fail = (next: { destroy(e: Error): unknown }) => (e: Error) => void (stopped || next.destroy(e));
  body.on('error', fail(counted));
  counted.on('error', fail(gunzip));
  gunzip.on('error', fail(capped));
  return body.pipe(counted).pipe(gunzip).pipe(capped);
}

/** Reads a whole download into a string (small kinds: results, resource lists). */
export async function downloadText(source: UrlSource, t: DownloadTarget, opts: DownloadOptions & { optional?: boolean } = {}): Promise<string | undefined> {
  const s = await openDownload(source, t, opts);
  if (!s) return undefined;
  const chunks: Buffer[] = [];
  try {
    for await (const c of s) chunks.push(c as Buffer);
  } catch (err) {
    if (err instanceof LifeboatError) throw err;
    throw new LifeboatError(
      'STORAGE_UNREACHABLE',
      `The ${words(t.kind)} of ${t.name} could not be read: ${(err as Error).message}.`,
      'The file in the store may be damaged or the connection dropped. Try again.',
    );
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a download line by line (logs). */
export async function downloadLines(source: UrlSource, t: DownloadTarget, opts: DownloadOptions = {}): Promise<string[]> {
  const text = await downloadText(source, t, opts);
  if (!text) return [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
