/**
 * One small JSON-over-REST client on the connected KubeConfig, for the workflows that address objects by
 * path (Velero's custom resources, merge patches, label-selected lists) where the typed client-node APIs
 * would add a generated class per kind for nothing. Authentication and TLS come from the KubeConfig
 * itself (applyToHTTPSOptions), so exec plugins, client certificates and CA bundles behave exactly as in
 * the rest of the app.
 *
 * Failures become LifeboatErrors through the cluster layer's one mapping, except the statuses the caller
 * says it handles itself (404 by default: "not there" is an answer, not a fault).
 */
import { request, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import type { Journal } from '../journal.js';
import { describeRequest, mapClusterError } from './connection.js';

export class KubeRestError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    method: string,
    path: string,
  ) {
    const detail = (body as { message?: string } | undefined)?.message;
    super(`${method} ${path} → HTTP ${code}${detail ? `: ${detail}` : ''}`);
  }
  get status(): number {
    return this.code;
  }
}

export interface KubeRest {
  get<T = unknown>(path: string): Promise<T>;
  /** undefined when the object (or the kind) does not exist. */
  getOrUndefined<T = unknown>(path: string): Promise<T | undefined>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
  patch<T = unknown>(path: string, body: unknown, type?: 'merge' | 'strategic'): Promise<T>;
  mergePatch<T = unknown>(path: string, body: unknown): Promise<T>;
  /** Deleting what is already gone is not an error. */
  delete(path: string): Promise<void>;
}

// The core objects as the workflows read them through this client: only the fields they use
// (names as in k8s.io/api core/v1 and apps/v1; timestamps stay the API's RFC 3339 strings).
export interface ObjectMeta {
  name: string;
  namespace: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

export interface List<T> {
  items?: T[];
}

export interface Container {
  name: string;
  image?: string;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}

/** A Deployment, StatefulSet or DaemonSet: their pod template is required by the API. */
export interface Workload {
  metadata: ObjectMeta;
  spec: { replicas?: number; template: { spec: PodSpec } };
  status?: {
    observedGeneration?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    desiredNumberScheduled?: number;
    numberAvailable?: number;
    updatedNumberScheduled?: number;
  };
}

export interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export interface Pod {
  metadata: ObjectMeta;
  status?: { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[]; conditions?: PodCondition[] };
}

export interface KubeEvent {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
}

export interface Secret {
  /** Base64 values. */
  data?: Record<string, string>;
}

export interface KubeRestOptions {
  timeoutMs?: number;
  /** HTTP statuses thrown as KubeRestError for the caller to handle, instead of a mapped LifeboatError. */
  passThrough?: number[];
  /** Told of every change Lifeboat makes itself (POST, PATCH, DELETE), so it shows in Activity. */
  onWrite?: (write: ClusterWrite) => void;
  /** Records every write in the operation journal (journalClusterWrites), besides `onWrite`. */
  journal?: Journal;
}

export interface ClusterWrite {
  method: string;
  path: string;
  startedAt: string;
  durationMs: number;
  /** HTTP status, or undefined when the server was not reached. */
  status?: number;
  error?: string;
}

/** Records Lifeboat's own cluster changes in the operation journal next to the tool runs. */
export function journalClusterWrites(journal: Journal): (write: ClusterWrite) => void {
  return (w) => {
    const ok = w.status !== undefined && w.status < 300;
    const gone = w.method === 'DELETE' && w.status === 404;
    journal.record({
      id: randomUUID(),
      tool: 'kubernetes-api',
      args: [w.method, w.path],
      startedAt: w.startedAt,
      finishedAt: new Date(Date.parse(w.startedAt) + w.durationMs).toISOString(),
      durationMs: w.durationMs,
      exitCode: null,
      outcome: ok || gone ? 'succeeded' : 'failed',
      summary: ok ? `HTTP ${w.status}` : gone ? 'already gone (HTTP 404)' : (w.error ?? `HTTP ${w.status}`),
    });
  };
}

export function kubeRest(kc: KubeConfig, options: KubeRestOptions = {}): KubeRest {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const passThrough = new Set(options.passThrough ?? [404]);
  passThrough.add(404); // getOrUndefined and delete rely on it
  const onWrite = writeHook(options);

  async function call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const server = kc.getCurrentCluster()?.server ?? '';
    const user = kc.getCurrentUser()?.name;
    const url = new URL(path, server);
    const opts: RequestOptions = { method, headers: { accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      // The API server refuses a DELETE/PATCH body without a length (no chunked bodies).
      Object.assign(opts.headers!, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(payload)) });
    }
    const send = url.protocol === 'http:' ? httpRequest : request;
    const startedAt = new Date();
    const tell = (status?: number, error?: string) => {
      if (method === 'GET' || !onWrite) return;
      try {
        onWrite({ method, path, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), status, error });
      } catch {
        /* the audit trail must never break the operation */
      }
    };
    try {
      return await new Promise<T>((resolve, reject) => {
        const req = send(url, opts, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* not JSON: keep the text for the message */
            }
            tell(res.statusCode ?? 500, (parsed as { message?: string } | undefined)?.message);
            if ((res.statusCode ?? 500) >= 300) reject(new KubeRestError(res.statusCode ?? 500, parsed, method, path));
            else resolve(parsed as T);
          });
          res.on('error', reject);
        });
        req.on('error', (e) => {
          tell(undefined, e.message);
          reject(e);
        });
        req.setTimeout(timeoutMs, () =>
          req.destroy(Object.assign(new Error(`${method} ${path} timed out after ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })),
        );
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    } catch (err) {
      if (err instanceof KubeRestError && passThrough.has(err.code)) throw err;
      throw mapClusterError(err, { server, user, action: `${method === 'GET' ? 'read' : 'change'} ${path}`, ...describeRequest(method, path) });
    }
  }

  return {
    get: (path) => call('GET', path),
    async getOrUndefined(path) {
      try {
        return await call('GET', path);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    post: (path, body) => call('POST', path, body),
    patch: (path, body, type = 'merge') =>
      call('PATCH', path, body, type === 'merge' ? 'application/merge-patch+json' : 'application/strategic-merge-patch+json'),
    mergePatch: (path, body) => call('PATCH', path, body, 'application/merge-patch+json'),
    async delete(path) {
      try {
        await call('DELETE', path);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
  };
}

function writeHook(options: KubeRestOptions): ((w: ClusterWrite) => void) | undefined {
  const journal = options.journal ? journalClusterWrites(options.journal) : undefined;
  const hooks = [options.onWrite, journal].filter((h): h is (w: ClusterWrite) => void => !!h);
  if (!hooks.length) return undefined;
  return (w) => {
    for (const h of hooks) h(w);
  };
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeRestError && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeRestError && err.code === 409;
}

// ---------------------------------------------------------------------------------------------
// The workflows' views of the client (they were restore/kube.ts and setup/kube.ts)

/** What the restore workflow reads and writes (DownloadRequests, the storage location's access mode). */
export type KubeJson = Pick<KubeRest, 'get' | 'getOrUndefined' | 'post' | 'mergePatch' | 'delete'>;

/** The restore workflow's client: every write journaled when `journal` is given. */
export function kubeJson(kc: KubeConfig, timeoutMs = 30_000, journal?: Journal): KubeJson {
  return kubeRest(kc, { timeoutMs, journal });
}

/** Setup handles 409 itself (an object `velero install` or a previous run already created is updated). */
export interface SetupKube extends Pick<KubeRest, 'get' | 'post' | 'patch' | 'delete'> {
  find: KubeRest['getOrUndefined'];
}

export function setupKube(kc: KubeConfig, timeoutMs = 30_000, journal?: Journal): SetupKube {
  const rest = kubeRest(kc, { timeoutMs, passThrough: [404, 409], journal });
  return { ...rest, find: rest.getOrUndefined };
}

/** REST path of an object from its apiVersion/kind (the kinds `velero install` creates). */
export function objectPath(
  o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } },
  clusterScoped = CLUSTER_SCOPED.has(o.kind),
): string {
  const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  const plural = `${o.kind.toLowerCase()}s`;
  return clusterScoped || !o.metadata.namespace
    ? `${base}/${plural}/${o.metadata.name}`
    : `${base}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`;
}

const CLUSTER_SCOPED = new Set(['CustomResourceDefinition', 'Namespace', 'ClusterRoleBinding', 'ClusterRole']);
