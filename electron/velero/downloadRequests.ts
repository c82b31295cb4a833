/**
 * The one DownloadRequest flow (velero pkg/cmd/util/downloadrequest/downloadrequest.go and
 * pkg/controller/download_request_controller.go at v1.18.3): create a DownloadRequest in the Velero
 * namespace, wait until Velero fills in `status.downloadURL` (a presigned URL of the object store),
 * and delete the request, whatever happened. Both the backups area (logs, results, resource lists)
 * and the restore wizard (resource lists, restore results and logs) come through here.
 *
 * The create and the delete go through the cluster layer's client (cluster/rest.ts): its errors
 * mapped the one way, both writes in the operation journal when the client was given one. The wait
 * is a watch field-selected by name when a KubeConfig is at hand, else a read every `pollMs`.
 */
import { randomUUID } from 'node:crypto';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { LifeboatError } from '../api/errors.js';
import { kubeRest, type KubeRest } from '../cluster/rest.js';
import { locationOf, type StoreLocation } from './downloadHost.js';
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
export const words = (k: string) => WORDS[k] ?? k;

export interface DownloadTarget {
  veleroNamespace: string;
  kind: DownloadKind;
  /** Backup (or Restore) name. */
  name: string;
  /** Storage location name, for the fix text. */
  location?: string;
}

export interface UrlSource {
  /** Creates the DownloadRequest and resolves with its presigned URL; always cleans up. */
  presignedUrl(t: DownloadTarget, timeoutMs: number): Promise<string>;
  /** How to GET that URL (default: fetch directly). */
  fetch?: typeof fetch;
  /** The storage location the target lives in: the URL must point at its store (downloadHost.ts). */
  location?(t: DownloadTarget): Promise<StoreLocation>;
}

/** What the flow needs of the cluster layer's client. */
export type DownloadKube = Pick<KubeRest, 'post' | 'getOrUndefined' | 'delete'>;

export interface DownloadRequestsOptions {
  /** Watch the request instead of reading it every pollMs. */
  kc?: KubeConfig;
  /** How to GET the presigned URL (default: storeFetch on kc, which port-forwards to in-cluster stores; else fetch). */
  fetch?: typeof fetch;
  pollMs?: number;
}

type Dr = { status?: { downloadURL?: string } } | undefined;

const base = (ns: string) => `/apis/velero.io/v1/namespaces/${encodeURIComponent(ns)}`;

export class DownloadRequests implements UrlSource {
  readonly fetch: typeof fetch | undefined;
  private readonly kube: DownloadKube;
  private readonly opts: DownloadRequestsOptions;

  /** With a bare KubeConfig: the cluster layer's client on it (writes not journaled), and a watch. */
  constructor(kube: DownloadKube | KubeConfig, opts: DownloadRequestsOptions = {}) {
    this.kube = kube instanceof KubeConfig ? kubeRest(kube) : kube;
    this.opts = kube instanceof KubeConfig ? { kc: kube, ...opts } : opts;
    this.fetch = this.opts.fetch ?? (this.opts.kc ? storeFetch(this.opts.kc) : undefined);
  }

  location(t: DownloadTarget): Promise<StoreLocation> {
    return locationOf(
      (plural, name) => this.kube.getOrUndefined(`${base(t.veleroNamespace)}/${plural}/${encodeURIComponent(name)}`),
      t.kind,
      t.name,
      t.location,
    );
  }

  async presignedUrl(t: DownloadTarget, timeoutMs: number): Promise<string> {
    const name = `${t.name.slice(0, 200)}-${randomUUID()}`;
    const list = `${base(t.veleroNamespace)}/downloadrequests`;
    await this.kube.post(list, {
      apiVersion: 'velero.io/v1',
      kind: 'DownloadRequest',
      metadata: { name, namespace: t.veleroNamespace, labels: { 'app.kubernetes.io/managed-by': 'lifeboat' } },
      spec: { target: { kind: t.kind, name: t.name } },
    });
    const stops: Array<() => void> = [];
    try {
      return await new Promise<string>((resolve, reject) => {
        let settled = false;
        const done = (err: Error | null, url?: string) => {
          if (settled) return;
          settled = true;
          if (err) reject(err);
          else resolve(url!);
        };
        const timer = setTimeout(() => done(timedOut(t, name, timeoutMs)), timeoutMs);
        stops.push(() => clearTimeout(timer));
        const read = () => this.kube.getOrUndefined<Dr>(`${list}/${name}`).then((o) => o?.status?.downloadURL && done(null, o.status.downloadURL));
        if (this.opts.kc)
          stops.push(
            this.watch(
              t.veleroNamespace,
              name,
              read,
              (url) => done(null, url),
              (e) => done(e),
            ),
          );
        else
          stops.push(
            this.poll(
              read,
              (e) => done(e),
              () => settled,
            ),
          );
      });
    } finally {
      for (const stop of stops) stop();
      this.kube.delete(`${list}/${name}`).catch(() => {});
    }
  }

  /** A watch on the one request; a dropped watch falls back to one direct read. */
  private watch(ns: string, name: string, read: () => Promise<unknown>, found: (url: string) => void, failed: (e: Error) => void): () => void {
    let abort: AbortController | undefined;
    let stopped = false;
    new Watch(this.opts.kc!)
      .watch(
        `${base(ns)}/downloadrequests`,
        { fieldSelector: `metadata.name=${name}` },
        (_type, obj) => {
          const url = (obj as Dr)?.status?.downloadURL;
          if (url) found(url);
        },
        (err) => {
          if (err && !stopped) void read().catch(() => {});
        },
      )
      .then((ac) => {
        abort = ac;
        if (stopped) ac.abort();
        // The URL may have been set before the watch began.
        return read();
      })
      .catch((e) => failed(e as Error));
    return () => {
      stopped = true;
      abort?.abort();
    };
  }

  private poll(read: () => Promise<unknown>, failed: (e: Error) => void, settled: () => boolean): () => void {
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      read().then(
        () => {
          if (!settled()) timer = setTimeout(tick, this.opts.pollMs ?? 250);
        },
        (e) => failed(e as Error),
      );
    };
    tick();
    return () => clearTimeout(timer);
  }
}

function timedOut(t: DownloadTarget, name: string, timeoutMs: number): LifeboatError {
  return new LifeboatError(
    'TOOL_TIMEOUT',
    `Velero did not prepare a download of the ${words(t.kind)} of ${t.name} within ${Math.round(timeoutMs / 1000)} s.`,
    `The backup storage location${t.location ? ` "${t.location}"` : ''} may not be available, or the Velero server is not running. Check both under Setup, then try again.`,
    { downloadRequest: name },
  );
}
