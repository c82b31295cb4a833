/**
 * Which hosts a presigned download URL may point at: only the backup storage location's own
 * object store. Velero answers a DownloadRequest with the URL the location's object-store plugin
 * signed (velero pkg/controller/download_request_controller.go at v1.18.3: the location is the
 * Backup's spec.storageLocation; for restore kinds, the Restore's spec.backupName's), so the URL
 * must name that store:
 * - an endpoint in the config (AWS plugin `publicUrl`, else `s3Url`): that host and port, or the
 *   bucket as a sub-domain of it (virtual-hosted style). publicUrl wins because the AWS plugin signs
 *   download URLs with a client built on publicUrl when it is set (velero-plugin-for-aws
 *   velero-plugin-for-aws/object_store.go at v1.14.3, Init: preSignS3 from publicURL). KOTS's
 *   file-system MinIO sets publicUrl to its Service's ClusterIP; that address is the location's own
 *   host (storeFetch.ts reaches it by port-forward).
 * - AWS without an endpoint: *.amazonaws.com or *.amazonaws.com.cn over https.
 * - GCP: storage.googleapis.com (or <bucket>.storage.googleapis.com) over https: the plugin signs with
 *   cloud.google.com/go/storage SignedURL and takes no endpoint key (velero-plugin-for-gcp
 *   object_store.go, Init: kmsKeyName, serviceAccount, credentialsFile only).
 * - Azure: <storageAccount>.blob.<cloud suffix> over https, or the host of `storageAccountURI`.
 * Anything else is refused before a byte is fetched. Pure.
 */
import { LifeboatError } from '../api/errors.js';

export interface StoreLocation {
  metadata: { name: string };
  spec?: { provider?: string; objectStorage?: { bucket?: string }; config?: Record<string, string> };
}

/** Blob endpoints of the Azure clouds KOTS configures (storage/azure.ts has the same list). */
const AZURE_BLOB_SUFFIXES = ['blob.core.windows.net', 'blob.core.usgovcloudapi.net', 'blob.core.chinacloudapi.cn', 'blob.core.cloudapi.de'];

export interface HostRule {
  /** Human words for the hosts accepted, for the error. */
  accepts: string;
  matches(url: URL): boolean;
}

function endpointHost(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** host[:port] equal to the endpoint's, or <bucket>.host[:port] (virtual-hosted style). */
function endpointRule(endpoint: URL, bucket: string | undefined, key: string): HostRule {
  const bucketHost = bucket ? `${bucket.toLowerCase()}.${endpoint.host}` : undefined;
  return {
    accepts: `${endpoint.host} (the location's ${key})`,
    matches: (u) => (u.protocol === 'http:' || u.protocol === 'https:') && (u.host === endpoint.host || u.host === bucketHost),
  };
}

const suffixRule = (suffixes: string[], accepts: string): HostRule => ({
  accepts,
  matches: (u) => u.protocol === 'https:' && suffixes.some((s) => u.hostname === s || u.hostname.endsWith(`.${s}`)),
});

/** The rule for one storage location, or a reason there is none. */
export function hostRule(bsl: StoreLocation): HostRule | { problem: string } {
  // Cluster data is not trusted to have the schema's types: a number, list or object where a
  // string belongs counts as absent (a clear refusal below), never a TypeError.
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const rawConfig: unknown = bsl.spec?.config;
  const config: Record<string, string> =
    rawConfig && typeof rawConfig === 'object' && !Array.isArray(rawConfig)
      ? Object.fromEntries(Object.entries(rawConfig).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  const provider = (str(bsl.spec?.provider) ?? '').replace(/^velero\.io\//, '').toLowerCase();
  const bucket = str(typeof bsl.spec?.objectStorage === 'object' ? bsl.spec?.objectStorage?.bucket : undefined);
  if (provider === 'aws') {
    const key = config.publicUrl ? 'publicUrl' : config.s3Url ? 's3Url' : undefined;
    if (key) {
      const ep = endpointHost(config[key]);
      return ep ? endpointRule(ep, bucket, key) : { problem: `its ${key} "${config[key]}" is not an http(s) URL` };
    }
    return suffixRule(['amazonaws.com', 'amazonaws.com.cn'], 'hosts under amazonaws.com or amazonaws.com.cn (AWS S3)');
  }
  if (provider === 'gcp') {
    return {
      accepts: 'storage.googleapis.com (Google Cloud Storage)',
      matches: (u) =>
        u.protocol === 'https:' && (u.hostname === 'storage.googleapis.com' || (!!bucket && u.hostname === `${bucket.toLowerCase()}.storage.googleapis.com`)),
    };
  }
  if (provider === 'azure') {
    const ep = endpointHost(config.storageAccountURI);
    if (ep) return endpointRule(ep, undefined, 'storageAccountURI');
    const account = (config.storageAccount ?? '').toLowerCase();
    if (!account) return { problem: 'it names no storageAccount' };
    return suffixRule(
      AZURE_BLOB_SUFFIXES.map((s) => `${account}.${s}`),
      `${account}.blob.core.windows.net (or the same account in another Azure cloud)`,
    );
  }
  return { problem: `Lifeboat does not know which hosts the "${str(bsl.spec?.provider) ?? 'unknown'}" provider signs download URLs for` };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url.slice(0, 100);
  } catch {
    return url.slice(0, 100);
  }
}

/**
 * Refuses a presigned URL that does not point at the location's own store. `what` names the file
 * ("the backup log of b1") for the message.
 */
export function assertDownloadHost(url: string, bsl: StoreLocation, what: string): void {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  const name = typeof bsl.metadata?.name === 'string' ? bsl.metadata.name : '(unnamed)';
  const rule = hostRule(bsl);
  if (u && !('problem' in rule) && rule.matches(u)) return;
  const why = 'problem' in rule ? rule.problem : `it accepts only ${rule.accepts}`;
  throw new LifeboatError(
    'STORAGE_INVALID',
    `Lifeboat refused to download ${what}: Velero gave an address on ${u ? `${u.protocol}//${hostOf(url)}` : 'an unreadable URL'}, which is not the object store of storage location "${name}" (${why}).`,
    `Check storage location "${name}" (its provider, bucket and config s3Url/publicUrl) under Setup: downloads are fetched only from the location's own store.`,
    { host: u ? u.host : '', location: name },
  );
}

/** Reads a Velero object by plural and name; undefined when it does not exist. */
export type VeleroGet = (plural: 'backups' | 'restores' | 'backupstoragelocations', name: string) => Promise<unknown>;

/**
 * The storage location a download target lives in, as Velero resolves it: the given location
 * name, else the Backup's spec.storageLocation (for restore kinds, the Backup the Restore names).
 */
export async function locationOf(get: VeleroGet, kind: string, name: string, location?: string): Promise<StoreLocation> {
  let loc = location;
  if (!loc) {
    const backupName = kind.startsWith('Restore') ? ((await get('restores', name)) as { spec?: { backupName?: string } } | undefined)?.spec?.backupName : name;
    const backup = backupName ? ((await get('backups', backupName)) as { spec?: { storageLocation?: string } } | undefined) : undefined;
    loc = backup?.spec?.storageLocation;
  }
  const bsl = loc ? ((await get('backupstoragelocations', loc)) as StoreLocation | undefined) : undefined;
  if (!bsl) {
    throw new LifeboatError(
      'STORAGE_INVALID',
      `Lifeboat cannot check where the download of ${name} comes from: ${loc ? `storage location "${loc}" does not exist` : 'its storage location is not known'}.`,
      'Check the backup storage locations under Setup, then try again.',
      { location: loc ?? '' },
    );
  }
  return bsl;
}
