/**
 * Azure Blob Storage destination check with the official SDK (@azure/storage-blob, @azure/identity),
 * run from the operator's machine BEFORE anything in the cluster changes: get the container's
 * properties, then put a probe blob, read it back and delete it. Every call is bounded by a timeout
 * (an AbortSignal) and the SDK's own retries are off, so an unreachable endpoint fails in seconds.
 *
 * Credentials:
 * - service principal (what `kubectl kots velero configure-azure service-principle` configures):
 *   ClientSecretCredential with tenant / client id / secret and the cloud's authority host.
 * - storage account key: StorageSharedKeyCredential. KOTS cannot configure Velero with a key, so the
 *   product's form does not offer it; the check accepts one for an endpoint that has no Entra ID to
 *   issue tokens, such as the Azure Storage emulator (Azurite).
 *
 * Nothing here logs; errors carry no credential (the SDK's messages do not echo keys or secrets, and
 * explainAzureError only quotes codes, statuses and the endpoint).
 */
import { ClientSecretCredential } from '@azure/identity';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/core-auth';
import type { Destination, DestinationSecrets } from '../kots/configure.js';
import { fail, type StorageCheck } from './checks.js';
import { runProbe } from './probe.js';

export type AzureDestination = Extract<Destination, { provider: 'azure' }>;

/** Entra ID authority host and blob endpoint suffix per cloud name KOTS accepts. */
export const AZURE_CLOUDS: Record<string, { authorityHost: string; blobSuffix: string }> = {
  AzurePublicCloud: { authorityHost: 'https://login.microsoftonline.com', blobSuffix: 'blob.core.windows.net' },
  AzureUSGovernmentCloud: { authorityHost: 'https://login.microsoftonline.us', blobSuffix: 'blob.core.usgovcloudapi.net' },
  AzureChinaCloud: { authorityHost: 'https://login.chinacloudapi.cn', blobSuffix: 'blob.core.chinacloudapi.cn' },
  AzureGermanCloud: { authorityHost: 'https://login.microsoftonline.de', blobSuffix: 'blob.core.cloudapi.de' },
};

export interface AzureOptions {
  /** Abort each call after this long (default 15 s). */
  timeoutMs?: number;
}

/** The blob service URL: the custom endpoint as entered (private endpoint, sovereign cloud,
 * emulator: e.g. http://127.0.0.1:10000/devstoreaccount1), or the cloud's public one. */
export function azureServiceUrl(d: AzureDestination): string {
  if (d.endpoint) return d.endpoint.replace(/\/+$/, '');
  const cloud = AZURE_CLOUDS[d.cloudName] ?? AZURE_CLOUDS.AzurePublicCloud;
  return `https://${d.storageAccount}.${cloud.blobSuffix}`;
}

/** Which credential the check uses; a storage account key wins when one is given (emulator). */
export function azureCredential(
  d: AzureDestination,
  s: DestinationSecrets,
): { kind: 'shared-key' | 'service-principal'; credential: StorageSharedKeyCredential | TokenCredential } {
  if (s.storageAccountKey) return { kind: 'shared-key', credential: new StorageSharedKeyCredential(d.storageAccount, s.storageAccountKey) };
  const cloud = AZURE_CLOUDS[d.cloudName] ?? AZURE_CLOUDS.AzurePublicCloud;
  return {
    kind: 'service-principal',
    credential: new ClientSecretCredential(d.tenantId, d.clientId, s.clientSecret ?? '', {
      authorityHost: cloud.authorityHost,
      retryOptions: { maxRetries: 0 },
    }),
  };
}

interface AzureErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  errorResponse?: { error?: string; errorDescription?: string };
  cause?: { code?: string; message?: string };
}

const NET_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'REQUEST_SEND_ERROR'];

/** What the explainers read from an error: its code, HTTP status, message, endpoint and Entra ID error. */
interface AzureErrorFacts {
  e: AzureErrorLike;
  code: string;
  status: number | undefined;
  msg: string;
  where: string;
  aad: string;
}

const AUTH_ERROR_NAMES = ['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError'];

/** Before any answer: timeouts, plain HTTP with a token, Entra ID unreachable or refusing, TLS and network failures. */
function explainTransportError(f: AzureErrorFacts, d: AzureDestination, step: string, timeoutMs: number): StorageCheck | undefined {
  const { e, code, msg, where, aad } = f;
  if (e.name === 'AbortError' || /aborted|timed? ?out/i.test(code + ' ' + msg)) {
    return fail(
      step,
      `${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
      'Check the storage account name or custom endpoint, and that this computer can reach it (proxy, firewall, private endpoint DNS).',
    );
  }
  if (/non-TLS protected|non-https/i.test(msg)) {
    return fail(
      step,
      `A service principal's token can only be sent over HTTPS, and ${where} is plain HTTP.`,
      'Use the https:// address of the storage endpoint.',
    );
  }
  if (AUTH_ERROR_NAMES.includes(e.name ?? '') && /network_error|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo|socket/i.test(msg)) {
    const authority = (AZURE_CLOUDS[d.cloudName] ?? AZURE_CLOUDS.AzurePublicCloud).authorityHost;
    return fail(
      step,
      `Could not reach Entra ID at ${authority} to get a token for the service principal (network error).`,
      "Check that this computer can reach the cloud's sign-in endpoint (proxy, firewall, DNS) and that the cloud name is right. An air-gapped computer cannot check a service principal: KOTS checks again from the cluster.",
    );
  }
  if (e.name === 'AuthenticationError' || e.name === 'AuthenticationRequiredError' || e.name === 'CredentialUnavailableError' || aad) {
    return fail(
      step,
      `Entra ID refused the service principal${aad ? ` (${aad.split(':')[0]})` : ''}: the tenant ID, client ID or client secret is wrong, or the secret has expired.`,
      'Check the three values in the app registration (Certificates & secrets) and the cloud name.',
    );
  }
  return explainConnectionError(f, step);
}

/** TLS trust, TLS on a plain port, and the endpoint not reachable at all. */
function explainConnectionError({ code, msg, where }: AzureErrorFacts, step: string): StorageCheck | undefined {
  if (/CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY/i.test(code + ' ' + msg)) {
    return fail(
      step,
      `${where} presented a TLS certificate this computer does not trust (${code || 'certificate error'}).`,
      "Use the endpoint's real name, or trust the CA that signed its certificate on this computer (NODE_EXTRA_CA_CERTS) and check again.",
    );
  }
  if (/EPROTO|wrong version number|packet length too long/i.test(code + ' ' + msg)) {
    return fail(step, `${where} did not speak TLS on that port (${code || 'EPROTO'}).`, 'Check http:// versus https:// in the custom endpoint.');
  }
  if (NET_CODES.includes(code) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(msg)) {
    return fail(
      step,
      `Could not reach ${where} (${code || 'network error'}).`,
      'Check the storage account name (or the custom endpoint and port), and that this computer can reach it.',
    );
  }
  return undefined;
}

/** What the storage service answered: missing container or account, refused credentials, missing role, anything else. */
function explainServiceAnswer({ code, status, where }: AzureErrorFacts, d: AzureDestination, step: string): StorageCheck {
  if (code === 'ContainerNotFound' || (status === 404 && step === 'Container exists')) {
    return fail(
      step,
      `Container "${d.container}" does not exist in storage account "${d.storageAccount}".`,
      'Create the container first (Azure portal → Storage account → Containers), or correct its name.',
    );
  }
  if (code === 'ResourceNotFound' || code === 'AccountNotFound' || (status === 404 && !code)) {
    return fail(
      step,
      `${where} has no storage account "${d.storageAccount}" or no such resource (HTTP 404${code ? `, ${code}` : ''}).`,
      'Check the storage account name and the custom endpoint.',
    );
  }
  if (
    code === 'AuthenticationFailed' ||
    code === 'AuthorizationFailure' ||
    code === 'InvalidAuthenticationInfo' ||
    (status === 403 && !/Permission/.test(code))
  ) {
    return fail(
      step,
      `${where} refused the credentials (HTTP 403${code ? `, ${code}` : ''}): the key or the service principal is wrong for storage account "${d.storageAccount}".`,
      'Check the storage account name and the credentials.',
    );
  }
  if (code === 'AuthorizationPermissionMismatch' || code === 'AuthorizationResourceTypeMismatch' || /Permission/.test(code)) {
    return fail(
      step,
      `The service principal may not ${step === 'Container exists' ? 'read' : 'write to'} container "${d.container}" (${code}).`,
      'Give the service principal the "Storage Blob Data Contributor" role on the storage account or container.',
    );
  }
  return fail(
    step,
    `${where} answered ${code || 'an error'}${status ? ` (HTTP ${status})` : ''}.`,
    "Check the destination settings; the storage service's code is above.",
  );
}

/** Turns an SDK/network error into what happened and what to do (no credential in it). */
export function explainAzureError(err: unknown, d: AzureDestination, step: string, timeoutMs = 15_000): StorageCheck {
  const e = (err ?? {}) as AzureErrorLike;
  const msg = String(e.message ?? err);
  const facts: AzureErrorFacts = {
    e,
    code: e.code ?? e.cause?.code ?? '',
    status: e.statusCode,
    msg,
    where: azureServiceUrl(d),
    aad: e.errorResponse?.error ?? /AADSTS\d+|invalid_client|unauthorized_client|invalid_tenant|invalid_request/.exec(msg)?.[0] ?? '',
  };
  return explainTransportError(facts, d, step, timeoutMs) ?? explainServiceAnswer(facts, d, step);
}

async function streamText(s: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!s) return '';
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Container properties, put a probe blob, read it back, delete it. Stops at the first failure. */
export async function validateAzure(d: AzureDestination, s: DestinationSecrets, o: AzureOptions = {}): Promise<StorageCheck[]> {
  const timeout = o.timeoutMs ?? 15_000;
  const { credential } = azureCredential(d, s);
  const container = new ContainerClient(`${azureServiceUrl(d)}/${d.container}`, credential, {
    retryOptions: { maxTries: 1, tryTimeoutInMs: timeout },
    // The SDK's own logging policy logs nothing unless AZURE_LOG_LEVEL is set; keep it that way.
    userAgentOptions: { userAgentPrefix: 'lifeboat' },
  });
  return runProbe({
    timeoutMs: timeout,
    prefix: d.prefix,
    noun: 'blob',
    exists: {
      title: 'Container exists',
      run: async (abortSignal) => {
        await container.getProperties({ abortSignal });
        return `Container "${d.container}" answered at ${azureServiceUrl(d)}.`;
      },
    },
    write: (name, body, abortSignal) =>
      container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), { abortSignal, blobHTTPHeaders: { blobContentType: 'text/plain' } }),
    read: async (name, abortSignal) => streamText((await container.getBlockBlobClient(name).download(0, undefined, { abortSignal })).readableStreamBody),
    remove: (name, abortSignal) => container.getBlockBlobClient(name).delete({ abortSignal }),
    explain: (err, title) => explainAzureError(err, d, title, timeout),
  });
}
