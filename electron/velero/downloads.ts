/**
 * Velero's DownloadRequest flow (velero pkg/cmd/util/downloadrequest/downloadrequest.go and
 * pkg/controller/download_request_controller.go at v1.18.3): create a DownloadRequest in the
 * Velero namespace, watch it until Velero fills in `status.downloadURL` (a presigned URL of the
 * object store), GET that URL from THIS machine, gunzip (every kind but BackupContents is gzip).
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
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CustomObjectsApi, type KubeConfig, Watch } from '@kubernetes/client-node';
import { LifeboatError } from '../api/errors.js';
import { assertDownloadHost, locationOf, type StoreLocation } from './downloadHost.js';
import { compressedCap, limitFor, outputCap, tooLarge } from './downloadLimits.js';
import { storeFetch } from './storeFetch.js';

export type DownloadKind =
  | 'BackupLog'
  | 'BackupContents'
  | 'BackupVolumeSnapshots'
  | 'BackupItemOperations'
  | 'BackupResourceList'
  | 'BackupResults'
  | 'BackupVolumeInfos'
  | 'RestoreLog'
  | 'RestoreResults'
  | 'RestoreResourceList';

const WORDS: Record<string, string> = {
  BackupLog: 'backup log',
  BackupContents: 'backup contents',
  BackupResourceList: 'resource list',
  BackupResults: 'backup results',
  BackupVolumeInfos: 'volume information',
  RestoreLog: 'restore log',
  RestoreResults: 'restore results',
  RestoreResourceList: 'restore resource list',
};
const words = (k: string) => WORDS[k] ?? k;

export interface DownloadTarget {
  veleroNamespace: string;
  kind: DownloadKind;
  /** Backup (or Restore) name. */
  name: string;
  /** Storage location name, for the fix text. */
  location?: string;
}

export interface DownloadOptions {
  /** How long Velero may take to sign the URL (default 30 s, like the CLI's describe). */
  timeoutMs?: number;
  /** For tests: replaces global fetch. */
  fetchImpl?: typeof fetch;
}

export interface UrlSource {
  /** Creates the DownloadRequest and resolves with its presigned URL; always cleans up. */
  presignedUrl(t: DownloadTarget, timeoutMs: number): Promise<string>;
  /** How to GET that URL (default: fetch directly). */
  fetch?: typeof fetch;
  /** The storage location the target lives in: the URL must point at its store (downloadHost.ts). */
  location?(t: DownloadTarget): Promise<StoreLocation>;
}

/** The Kubernetes side: create the DownloadRequest, watch it (field-selected by name), delete it. */
export class DownloadRequests implements UrlSource {
  /** In-cluster store addresses (a Service's ClusterIP) are reached by port-forward: storeFetch.ts. */
  readonly fetch: typeof fetch;

  constructor(private readonly kc: KubeConfig) {
    this.fetch = storeFetch(kc);
  }

  location(t: DownloadTarget): Promise<StoreLocation> {
    const api = this.kc.makeApiClient(CustomObjectsApi);
    return locationOf(
      (plural, name) =>
        api.getNamespacedCustomObject({ group: 'velero.io', version: 'v1', namespace: t.veleroNamespace, plural, name }).catch((e: unknown) => {
          if ((e as { code?: number }).code === 404) return undefined;
          throw e;
        }),
      t.kind,
      t.name,
      t.location,
    );
  }

  async presignedUrl(t: DownloadTarget, timeoutMs: number): Promise<string> {
    const api = this.kc.makeApiClient(CustomObjectsApi);
    const name = `${t.name.slice(0, 200)}-${randomUUID()}`;
    const G = { group: 'velero.io', version: 'v1', namespace: t.veleroNamespace, plural: 'downloadrequests' };
    await api.createNamespacedCustomObject({
      ...G,
      body: { apiVersion: 'velero.io/v1', kind: 'DownloadRequest', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'lifeboat' } }, spec: { target: { kind: t.kind, name: t.name } } },
    });
    let abort: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<string>((resolve, reject) => {
        let settled = false;
        const done = (err: Error | null, url?: string) => {
          if (settled) return;
          settled = true;
          if (err) reject(err);
          else resolve(url!);
        };
        timer = setTimeout(
          () =>
            done(
              new LifeboatError(
                'STORAGE_UNREACHABLE',
                `Velero did not prepare a download of the ${words(t.kind)} of ${t.name} within ${Math.round(timeoutMs / 1000)} s.`,
                `The backup storage location${t.location ? ` "${t.location}"` : ''} may not be available, or the Velero server is not running. Check both under Setup, then try again.`,
                { downloadRequest: name },
              ),
            ),
          timeoutMs,
        );
        const check = (obj: { status?: { downloadURL?: string } } | undefined) => {
          const url = obj?.status?.downloadURL;
          if (url) done(null, url);
        };
        new Watch(this.kc)
          .watch(`/apis/velero.io/v1/namespaces/${t.veleroNamespace}/downloadrequests`, { fieldSelector: `metadata.name=${name}` }, (_type, obj) => check(obj as never), (err) => {
            if (err && !settled) {
              // the watch dropped: one direct read, else keep waiting for the timer
              void api.getNamespacedCustomObject({ ...G, name }).then((o) => check(o as never), () => {});
            }
          })
          .then((ac) => {
            abort = ac;
            if (settled) ac.abort();
            // The URL may have been set before the watch began.
            return api.getNamespacedCustomObject({ ...G, name }).then((o) => check(o as never));
          })
          .catch((e) => done(e as Error));
      });
    } finally {
      clearTimeout(timer);
      abort?.abort();
      api.deleteNamespacedCustomObject({ ...G, name }).catch(() => {});
    }
  }
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
 * Opens a Velero download as a stream (gunzipped unless BackupContents). With `optional`, a 404
 * (e.g. an older backup without a results file) resolves to undefined instead of an error.
 */
export async function openDownload(source: UrlSource, t: DownloadTarget, opts: DownloadOptions & { optional?: boolean } = {}): Promise<Readable | undefined> {
  const url = await source.presignedUrl(t, opts.timeoutMs ?? 30_000);
  if (source.location) assertDownloadHost(url, await source.location(t), `the ${words(t.kind)} of ${t.name}`);
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
      `Lifeboat could not reach the backup storage at ${hostOf(url)} to download the ${words(t.kind)} of ${t.name} (${why}).`,
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
      `The backup storage at ${hostOf(url)} answered HTTP ${res.status} for the ${words(t.kind)} of ${t.name}.`,
      res.status === 403 ? `The signed URL was refused: check the clock of this machine and the storage location's credentials. ${publicUrlFix(t.location, t.veleroNamespace)}` : 'Check the storage location and its credentials under Setup, then try again.',
      { host: hostOf(url), status: res.status },
    );
  }
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
  const cli = t.kind === 'BackupLog' ? `velero backup logs ${t.name} -n ${t.veleroNamespace}` : t.kind === 'RestoreLog' ? `velero restore logs ${t.name} -n ${t.veleroNamespace}` : undefined;
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
    throw new LifeboatError('STORAGE_UNREACHABLE', `The ${words(t.kind)} of ${t.name} could not be read: ${(err as Error).message}.`, 'The file in the store may be damaged or the connection dropped. Try again.');
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
