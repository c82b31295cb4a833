/**
 * The Velero objects the restore wizard reads (velero pkg/apis/velero/v1/*_types.go at v1.18.3) and
 * the DownloadRequest dance for resource lists, restore results and restore logs (velero
 * pkg/cmd/util/downloadrequest/downloadrequest.go at v1.18.3): create the request, wait for the
 * presigned URL, check it points at the storage location's own store (velero/downloadHost.ts), GET
 * it from this machine without following redirects, gunzip within the per-kind limits
 * (velero/downloadLimits.ts). Minimal on purpose (see kube.ts's note).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { LifeboatError } from '../../api/errors.js';
import { assertDownloadHost, locationOf } from '../../velero/downloadHost.js';
import { collect, limitFor, outputCap, tooLarge } from '../../velero/downloadLimits.js';
import type { KubeJson } from './kube.js';

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface VeleroBackup {
  metadata: Meta;
  spec?: { storageLocation?: string; includedNamespaces?: string[]; labelSelector?: unknown; ttl?: string };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    expiration?: string;
    errors?: number;
    warnings?: number;
    progress?: { totalItems?: number; itemsBackedUp?: number };
    version?: number;
    formatVersion?: string;
  };
}

export interface VeleroRestore {
  metadata: Meta;
  spec?: { backupName?: string; labelSelector?: unknown };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
    validationErrors?: string[];
    progress?: { totalItems?: number; itemsRestored?: number };
  };
}

export interface VeleroBsl {
  metadata: Meta;
  spec?: { provider?: string; default?: boolean; accessMode?: string; objectStorage?: { bucket?: string; prefix?: string }; config?: Record<string, string> };
  status?: { phase?: string; lastSyncedTime?: string; lastValidationTime?: string; message?: string };
}

export interface PodVolumeRestore {
  metadata: Meta;
  status?: { phase?: string; progress?: { totalBytes?: number; bytesDone?: number } };
}

export const TERMINAL_RESTORE_PHASES = new Set(['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation']);
export const isTerminalRestore = (phase: string | undefined) => !!phase && TERMINAL_RESTORE_PHASES.has(phase);

const V = '/apis/velero.io/v1/namespaces';

export class VeleroReader {
  /** `fetchImpl`: how to GET a presigned URL (storeFetch.ts reaches in-cluster stores by port-forward). */
  constructor(private readonly kube: KubeJson, readonly namespace: string, private readonly fetchImpl: typeof fetch = fetch) {}

  async backups(): Promise<VeleroBackup[]> {
    return ((await this.kube.get<{ items?: VeleroBackup[] }>(`${V}/${this.namespace}/backups`)).items ?? []);
  }

  backup(name: string): Promise<VeleroBackup | undefined> {
    return this.kube.getOrUndefined<VeleroBackup>(`${V}/${this.namespace}/backups/${encodeURIComponent(name)}`);
  }

  async restores(): Promise<VeleroRestore[]> {
    return ((await this.kube.get<{ items?: VeleroRestore[] }>(`${V}/${this.namespace}/restores`)).items ?? []);
  }

  restore(name: string): Promise<VeleroRestore | undefined> {
    return this.kube.getOrUndefined<VeleroRestore>(`${V}/${this.namespace}/restores/${encodeURIComponent(name)}`);
  }

  /** Deletes a Restore and waits until Velero has removed it (its finalizer cleans the storage). */
  async deleteRestore(name: string, timeoutMs = 60_000): Promise<void> {
    const path = `${V}/${this.namespace}/restores/${encodeURIComponent(name)}`;
    await this.kube.delete(path);
    const deadline = Date.now() + timeoutMs;
    while (await this.kube.getOrUndefined(path)) {
      if (Date.now() > deadline) {
        throw new LifeboatError('TOOL_TIMEOUT', `Velero did not finish deleting the earlier restore ${name} within ${Math.round(timeoutMs / 1000)} s.`, 'Check that the Velero server is running, then try again.');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async podVolumeRestores(restoreName: string): Promise<PodVolumeRestore[]> {
    const sel = encodeURIComponent(`velero.io/restore-name=${labelValue(restoreName)}`);
    return ((await this.kube.get<{ items?: PodVolumeRestore[] }>(`${V}/${this.namespace}/podvolumerestores?labelSelector=${sel}`)).items ?? []);
  }

  async locations(): Promise<VeleroBsl[]> {
    return ((await this.kube.get<{ items?: VeleroBsl[] }>(`${V}/${this.namespace}/backupstoragelocations`)).items ?? []);
  }

  setAccessMode(location: string, mode: 'ReadOnly' | 'ReadWrite'): Promise<VeleroBsl> {
    return this.kube.mergePatch<VeleroBsl>(`${V}/${this.namespace}/backupstoragelocations/${encodeURIComponent(location)}`, { spec: { accessMode: mode } });
  }

  /**
   * Fetches one DownloadRequest target and returns it gunzipped. NOT_FOUND-like answers (the file
   * does not exist in the store) come back as undefined.
   */
  async download(kind: 'BackupResourceList' | 'RestoreResults' | 'RestoreLog' | 'BackupResults', name: string, timeoutMs = 30_000): Promise<Buffer | undefined> {
    const reqName = `${name}-${randomUUID()}`.slice(0, 253);
    await this.kube.post(`${V}/${this.namespace}/downloadrequests`, {
      apiVersion: 'velero.io/v1',
      kind: 'DownloadRequest',
      metadata: { name: reqName, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'lifeboat' } },
      spec: { target: { kind, name } },
    });
    try {
      const deadline = Date.now() + timeoutMs;
      let url = '';
      while (!url) {
        const dr = await this.kube.getOrUndefined<{ status?: { downloadURL?: string } }>(`${V}/${this.namespace}/downloadrequests/${reqName}`);
        url = dr?.status?.downloadURL ?? '';
        if (url) break;
        if (Date.now() > deadline) {
          throw new LifeboatError(
            'TOOL_TIMEOUT',
            `Velero did not answer a request for the ${kind} of ${name} within ${Math.round(timeoutMs / 1000)} s.`,
            'The backup storage location may not be available. Check it under Setup, then try again.',
          );
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      const what = `${kind} of ${name}`;
      const bsl = await locationOf((plural, n) => this.kube.getOrUndefined(`${V}/${this.namespace}/${plural}/${encodeURIComponent(n)}`), kind, name);
      assertDownloadHost(url, bsl, `the ${what}`);
      let res: Response;
      try {
        res = await this.fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      } catch (err) {
        throw new LifeboatError(
          'CLUSTER_UNREACHABLE',
          `Lifeboat could not download the ${kind} of ${name} from the backup storage: ${(err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message}.`,
          'The storage address Velero uses must be reachable from this machine (for S3 stores, set publicUrl on the storage location).',
        );
      }
      if (res.status === 404) return undefined;
      if (!res.ok) {
        throw new LifeboatError('CLUSTER_UNREACHABLE', `The backup storage answered HTTP ${res.status} for the ${kind} of ${name}.`, 'Check the storage location and its credentials under Setup.');
      }
      return await readCapped(res, kind, what, `velero restore logs ${name} -n ${this.namespace}`);
    } finally {
      this.kube.delete(`${V}/${this.namespace}/downloadrequests/${reqName}`).catch(() => {});
    }
  }
}

/**
 * A download's body within its kind's limits: at most `maxCompressed` bytes read (Content-Length
 * checked first), gunzipped to at most `maxBytes` (logs truncated with a marker line, documents
 * refused). A body that is not gzip is returned as read (some stores already decompressed it).
 */
export async function readCapped(res: Response, kind: string, what: string, cli?: string): Promise<Buffer> {
  const limit = limitFor(kind)!;
  if (Number(res.headers.get('content-length') ?? NaN) > limit.maxCompressed) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(what, limit.maxCompressed, true);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  if (res.body) {
    for await (const c of Readable.fromWeb(res.body as never)) {
      n += (c as Buffer).length;
      if (n > limit.maxCompressed) throw tooLarge(what, limit.maxCompressed, true);
      chunks.push(c as Buffer);
    }
  }
  const body = Buffer.concat(chunks);
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body.length > limit.maxBytes ? truncatedOrRefused(body, limit, what, cli) : body;
  if (limit.mode === 'refuse') {
    try {
      return gunzipSync(body, { maxOutputLength: limit.maxBytes });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(what, limit.maxBytes, false);
      return body;
    }
  }
  const gunzip = createGunzip();
  const capped = outputCap(limit, what, { cli, stop: () => gunzip.destroy() });
  gunzip.on('error', (e) => capped.destroy(e));
  gunzip.end(body);
  try {
    return await collect(gunzip.pipe(capped));
  } catch {
    return body;
  }
}

async function truncatedOrRefused(body: Buffer, limit: NonNullable<ReturnType<typeof limitFor>>, what: string, cli?: string): Promise<Buffer> {
  if (limit.mode === 'refuse') throw tooLarge(what, limit.maxBytes, false);
  return collect(Readable.from([body]).pipe(outputCap(limit, what, { cli })));
}

/** Velero's label-value shortening (names over 63 characters: first 57 + 6 hex of SHA-256). */
export function labelValue(name: string): string {
  if (name.length <= 63) return name;
  return name.slice(0, 57) + createHash('sha256').update(name).digest('hex').slice(0, 6);
}
