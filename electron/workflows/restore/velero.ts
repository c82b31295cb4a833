/**
 * The Velero objects the restore wizard reads and its few writes, in the Velero namespace of the run,
 * through the cluster layer's client (cluster/rest.ts). The shapes are velero/types.ts; resource
 * lists, restore results and restore logs come through the one DownloadRequest flow
 * (velero/downloadRequests.ts, velero/downloads.ts).
 */
import { LifeboatError } from '../../api/errors.js';
import type { KubeJson } from '../../cluster/rest.js';
import { DownloadRequests } from '../../velero/downloadRequests.js';
import { downloadBuffer } from '../../velero/downloads.js';
import { labelValue, type BackupStorageLocation, type PodVolumeRestore, type VeleroBackup, type VeleroRestore } from '../../velero/types.js';

const V = '/apis/velero.io/v1/namespaces';

export class VeleroReader {
  /** `fetchImpl`: how to GET a presigned URL (storeFetch.ts reaches in-cluster stores by port-forward). */
  constructor(
    private readonly kube: KubeJson,
    readonly namespace: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async backups(): Promise<VeleroBackup[]> {
    return (await this.kube.get<{ items?: VeleroBackup[] }>(`${V}/${this.namespace}/backups`)).items ?? [];
  }

  backup(name: string): Promise<VeleroBackup | undefined> {
    return this.kube.getOrUndefined<VeleroBackup>(`${V}/${this.namespace}/backups/${encodeURIComponent(name)}`);
  }

  async restores(): Promise<VeleroRestore[]> {
    return (await this.kube.get<{ items?: VeleroRestore[] }>(`${V}/${this.namespace}/restores`)).items ?? [];
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
        throw new LifeboatError(
          'TOOL_TIMEOUT',
          `Velero did not finish deleting the earlier restore ${name} within ${Math.round(timeoutMs / 1000)} s.`,
          'Check that the Velero server is running, then try again.',
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async podVolumeRestores(restoreName: string): Promise<PodVolumeRestore[]> {
    const sel = encodeURIComponent(`velero.io/restore-name=${labelValue(restoreName)}`);
    return (await this.kube.get<{ items?: PodVolumeRestore[] }>(`${V}/${this.namespace}/podvolumerestores?labelSelector=${sel}`)).items ?? [];
  }

  async locations(): Promise<BackupStorageLocation[]> {
    return (await this.kube.get<{ items?: BackupStorageLocation[] }>(`${V}/${this.namespace}/backupstoragelocations`)).items ?? [];
  }

  setAccessMode(location: string, mode: 'ReadOnly' | 'ReadWrite'): Promise<BackupStorageLocation> {
    return this.kube.mergePatch<BackupStorageLocation>(`${V}/${this.namespace}/backupstoragelocations/${encodeURIComponent(location)}`, {
      spec: { accessMode: mode },
    });
  }

  /**
   * Fetches one DownloadRequest target and returns it gunzipped, through the one DownloadRequest
   * flow (velero/downloadRequests.ts, velero/downloads.ts). A file the store does not have comes
   * back as undefined.
   */
  download(kind: 'BackupResourceList' | 'RestoreResults' | 'RestoreLog' | 'BackupResults', name: string, timeoutMs = 30_000): Promise<Buffer | undefined> {
    return downloadBuffer(new DownloadRequests(this.kube, { fetch: this.fetchImpl }), { veleroNamespace: this.namespace, kind, name }, { timeoutMs });
  }
}
