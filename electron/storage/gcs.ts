/**
 * Google Cloud Storage destination check with the official SDK (@google-cloud/storage), run from the
 * operator's machine BEFORE anything in the cluster changes: get the bucket's metadata, then put a
 * probe object, read it back and delete it. Every call is bounded by a timeout and the SDK's retries
 * are off, so an unreachable endpoint fails in seconds.
 *
 * - Service-account JSON key: its shape is checked first (type service_account, client_email,
 *   private_key), with clear errors, before the SDK sees it.
 * - Workload identity exists only inside the cluster (GKE metadata server): the check cannot run
 *   from here; validate.ts says so with a visible notice.
 * - Custom API endpoint (Private Service Connect, an emulator): used as the SDK's apiEndpoint. A plain
 *   http:// endpoint is an emulator (Google's endpoints are https only) and is called without a token;
 *   an https one is called with the key's token.
 *
 * The key never reaches logs or errors: messages quote codes, statuses, the bucket and the endpoint.
 */
import { Storage } from '@google-cloud/storage';
import type { Destination, DestinationSecrets } from '../kots/configure.js';
import { fail, type StorageCheck } from './checks.js';
import { runProbe } from './probe.js';

export type GcsDestination = Extract<Destination, { provider: 'gcp' }>;

export interface GcsOptions {
  /** Abort each call after this long (default 15 s). */
  timeoutMs?: number;
}

export interface ServiceAccountKey {
  type: 'service_account';
  client_email: string;
  private_key: string;
  project_id?: string;
  token_uri?: string;
}

/** Parses and checks a service-account JSON key; the errors say what is wrong without quoting it. */
export function parseServiceAccountKey(text: string | undefined): { key?: ServiceAccountKey; problems: StorageCheck[] } {
  const title = 'Service-account key';
  if (!text?.trim())
    return {
      problems: [
        fail(title, 'The service-account JSON key is missing.', 'Paste the content of the JSON key file (IAM → Service accounts → Keys → Add key → JSON).'),
      ],
    };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(String((e as Error).message))?.[1];
    return {
      problems: [
        fail(title, `The service-account key is not valid JSON${at ? ` (error at character ${at})` : ''}.`, 'Paste the whole JSON key file, from { to }.'),
      ],
    };
  }
  if (!j || typeof j !== 'object' || Array.isArray(j))
    return { problems: [fail(title, 'The service-account key is not a JSON object.', 'Paste the whole JSON key file, from { to }.')] };
  const o = j as Record<string, unknown>;
  const problems: StorageCheck[] = [];
  if (o.type !== 'service_account')
    problems.push(
      fail(
        title,
        `The JSON's "type" is ${o.type === undefined ? 'missing' : `"${String(o.type).slice(0, 40)}"`}, not "service_account": this is not a service-account key${o.type === 'authorized_user' ? ' (it is a user credential from gcloud auth)' : ''}.`,
        'Create a JSON key for the service account Velero should use, and paste that file.',
      ),
    );
  if (typeof o.client_email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(o.client_email))
    problems.push(fail(title, 'The key has no valid "client_email".', 'Paste the unmodified JSON key file.'));
  if (typeof o.private_key !== 'string' || !/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/.test(o.private_key))
    problems.push(fail(title, 'The key has no PEM "private_key".', 'Paste the unmodified JSON key file (the private key is inside it).'));
  return problems.length ? { problems } : { key: o as unknown as ServiceAccountKey, problems };
}

interface GcsErrorLike {
  name?: string;
  code?: number | string;
  status?: number;
  message?: string;
  errors?: Array<{ reason?: string }>;
  response?: { status?: number; data?: { error?: string | { message?: string }; error_description?: string } };
  cause?: { code?: string };
}

/** Turns an SDK/network error into what happened and what to do (no credential in it). */
export function explainGcsError(err: unknown, d: GcsDestination, step: string, timeoutMs = 15_000): StorageCheck {
  const e = (err ?? {}) as GcsErrorLike;
  const status = typeof e.code === 'number' ? e.code : (e.status ?? e.response?.status);
  const sys = typeof e.code === 'string' ? e.code : (e.cause?.code ?? '');
  const msg = String(e.message ?? err);
  const where = d.endpoint ? d.endpoint : 'Google Cloud Storage';
  const oauth = typeof e.response?.data?.error === 'string' ? e.response.data.error : /invalid_grant|invalid_client|unauthorized_client/.exec(msg)?.[0];
  const reason = e.errors?.[0]?.reason ?? '';
  if (e.name === 'AbortError' || /aborted|timed? ?out|ETIMEDOUT/i.test(sys + ' ' + msg)) {
    return fail(
      step,
      `${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
      'Check the custom endpoint (if any) and that this computer can reach Google Cloud Storage (proxy, firewall).',
    );
  }
  if (oauth === 'invalid_grant' || oauth === 'invalid_client' || oauth === 'unauthorized_client') {
    return fail(
      step,
      `Google refused the service-account key (${oauth}): the key was deleted or disabled, its signature does not match, or this computer's clock is far off.`,
      "Create a new JSON key for the service account and paste it; check the computer's clock.",
    );
  }
  if (/DECODER|unsupported|PEM|asn1|private key/i.test(msg) && !status) {
    return fail(step, "The key's private_key cannot be read as a private key.", 'Paste the unmodified JSON key file.');
  }
  if (/CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY/i.test(sys + ' ' + msg)) {
    return fail(
      step,
      `${where} presented a TLS certificate this computer does not trust (${sys || 'certificate error'}).`,
      "Use the endpoint's real name, or trust the CA that signed its certificate on this computer (NODE_EXTRA_CA_CERTS) and check again.",
    );
  }
  if (/EPROTO|wrong version number|packet length too long/i.test(sys + ' ' + msg)) {
    return fail(step, `${where} did not speak TLS on that port (${sys || 'EPROTO'}).`, 'Check http:// versus https:// in the custom endpoint.');
  }
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(sys) ||
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|getaddrinfo|socket hang up/i.test(msg)
  ) {
    return fail(
      step,
      `Could not reach ${where} (${sys || /E[A-Z]+/.exec(msg)?.[0] || 'network error'}).`,
      d.endpoint
        ? 'Check the custom endpoint URL and port, and that it is reachable from this computer.'
        : 'Check that this computer can reach storage.googleapis.com (proxy, firewall).',
    );
  }
  if (status === 404) {
    return fail(
      step,
      `Bucket "${d.bucket}" does not exist${d.endpoint ? ` at ${d.endpoint}` : ''}.`,
      'Create the bucket first (Cloud Storage → Buckets), or correct its name.',
    );
  }
  if (status === 401) {
    return fail(step, `${where} did not accept the service-account credentials (HTTP 401).`, 'Create a new JSON key for the service account and paste it.');
  }
  if (status === 403) {
    return fail(
      step,
      `The service account may not ${step === 'Bucket exists' ? 'read' : 'write to'} bucket "${d.bucket}" (HTTP 403${reason ? `, ${reason}` : ''}).`,
      'Give the service account the "Storage Object Admin" role on the bucket (Velero reads, writes, lists and deletes objects).',
    );
  }
  return fail(step, `${where} answered ${status ? `HTTP ${status}` : sys || 'an error'}${reason ? ` (${reason})` : ''}.`, 'Check the destination settings.');
}

/** The SDK client for a destination (exported for the unit test of its construction). */
export function gcsClient(d: GcsDestination, key: ServiceAccountKey, timeoutMs: number): Storage {
  const endpoint = d.endpoint?.replace(/\/+$/, '');
  return new Storage({
    projectId: key.project_id,
    credentials: { client_email: key.client_email, private_key: key.private_key },
    ...(endpoint ? { apiEndpoint: endpoint, useAuthWithCustomEndpoint: endpoint.startsWith('https:') } : {}),
    retryOptions: { autoRetry: false, maxRetries: 0 },
    timeout: timeoutMs,
  });
}

/** Bucket metadata, put a probe object, read it back, delete it. Stops at the first failure. */
export async function validateGcs(d: GcsDestination, s: DestinationSecrets, o: GcsOptions = {}): Promise<StorageCheck[]> {
  const timeout = o.timeoutMs ?? 15_000;
  const parsed = parseServiceAccountKey(s.serviceAccountJson);
  if (!parsed.key) return parsed.problems;
  const storage = gcsClient(d, parsed.key, timeout);
  const bucket = storage.bucket(d.bucket);
  return runProbe({
    timeoutMs: timeout,
    prefix: d.prefix,
    noun: 'object',
    exists: {
      title: 'Bucket exists',
      run: async () => {
        await bucket.getMetadata();
        return `Bucket "${d.bucket}" answered${d.endpoint ? ` at ${d.endpoint}` : ''}.`;
      },
    },
    write: (name, body) => bucket.file(name).save(body, { resumable: false, contentType: 'text/plain' }),
    read: async (name) => (await bucket.file(name).download())[0].toString('utf8'),
    remove: (name) => bucket.file(name).delete(),
    explain: (err, title) => explainGcsError(err, d, title, timeout),
  });
}
