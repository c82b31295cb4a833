/**
 * Storage destination checks, run BEFORE anything in the cluster changes. They run from the
 * operator's machine, whose network may differ from the cluster's: a pass here is strong evidence,
 * not proof, that Velero will reach the destination (KOTS validates again from the cluster).
 *
 * - Form: every provider (names, URLs, regions, paths, PEM shape).
 * - S3 / S3-compatible: @aws-sdk/client-s3 — HeadBucket, then put a probe object, read it back,
 *   delete it; a CA certificate is honoured through a custom https agent.
 * - GCS: @google-cloud/storage (gcs.ts) — same four steps with a service-account JSON key; workload
 *   identity cannot be checked from here (said plainly, with a visible notice).
 * - Azure Blob: @azure/storage-blob + @azure/identity (azure.ts) — same four steps with the service
 *   principal (ClientSecretCredential, the cloud's authority host).
 * - GCS / Azure take an optional custom API endpoint (private endpoints, sovereign clouds, emulators).
 * - NFS / host path: form, plus the Velero ≥ 1.17 rule (only through KOTS's MinIO, never
 *   local-volume-provider).
 */
import { Agent as HttpsAgent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { GCP_WORKLOAD_IDENTITY_REFUSAL, type Destination, type DestinationSecrets } from '../kots/configure.js';
import { pemProblem } from '../localFile.js';
import { fail, pass, warn, type StorageCheck } from './checks.js';
import { parseServiceAccountKey, validateGcs, type GcsOptions } from './gcs.js';
import { validateAzure, type AzureOptions } from './azure.js';

export type { StorageCheck } from './checks.js';

export interface StorageValidation {
  /** No error-severity check failed. */
  ok: boolean;
  /** Whether an online check ran (false: form only). */
  online: boolean;
  checks: StorageCheck[];
  /** Plain words about where the check ran. */
  note: string;
}

export const FROM_HERE_NOTE =
  "These checks ran from this computer. The cluster's network may differ (proxies, firewalls, DNS): KOTS validates the destination again from inside the cluster when it is configured.";

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_RE = /^[a-z0-9-]{1,40}$/i;

function checkPrefix(p: string | undefined, out: StorageCheck[]) {
  if (p && (p.startsWith('/') || p.includes('..') || /\s/.test(p)))
    out.push(fail('Prefix', `"${p}" is not a valid prefix.`, 'Use a relative path inside the bucket without spaces or "..", e.g. "lifeboat/cluster-a".'));
}

function checkApiEndpoint(e: string | undefined, out: StorageCheck[]) {
  if (!e) return;
  let url: URL | undefined;
  try {
    url = new URL(e);
  } catch {
    /* below */
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    out.push(
      fail(
        'Custom API endpoint',
        `"${e}" is not an http(s) URL.`,
        'Leave it empty for the public cloud, or enter the full URL, e.g. https://storage-mypsc.p.googleapis.com.',
      ),
    );
  else if (url.protocol === 'http:')
    out.push(
      warn(
        'Custom endpoint uses plain HTTP',
        'Only an emulator answers on plain HTTP; credentials and backups would travel unencrypted.',
        'Use the https endpoint of the real service.',
      ),
    );
}

type S3Destination = Extract<Destination, { provider: 'aws' | 's3-compatible' }>;

function checkBucketName(b: string, out: StorageCheck[], what = 'Bucket') {
  if (!BUCKET_RE.test(b))
    out.push(
      fail(
        what,
        `"${b}" is not a valid ${what.toLowerCase()} name.`,
        'Use 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.',
      ),
    );
}

/** An S3-compatible store's endpoint URL and CA certificate. */
function checkS3Endpoint(d: Extract<Destination, { provider: 's3-compatible' }>, out: StorageCheck[]) {
  let url: URL | undefined;
  try {
    url = new URL(d.endpoint);
  } catch {
    out.push(fail('Endpoint', `"${d.endpoint}" is not a URL.`, 'Enter the full URL, e.g. https://s3.example.internal:9000.'));
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
    out.push(fail('Endpoint', `"${d.endpoint}" must use http or https.`, 'Enter the full URL, e.g. https://s3.example.internal:9000.'));
  if (url && url.protocol === 'http:')
    out.push(
      warn(
        'Endpoint uses plain HTTP',
        'Backups and credentials travel unencrypted to this endpoint.',
        'Use https with a CA certificate if the store supports it.',
      ),
    );
  // Every certificate must parse: a garbled one would otherwise surface later as a TLS error.
  const pemWhy = d.caCertPem ? pemProblem(d.caCertPem) : undefined;
  if (pemWhy)
    out.push(
      fail(
        'CA certificate',
        `The CA certificate is not a usable PEM certificate: ${pemWhy}.`,
        'Paste the PEM text, starting with -----BEGIN CERTIFICATE-----.',
      ),
    );
}

function checkS3Form(d: S3Destination, s: DestinationSecrets, out: StorageCheck[]) {
  checkBucketName(d.bucket, out);
  if (!REGION_RE.test(d.region))
    out.push(
      fail(
        'Region',
        `"${d.region}" is not a region name.`,
        d.provider === 'aws'
          ? "Use the bucket's AWS region, e.g. us-east-1."
          : 'S3-compatible stores usually accept any region name (MinIO: "minio" or "us-east-1").',
      ),
    );
  if (d.provider === 's3-compatible') checkS3Endpoint(d, out);
  if (d.provider === 's3-compatible' || (d.provider === 'aws' && d.auth === 'access-key')) {
    if (!s.accessKeyId) out.push(fail('Access key ID', 'The access key ID is missing.', 'Enter the access key ID.'));
    if (!s.secretAccessKey) out.push(fail('Secret access key', 'The secret access key is missing.', 'Enter the secret access key.'));
  }
  checkPrefix(d.prefix, out);
}

function checkGcsForm(d: Extract<Destination, { provider: 'gcp' }>, s: DestinationSecrets, out: StorageCheck[]) {
  checkBucketName(d.bucket, out);
  checkPrefix(d.prefix, out);
  checkApiEndpoint(d.endpoint, out);
  if (d.auth === 'service-account') {
    out.push(...parseServiceAccountKey(s.serviceAccountJson).problems);
  } else {
    out.push(fail('Workload identity', GCP_WORKLOAD_IDENTITY_REFUSAL.reason, GCP_WORKLOAD_IDENTITY_REFUSAL.fix));
  }
}

function checkAzureForm(d: Extract<Destination, { provider: 'azure' }>, s: DestinationSecrets, out: StorageCheck[]) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(d.container))
    out.push(fail('Container', `"${d.container}" is not a valid blob container name.`, 'Use 3–63 lower-case letters, digits and single hyphens.'));
  if (!/^[a-z0-9]{3,24}$/.test(d.storageAccount))
    out.push(fail('Storage account', `"${d.storageAccount}" is not a valid storage account name.`, 'Use 3–24 lower-case letters and digits.'));
  for (const [k, v] of [
    ['Subscription ID', d.subscriptionId],
    ['Tenant ID', d.tenantId],
    ['Client ID', d.clientId],
  ] as const) {
    if (!uuid.test(v)) out.push(fail(k, `"${v}" is not a GUID.`, 'Copy it from the Azure portal (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).'));
  }
  if (!d.resourceGroup) out.push(fail('Resource group', 'The resource group is missing.', "Enter the storage account's resource group."));
  if (!['AzurePublicCloud', 'AzureUSGovernmentCloud', 'AzureChinaCloud', 'AzureGermanCloud'].includes(d.cloudName))
    out.push(
      fail(
        'Cloud name',
        `"${d.cloudName}" is not an Azure cloud KOTS knows.`,
        'Choose AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud or AzureGermanCloud.',
      ),
    );
  if (!s.clientSecret && !s.storageAccountKey) out.push(fail('Client secret', 'The client secret is missing.', "Enter the service principal's client secret."));
  checkApiEndpoint(d.endpoint, out);
  checkPrefix(d.prefix, out);
}

/** NFS and host path: the server and path as the cluster nodes see them, and the MinIO rule on Velero 1.17+. */
function checkLocalForm(d: Extract<Destination, { provider: 'nfs' | 'hostpath' }>, out: StorageCheck[], veleroVersion: string | undefined) {
  if (d.provider === 'nfs') {
    if (!/^[A-Za-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/i.test(d.server))
      out.push(
        fail('NFS server', `"${d.server}" is not a host name or IP address.`, "Enter the NFS server's host name or IP address as the cluster nodes reach it."),
      );
    if (!d.path.startsWith('/')) out.push(fail('NFS path', `"${d.path}" is not an absolute export path.`, 'Enter the exported path, e.g. /exports/velero.'));
  } else if (!d.path.startsWith('/') || d.path === '/') {
    out.push(
      fail('Host path', `"${d.path}" is not an absolute directory other than /.`, 'Enter a directory that exists on every node, e.g. /var/backups/velero.'),
    );
  }
  if (veleroVersion) {
    out.push(
      warn(
        "Only through KOTS's MinIO on this Velero version",
        `Velero ${veleroVersion} cannot use local-volume-provider (KOTS refuses --with-minio=false on Velero 1.17 and later), so KOTS deploys kotsadm-fs-minio in front of the ${d.provider === 'nfs' ? 'NFS export' : 'host path'}. The MinIO image must be in the private registry on air-gapped clusters.`,
        'If MinIO is not allowed here, choose an S3-compatible destination instead.',
      ),
    );
  }
}

/** Form checks for every provider. Errors block; nothing is contacted. */
export function validateForm(d: Destination, s: DestinationSecrets, opts: { veleroVersion?: string } = {}): StorageCheck[] {
  const out: StorageCheck[] = [];
  switch (d.provider) {
    case 'aws':
    case 's3-compatible':
      checkS3Form(d, s, out);
      break;
    case 'gcp':
      checkGcsForm(d, s, out);
      break;
    case 'azure':
      checkAzureForm(d, s, out);
      break;
    case 'nfs':
    case 'hostpath':
      checkLocalForm(d, out, opts.veleroVersion);
      break;
  }
  return out;
}

export interface S3Options {
  /** Abort each request after this long (default 10 s). */
  timeoutMs?: number;
}

function s3Client(d: Extract<Destination, { provider: 'aws' | 's3-compatible' }>, s: DestinationSecrets, o: S3Options): S3Client {
  const timeout = o.timeoutMs ?? 10_000;
  const ca = d.provider === 's3-compatible' && d.caCertPem ? d.caCertPem : undefined;
  const handler = new NodeHttpHandler({
    httpsAgent: new HttpsAgent({ keepAlive: false, ...(ca ? { ca } : {}) }),
    httpAgent: new HttpAgent({ keepAlive: false }),
    connectionTimeout: timeout,
    requestTimeout: timeout,
  });
  return new S3Client({
    region: d.region,
    ...(d.provider === 's3-compatible' ? { endpoint: d.endpoint, forcePathStyle: true } : {}),
    credentials: s.accessKeyId && s.secretAccessKey ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : undefined,
    requestHandler: handler,
    maxAttempts: 1,
  });
}

/** Turns an SDK/network error into what happened and what to do. */
export function explainS3Error(err: unknown, d: Extract<Destination, { provider: 'aws' | 's3-compatible' }>, step: string): StorageCheck {
  const e = err as { name?: string; code?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? e?.Code ?? e?.name ?? '';
  const status = e?.$metadata?.httpStatusCode;
  const where = d.provider === 's3-compatible' ? d.endpoint : `AWS S3 (${d.region})`;
  const msg = String(e?.message ?? err);
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'TimeoutError', 'RequestTimeout'].includes(code) ||
    /ECONNREFUSED|ENOTFOUND|timed? ?out/i.test(msg)
  ) {
    return fail(
      step,
      `Could not reach ${where} (${code || msg}).`,
      'Check the endpoint URL and port, and that the object store is running and reachable from this computer.',
    );
  }
  if (/CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY/i.test(code + ' ' + msg)) {
    return fail(
      step,
      `${where} presented a TLS certificate this computer does not trust (${code || msg}).`,
      'Paste the CA certificate that signed the object store\'s certificate into "CA certificate".',
    );
  }
  if (/EPROTO|wrong version number|packet length too long/i.test(code + msg)) {
    return fail(step, `${where} did not speak TLS on that port (${code || msg}).`, 'Check http:// versus https:// in the endpoint.');
  }
  if (code === 'InvalidAccessKeyId') return fail(step, 'The object store does not know this access key ID.', 'Check the access key ID.');
  if (code === 'SignatureDoesNotMatch') return fail(step, 'The secret access key is wrong for this access key ID.', 'Check the secret access key.');
  if (code === 'NoSuchBucket' || (status === 404 && step === 'Bucket exists'))
    return fail(step, `Bucket "${d.bucket}" does not exist at ${where}.`, 'Create the bucket first, or correct its name.');
  if (code === 'AccessDenied' || status === 403)
    return fail(
      step,
      `${where} refused access to bucket "${d.bucket}" (HTTP 403${code && code !== 'Forbidden' && code !== 'AccessDenied' ? `, ${code}` : ''}) at step "${step}": the access key ID or secret access key is wrong, or this key may not use the bucket.`,
      'Check both keys, and give the key read, write, list and delete on the bucket.',
    );
  if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed' || status === 301)
    return fail(step, `Bucket "${d.bucket}" is in another region than ${d.region}.`, "Enter the bucket's own region.");
  return fail(
    step,
    `${where} answered ${code || 'an error'}${status ? ` (HTTP ${status})` : ''}: ${msg}`,
    "Check the destination settings; the object store's own message is above.",
  );
}

/** HeadBucket, put a probe object, read it back, delete it. Stops at the first failure. */
export async function validateS3(
  d: Extract<Destination, { provider: 'aws' | 's3-compatible' }>,
  s: DestinationSecrets,
  o: S3Options = {},
): Promise<StorageCheck[]> {
  const client = s3Client(d, s, o);
  const checks: StorageCheck[] = [];
  const key = `${d.prefix ? `${d.prefix.replace(/\/+$/, '')}/` : ''}.lifeboat-probe-${randomBytes(6).toString('hex')}`;
  const body = `lifeboat probe ${new Date().toISOString()} ${randomBytes(8).toString('hex')}`;
  const step = async (title: string, fn: () => Promise<string | undefined>) => {
    try {
      const reason = await fn();
      checks.push(pass(title, reason));
      return true;
    } catch (err) {
      checks.push(
        err instanceof ProbeMismatch
          ? fail(title, err.message, 'The object store returned different bytes than were written; check proxies or gateways in between.')
          : explainS3Error(err, d, title),
      );
      return false;
    }
  };
  try {
    if (
      !(await step('Bucket exists', async () => {
        await client.send(new HeadBucketCommand({ Bucket: d.bucket }));
        return `Bucket "${d.bucket}" answered.`;
      }))
    )
      return checks;
    if (
      !(await step('Write', async () => {
        await client.send(new PutObjectCommand({ Bucket: d.bucket, Key: key, Body: body, ContentType: 'text/plain' }));
        return `Wrote ${key}.`;
      }))
    )
      return checks;
    const readOk = await step('Read back', async () => {
      const got = await client.send(new GetObjectCommand({ Bucket: d.bucket, Key: key }));
      const text = await got.Body?.transformToString();
      if (text !== body) throw new ProbeMismatch(`Read back ${text?.length ?? 0} bytes that differ from the ${body.length} written.`);
      return 'The probe object read back intact.';
    });
    await step('Delete', async () => {
      await client.send(new DeleteObjectCommand({ Bucket: d.bucket, Key: key }));
      return 'The probe object was deleted.';
    });
    void readOk;
    return checks;
  } finally {
    client.destroy();
  }
}

class ProbeMismatch extends Error {}

/** Form checks, then the online check where Lifeboat has one. */
export async function validateDestination(
  d: Destination,
  s: DestinationSecrets,
  opts: { veleroVersion?: string; s3?: S3Options; gcs?: GcsOptions; azure?: AzureOptions } = {},
): Promise<StorageValidation> {
  const checks = validateForm(d, s, opts);
  if (checks.some((c) => !c.ok)) return { ok: false, online: false, checks, note: 'The form has errors, so nothing was contacted.' };
  if (d.provider === 'aws' || d.provider === 's3-compatible') {
    if (d.provider === 'aws' && d.auth === 'instance-role') {
      checks.push(
        warn(
          'Online check not run',
          "An instance role only exists on the cluster's nodes, so this computer cannot check the bucket with it. KOTS cannot either: its own check runs in the CLI on this computer and asks this computer's EC2 metadata service for the role (kots pkg/snapshot/store.go validateAWS), so Lifeboat tells KOTS to skip it.",
          'The check happens in the cluster instead: after Apply, Velero must report the storage location Available.',
        ),
      );
      return { ok: true, online: false, checks, note: FROM_HERE_NOTE };
    }
  }
  if ((d.provider === 'aws' || d.provider === 'gcp' || d.provider === 'azure') && d.checkFromHere === false) {
    checks.push(
      warn(
        'Not checked from this computer',
        'You chose not to check the storage from this computer (it cannot reach it), so neither Lifeboat nor KOTS contacts it from here.',
        'The check happens in the cluster instead: after Apply, Velero must report the storage location Available.',
      ),
    );
    return { ok: true, online: false, checks, note: 'Form checks only, as chosen.' };
  }
  if (d.provider === 'aws' || d.provider === 's3-compatible') {
    checks.push(...(await validateS3(d, s, opts.s3)));
    return { ok: checks.every((c) => c.ok), online: true, checks, note: FROM_HERE_NOTE };
  }
  if (d.provider === 'gcp') {
    checks.push(...(await validateGcs(d, s, opts.gcs)));
    return { ok: checks.every((c) => c.ok), online: true, checks, note: FROM_HERE_NOTE };
  }
  if (d.provider === 'azure') {
    checks.push(...(await validateAzure(d, s, opts.azure)));
    return { ok: checks.every((c) => c.ok), online: true, checks, note: FROM_HERE_NOTE };
  }
  checks.push(
    warn(
      'Not reachable from here',
      `${d.provider === 'nfs' ? 'An NFS export' : "A node's host path"} is mounted by the cluster, not by this computer, so only the form was checked.`,
    ),
  );
  return { ok: true, online: false, checks, note: 'Form checks only.' };
}
