/**
 * Backup sizes where the backup store can be read from this machine: the sum of the objects under
 * `<prefix>/backups/<name>/` in the storage location's bucket, listed with @aws-sdk/client-s3 using
 * the location's own config (s3Url, region, s3ForcePathStyle, prefix, caCert) and the credentials
 * of Velero's `cloud-credentials` Secret (a location naming any other Secret is not read from here). The credentials are read in the main
 * process, used for the listing and never leave it.
 *
 * Pod volume data that kopia (or restic) uploaded lives in a repository shared by every backup
 * (`<prefix>/kopia/…`): it is not counted, and the note says so.
 *
 * Where the store cannot be read (a provider that is not S3-compatible, no route from this
 * machine, TLS, refused credentials), every backup of that location gets no size and a note saying
 * why: the list shows "—" with the reason, never an error.
 *
 * A finished backup's size does not change: it is cached by uid (in memory and in
 * <dataDir>/backups/sizes.json) and not listed again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { dirname, join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { BackupStorageLocation, VeleroBackup } from './types.js';

export interface StoreAccess {
  location: string;
  bucket: string;
  /** Object prefix inside the bucket ('' or ending in '/'). */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  caPem?: string;
  insecureSkipTLSVerify: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface SecretReader {
  (namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** The profile's keys from an AWS shared-credentials file (Velero's `cloud` key). */
export function parseAwsCredentials(text: string, profile = 'default'): StoreAccess['credentials'] | undefined {
  let current = '';
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (section) {
      current = section[1]!;
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (kv && current === profile) out[kv[1].toLowerCase()] = kv[2].trim();
  }
  if (!out.aws_access_key_id || !out.aws_secret_access_key) return undefined;
  return {
    accessKeyId: out.aws_access_key_id,
    secretAccessKey: out.aws_secret_access_key,
    ...(out.aws_session_token ? { sessionToken: out.aws_session_token } : {}),
  };
}

const S3_PROVIDERS = new Set(['aws', 'velero.io/aws']);
/** The credential Secret KOTS (`kubectl kots velero configure-…`) and `velero install` write. */
export const VELERO_CREDENTIALS_SECRET = 'cloud-credentials';
export const VELERO_CREDENTIALS_KEY = 'cloud';

/** How to read a location's bucket from here, or why Lifeboat cannot. */
export async function storeAccess(bsl: BackupStorageLocation, readSecret: SecretReader): Promise<{ access: StoreAccess } | { reason: string }> {
  const name = bsl.metadata.name;
  const provider = bsl.spec?.provider ?? '';
  if (!S3_PROVIDERS.has(provider))
    return {
      reason: `Storage location "${name}" uses ${provider || 'an unknown provider'}; Lifeboat reads backup sizes only from S3 and S3-compatible stores.`,
    };
  const bucket = bsl.spec?.objectStorage?.bucket;
  if (!bucket) return { reason: `Storage location "${name}" names no bucket.` };
  const cfg = bsl.spec?.config ?? {};
  const rawPrefix = (bsl.spec?.objectStorage?.prefix ?? '').replace(/^\/+|\/+$/g, '');
  // Only the Secret KOTS and `velero install` write (cloud-credentials/cloud in Velero's own
  // namespace): whoever can edit a storage location must not choose which Secret this computer reads
  // and sends to the location's endpoint.
  const secretName = bsl.spec?.credential?.name ?? VELERO_CREDENTIALS_SECRET;
  const secretKey = bsl.spec?.credential?.key ?? VELERO_CREDENTIALS_KEY;
  if (secretName !== VELERO_CREDENTIALS_SECRET || secretKey !== VELERO_CREDENTIALS_KEY) {
    return {
      reason: `Storage location "${name}" names credential Secret ${bsl.metadata.namespace}/${secretName} key "${secretKey}"; Lifeboat reads the store from this computer only with the Secret KOTS and Velero install (${VELERO_CREDENTIALS_SECRET}, key "${VELERO_CREDENTIALS_KEY}"), so it does not use it.`,
    };
  }
  let data: Record<string, string> | undefined;
  try {
    data = await readSecret(bsl.metadata.namespace, secretName);
  } catch (e) {
    return {
      reason: `The credentials of storage location "${name}" (Secret ${bsl.metadata.namespace}/${secretName}) could not be read: ${(e as Error).message.split('\n')[0]}.`,
    };
  }
  const file = data?.[secretKey];
  if (!file)
    return {
      reason: `Secret ${bsl.metadata.namespace}/${secretName} has no key "${secretKey}" with the store's credentials (instance roles are not usable from this machine).`,
    };
  const credentials = parseAwsCredentials(file, cfg.profile || 'default');
  if (!credentials)
    return { reason: `Secret ${bsl.metadata.namespace}/${secretName} key "${secretKey}" holds no access key for profile "${cfg.profile || 'default'}".` };
  const caB64 = (bsl.spec?.objectStorage as { caCert?: string } | undefined)?.caCert;
  return {
    access: {
      location: name,
      bucket,
      prefix: rawPrefix ? `${rawPrefix}/` : '',
      ...(cfg.s3Url ? { endpoint: cfg.s3Url } : {}),
      region: cfg.region || 'us-east-1',
      forcePathStyle: cfg.s3ForcePathStyle === 'true' || (!!cfg.s3Url && cfg.s3ForcePathStyle !== 'false'),
      ...(caB64 ? { caPem: Buffer.from(caB64, 'base64').toString('utf8') } : {}),
      insecureSkipTLSVerify: cfg.insecureSkipTLSVerify === 'true',
      credentials,
    },
  };
}

export function s3ClientFor(a: StoreAccess): S3Client {
  return new S3Client({
    region: a.region,
    ...(a.endpoint ? { endpoint: a.endpoint } : {}),
    forcePathStyle: a.forcePathStyle,
    credentials: a.credentials,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5000,
      requestTimeout: 20_000,
      httpsAgent: new Agent({
        keepAlive: true,
        maxSockets: 4,
        ...(a.caPem ? { ca: a.caPem } : {}),
        ...(a.insecureSkipTLSVerify ? { rejectUnauthorized: false } : {}),
      }),
    }),
  });
}

/** Why a listing failed, in the operator's words. */
export function explainStoreError(err: unknown, a: StoreAccess): string {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? '';
  const where = a.endpoint ?? `s3.${a.region}.amazonaws.com`;
  if (/ENOTFOUND|EAI_AGAIN/.test(code)) return `${where} does not resolve from this computer (it may be an address inside the cluster's network).`;
  if (/ECONNREFUSED|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|TimeoutError/.test(code)) return `${where} cannot be reached from this computer (${code}).`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || /certificate/i.test(e.message ?? ''))
    return `The TLS certificate of ${where} is not trusted here (${code || 'certificate error'}); the storage location's caCert does not cover it.`;
  if (e.$metadata?.httpStatusCode === 403 || /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/.test(code))
    return `The store refused the storage location's credentials for listing bucket ${a.bucket} (${code || 403}).`;
  if (/NoSuchBucket/.test(code)) return `Bucket ${a.bucket} does not exist at ${where}.`;
  return `Listing bucket ${a.bucket} at ${where} failed: ${(e.message ?? String(err)).split('\n')[0]}`;
}

/** Sums object sizes under `<prefix>backups/` per backup name (one listing for every backup). */
export async function sumBackupObjects(client: S3Client, a: StoreAccess, only?: string, signal?: AbortSignal): Promise<Map<string, number>> {
  const base = `${a.prefix}backups/`;
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: a.bucket, Prefix: only ? `${base}${only}/` : base, ContinuationToken: token, MaxKeys: 1000 }),
      { abortSignal: signal },
    );
    for (const o of page.Contents ?? []) {
      const rest = (o.Key ?? '').slice(base.length);
      const slash = rest.indexOf('/');
      if (slash <= 0) continue;
      const name = rest.slice(0, slash);
      sizes.set(name, (sizes.get(name) ?? 0) + (o.Size ?? 0));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return sizes;
}

const FINISHED = new Set(['Completed', 'PartiallyFailed', 'Failed']);

export interface SizeInfo {
  bytes?: number;
  note?: string;
}

/**
 * Backup sizes for the list: `info(b)` answers from memory at once (and asks for a listing when it
 * does not know yet); `onChange` hears which backups' sizes became known.
 */
export class BackupSizes {
  private cache = new Map<string, number>();
  /** Finished backups with nothing under backups/<name>/ (not found in the store). */
  private missing = new Set<string>();
  private locationNote = new Map<string, string>();
  private pending = new Set<string>();
  private scanning = false;
  private timer?: NodeJS.Timeout;
  private fullScanDone = new Set<string>();
  private abort = new AbortController();

  constructor(
    private readonly deps: {
      dataDir: string;
      location: (name: string) => BackupStorageLocation | undefined;
      readSecret: SecretReader;
      backups: () => VeleroBackup[];
      onChange: (names: string[] | 'all') => void;
      delayMs?: number;
    },
  ) {
    this.load();
  }

  private file(): string {
    return join(this.deps.dataDir, 'backups', 'sizes.json');
  }

  private load(): void {
    try {
      const o = JSON.parse(readFileSync(this.file(), 'utf8')) as Record<string, number>;
      for (const [k, v] of Object.entries(o)) if (typeof v === 'number') this.cache.set(k, v);
    } catch {
      // none yet
    }
  }

  private save(): void {
    try {
      mkdirSync(dirname(this.file()), { recursive: true, mode: 0o700 });
      const tmp = `${this.file()}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries([...this.cache].slice(-50_000))), { mode: 0o600 });
      renameSync(tmp, this.file());
    } catch {
      // a cache: losing it only costs a listing
    }
  }

  private key(b: VeleroBackup): string {
    return b.metadata.uid ?? `${b.metadata.namespace}/${b.metadata.name}`;
  }

  /** What the list shows for a backup now (never waits). */
  info(b: VeleroBackup, hasVolumes = false): SizeInfo {
    const phase = b.status?.phase ?? '';
    const loc = b.spec?.storageLocation ?? 'default';
    const volNote = hasVolumes ? ' Pod volume data (kopia/restic repository) is shared between backups and not counted.' : '';
    const known = this.cache.get(this.key(b));
    // Notes are the same words for every backup (no name in them): thousands of rows share one.
    if (known !== undefined) return { bytes: known, note: `The objects in this backup's folder of the store (backups/<its name>/).${volNote}` };
    if (phase === 'FailedValidation') return { note: 'Velero refused this backup before writing anything to the store.' };
    if (!FINISHED.has(phase)) return { note: 'Known once the backup has finished uploading.' };
    const ln = this.locationNote.get(loc);
    if (ln) return { note: ln };
    if (this.missing.has(this.key(b))) return { note: "The store has no objects in this backup's folder (backups/<its name>/): its files are not there." };
    this.want(b);
    return { note: 'Reading the size from the store…' };
  }

  private want(b: VeleroBackup): void {
    const loc = b.spec?.storageLocation ?? 'default';
    this.pending.add(`${loc}\u0000${b.metadata.name}`);
    if (!this.timer && !this.scanning) {
      this.timer = setTimeout(() => void this.scan(), this.deps.delayMs ?? 200);
      this.timer.unref?.();
    }
  }

  private generations = new Map<string, string>();

  /**
   * A storage location's spec changed (bucket, prefix, endpoint, credentials): what could not be
   * read may be readable now. Status updates (Velero re-validates every minute) change nothing.
   */
  locationChanged(bsl: BackupStorageLocation): void {
    const gen = String((bsl.metadata as { generation?: number }).generation ?? bsl.metadata.resourceVersion ?? '');
    const before = this.generations.get(bsl.metadata.name);
    this.generations.set(bsl.metadata.name, gen);
    if (before === undefined || before === gen) return;
    this.locationNote.delete(bsl.metadata.name);
    this.fullScanDone.delete(bsl.metadata.name);
    this.missing.clear();
    this.deps.onChange('all');
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    this.abort = new AbortController();
    this.pending.clear();
    this.missing.clear();
    this.fullScanDone.clear();
    this.locationNote.clear();
    this.generations.clear();
  }

  private async scan(): Promise<void> {
    this.timer = undefined;
    if (this.scanning) return;
    this.scanning = true;
    const signal = this.abort.signal;
    try {
      while (this.pending.size && !signal.aborted) {
        const work = [...this.pending];
        this.pending.clear();
        const byLoc = new Map<string, Set<string>>();
        for (const w of work) {
          const [loc, name] = w.split('\u0000') as [string, string];
          byLoc.set(loc, (byLoc.get(loc) ?? new Set()).add(name));
        }
        for (const [loc, names] of byLoc) await this.scanLocation(loc, names, signal);
      }
    } finally {
      this.scanning = false;
    }
  }

  private async scanLocation(loc: string, names: Set<string>, signal: AbortSignal): Promise<void> {
    const bsl = this.deps.location(loc);
    if (!bsl) {
      this.locationNote.set(loc, `Storage location "${loc}" does not exist here, so its store cannot be read.`);
      return this.deps.onChange('all');
    }
    const got = await storeAccess(bsl, this.deps.readSecret);
    if ('reason' in got) {
      this.locationNote.set(loc, got.reason);
      return this.deps.onChange('all');
    }
    const client = s3ClientFor(got.access);
    try {
      // The first time: one listing of backups/ answers every backup; later, one prefix each.
      const full = !this.fullScanDone.has(loc) || names.size > 20;
      const found = new Map<string, number>();
      if (full) {
        for (const [k, v] of await sumBackupObjects(client, got.access, undefined, signal)) found.set(k, v);
        this.fullScanDone.add(loc);
      } else {
        for (const n of names) for (const [k, v] of await sumBackupObjects(client, got.access, n, signal)) found.set(k, v);
      }
      const changed: string[] = [];
      for (const b of this.deps.backups()) {
        if ((b.spec?.storageLocation ?? 'default') !== loc || !FINISHED.has(b.status?.phase ?? '')) continue;
        const size = found.get(b.metadata.name);
        if (size === undefined) {
          if ((full || names.has(b.metadata.name)) && !this.missing.has(this.key(b))) {
            this.missing.add(this.key(b));
            changed.push(b.metadata.name);
          }
          continue;
        }
        if (this.cache.get(this.key(b)) !== size) {
          this.cache.set(this.key(b), size);
          changed.push(b.metadata.name);
        }
      }
      this.locationNote.delete(loc);
      this.save();
      if (changed.length) this.deps.onChange(changed);
    } catch (e) {
      if (signal.aborted) return;
      this.locationNote.set(loc, `Size unknown: ${explainStoreError(e, got.access)}`);
      this.deps.onChange('all');
    } finally {
      client.destroy();
    }
  }

  /** The store had no objects for this backup (it is not there, or not written yet). */
  isMissing(b: VeleroBackup): boolean {
    return this.missing.has(this.key(b));
  }
}
