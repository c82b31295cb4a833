/**
 * Talking to the API server: client-node clients for the chosen context, a reachability probe
 * (GET /version), and one mapping from transport/HTTP failures to LifeboatErrors with hints.
 */
import { ApiException, type KubeConfig, VersionApi } from '@kubernetes/client-node';
import { LifeboatError } from '../api/errors.js';
import { execPluginFailure } from './kubeconfig.js';

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

const TLS_UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; errno?: unknown; cause?: unknown } | undefined;
  for (let i = 0; e && i < 4; i++) {
    if (typeof e.code === 'string') return e.code;
    if (typeof e.errno === 'string') return e.errno;
    e = e.cause as typeof e;
  }
  const msg = err instanceof Error ? err.message : String(err);
  return msg.match(/\b(E[A-Z]{3,}|CERT_HAS_EXPIRED|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/)?.[1];
}

export interface ErrorContext {
  server?: string;
  user?: string;
  /** What we were doing, for the message ("reach the API server", "list backups"). */
  action?: string;
  /** The Kubernetes verb and resource of the call (a 403 names them: what permission is missing). */
  verb?: string;
  resource?: string;
  namespace?: string;
}

/** "create deletebackuprequests.velero.io in namespace velero": the permission a 403 says is missing. */
export function permissionWords(ctx: Pick<ErrorContext, 'verb' | 'resource' | 'namespace'>): string | undefined {
  if (!ctx.verb || !ctx.resource) return undefined;
  return `${ctx.verb} ${ctx.resource}${ctx.namespace ? ` in namespace ${ctx.namespace}` : ' (cluster-wide)'}`;
}

function forbidden(ctx: ErrorContext, status: number, server: string, action: string, detail?: string): LifeboatError {
  const missing = permissionWords(ctx);
  const what = missing ?? action;
  const facts = {
    status,
    server,
    ...(ctx.verb ? { verb: ctx.verb } : {}),
    ...(ctx.resource ? { resource: ctx.resource } : {}),
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
  };
  return new LifeboatError(
    'PERMISSION_DENIED',
    `The cluster refused to let user "${ctx.user ?? 'unknown'}" ${what}${detail ? `: ${detail}` : '.'}`,
    `${missing ? `This kubeconfig lacks the permission to ${missing}. ` : ''}Ask your cluster admin for the permissions listed under Cluster → Permissions, or use an admin kubeconfig.`,
    facts,
  );
}

/** Maps anything client-node (or the network below it) throws to a LifeboatError. */
export function mapClusterError(err: unknown, ctx: ErrorContext = {}): LifeboatError {
  if (err instanceof LifeboatError) return err;
  const server = ctx.server ?? 'the API server';
  const action = ctx.action ?? `reach ${server}`;
  if (err instanceof ApiException || typeof (err as { code?: unknown })?.code === 'number') {
    const status = (err as ApiException<unknown>).code;
    const body = (err as ApiException<unknown>).body as { message?: string } | string | undefined;
    const detail = typeof body === 'string' ? body : body?.message;
    if (status === 401) {
      return new LifeboatError(
        'CLUSTER_AUTH_FAILED',
        `${server} did not accept the credentials of user "${ctx.user ?? 'unknown'}" (HTTP 401).`,
        'The token or client certificate in this kubeconfig is wrong, expired or revoked. Get a fresh kubeconfig from your cluster admin (on a kURL/Embedded Cluster host, copy admin.conf again).',
        { status, server },
      );
    }
    if (status === 403) return forbidden(ctx, status, server, action, detail);
    return new LifeboatError(
      'CLUSTER_UNREACHABLE',
      `${server} answered HTTP ${status} when Lifeboat tried to ${action}${detail ? `: ${detail}` : '.'}`,
      'The API server may be starting up or overloaded. Try again in a minute; if it persists, check the control plane.',
      { status, server },
    );
  }
  const code = errCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'CERT_HAS_EXPIRED') {
    return new LifeboatError(
      'CERTIFICATE_EXPIRED',
      `The TLS certificate of ${server} has expired.`,
      "The cluster's serving certificates need renewing (kubeadm/kURL: `kubeadm certs renew all` on a control-plane node, then restart the control plane). Until then Lifeboat cannot connect safely.",
      { server, code },
    );
  }
  if (code && TLS_UNTRUSTED.has(code)) {
    return new LifeboatError(
      'CLUSTER_UNREACHABLE',
      `Lifeboat does not trust the certificate of ${server} (${code}).`,
      "The kubeconfig's certificate-authority-data does not match this server. Use the kubeconfig that belongs to this cluster.",
      { server, code },
    );
  }
  if (code && NETWORK.has(code)) {
    const why =
      code === 'ECONNREFUSED'
        ? 'nothing is listening there'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : code === 'ETIMEDOUT'
            ? 'the connection timed out'
            : code;
    return new LifeboatError(
      'CLUSTER_UNREACHABLE',
      `Lifeboat cannot reach ${server}: ${why}.`,
      'Check that the cluster is running and that this machine can reach it (VPN, firewall, the server address in the kubeconfig).',
      { server, code },
    );
  }
  return new LifeboatError(
    'CLUSTER_UNREACHABLE',
    `Lifeboat could not ${action}: ${msg.split('\n')[0]}`,
    'Check that the cluster is running and reachable from this machine.',
    { server, code },
  );
}

export function currentServer(kc: KubeConfig): string | undefined {
  return kc.getCurrentCluster()?.server;
}

export async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /version: the cluster is reachable and the credentials are accepted enough to answer. */
export async function probe(kc: KubeConfig, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<{ gitVersion: string }> {
  const server = currentServer(kc);
  const ctx = { server, user: kc.getCurrentUser()?.name, action: `reach ${server ?? 'the API server'}` };
  try {
    const v = await withTimeout(
      kc.makeApiClient(VersionApi).getCode(),
      timeoutMs,
      () =>
        new LifeboatError(
          'CLUSTER_UNREACHABLE',
          `${server ?? 'The API server'} did not answer within ${Math.round(timeoutMs / 1000)} seconds.`,
          'Check that the cluster is running and that this machine can reach it (VPN, firewall, the server address in the kubeconfig).',
          { server, timeoutMs },
        ),
    );
    return { gitVersion: v.gitVersion };
  } catch (err) {
    // The exec credential plugin's own failure is said as such, not as "cannot reach the cluster".
    throw execPluginFailure(kc, err) ?? mapClusterError(err, ctx);
  }
}

/** The Kubernetes verb, resource and namespace of a REST call, for the error a 403 gives. */
export interface KubeRequest {
  verb: string;
  resource: string;
  namespace?: string;
}

/** GET /apis/velero.io/v1/namespaces/velero/backups → list backups.velero.io in velero. */
export function describeRequest(method: string, path: string): KubeRequest {
  const [pathname, query = ''] = path.split('?');
  const seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const group = seg[0] === 'apis' ? seg[1] : '';
  const rest = seg.slice(seg[0] === 'apis' ? 3 : 2);
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  const [plural, name, sub] = namespaced ? rest.slice(2) : rest;
  const resource = `${plural ?? 'unknown'}${sub ? `/${sub}` : ''}${group ? `.${group}` : ''}`;
  const verbs: Record<string, string> = { POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: name ? 'delete' : 'deletecollection' };
  const verb = method === 'GET' ? (name ? 'get' : /(^|&)watch=(true|1)/.test(query) ? 'watch' : 'list') : (verbs[method] ?? method.toLowerCase());
  return { verb, resource, ...(namespaced ? { namespace: rest[1] } : {}) };
}

/** Statuses a caller of `callCluster` handles itself (404 by default). */
export function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; body?: { code?: unknown }; details?: { status?: unknown } } | undefined;
  for (const v of [e?.code, e?.statusCode, e?.body?.code, e?.details?.status]) if (typeof v === 'number') return v;
  return undefined;
}

/**
 * A call through a typed client-node API (CoreV1Api, CustomObjectsApi…), with the cluster layer's
 * one error mapping: a 403 names the verb and resource, never "a bug in Lifeboat". The statuses in
 * `passThrough` (404 by default) are rethrown as they are, for the caller to answer.
 */
export async function callCluster<T>(kc: KubeConfig, request: KubeRequest, fn: () => Promise<T>, passThrough: readonly number[] = [404]): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = statusOf(err);
    if (status !== undefined && passThrough.includes(status) && !(err instanceof LifeboatError)) throw err;
    const server = currentServer(kc);
    throw mapClusterError(err, { server, user: kc.getCurrentUser()?.name, action: `${request.verb} ${request.resource}`, ...request });
  }
}

/** Like callCluster, with a 404 answered as undefined ("not there" is an answer, not a fault). */
export async function findInCluster<T>(kc: KubeConfig, request: KubeRequest, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await callCluster(kc, request, fn);
  } catch (err) {
    if (statusOf(err) === 404 && !(err instanceof LifeboatError)) return undefined;
    throw err;
  }
}
