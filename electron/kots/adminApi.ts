/**
 * The KOTS admin console API for what has no CLI: the instance snapshot schedule and retention
 * (GET /api/v1/snapshot/config, PUT /api/v1/snapshot/schedule, PUT /api/v1/snapshot/retention) and
 * partial (app) backups (POST /api/v1/app/{slug}/snapshot/backup) — kots pkg/handlers/handlers.go,
 * snapshots.go and backup.go at v1.131.4.
 *
 * How Lifeboat reaches it, like `kubectl kots` does: a port-forward (client-node PortForward) to
 * port 3000 of a Running kotsadm pod (label app=kotsadm) in the admin console namespace, with the
 * `Authorization` header set to Secret `kotsadm-authstring` key `kotsadm-authstring` (kots
 * pkg/k8sutil/portforward.go and pkg/snapshot/backup.go at v1.131.4 do the same). The auth string
 * stays in the main process: never logged, never sent to the renderer. There is no other way in: an
 * address override would be a second path that operators' clusters never take. What Lifeboat relies
 * on here: docs/kots-contract.md#reaching-the-admin-console and #schedule-and-retention.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { LifeboatError } from '../api/errors.js';
import { callCluster } from '../cluster/connection.js';
import { forwardToPod, isServing } from '../cluster/forward.js';

export interface SnapshotConfig {
  autoEnabled: boolean;
  autoSchedule: { schedule: string };
  ttl: { inputValue: string; inputTimeUnit: string; converted: string };
}

export interface AdminTarget {
  baseUrl: string;
  /** In words: where the API was reached ("port-forward to pod kotsadm-… port 3000"). */
  source: string;
  /** How to reach baseUrl (the port-forward's own fetch: no listening socket); else deps.fetchImpl or fetch. */
  fetch?: typeof fetch;
  close(): Promise<void>;
}

export interface AdminApiDeps {
  kc: () => KubeConfig;
  namespace: () => string | undefined;
  fetchImpl?: typeof fetch;
  /** For unit tests: replaces the port-forward to the kotsadm pod. */
  openTarget?: () => Promise<AdminTarget>;
  /** For unit tests: replaces reading Secret kotsadm-authstring. */
  authstring?: () => Promise<string>;
  timeoutMs?: number;
}

export class AdminApi {
  constructor(private readonly deps: AdminApiDeps) {}

  private ns(): string {
    const ns = this.deps.namespace();
    if (!ns)
      throw new LifeboatError(
        'ADMIN_CONSOLE_UNREACHABLE',
        'Lifeboat has not found the KOTS admin console in this cluster.',
        'Check the Overview: KOTS must be detected before its backup settings can be read.',
      );
    return ns;
  }

  /** Where calls go, in words (for the screen). */
  describeTarget(): string {
    return `port-forward to the kotsadm pod, port 3000, in namespace ${this.deps.namespace() ?? '?'}`;
  }

  async authstring(): Promise<string> {
    if (this.deps.authstring) return this.deps.authstring();
    const ns = this.ns();
    const kc = this.deps.kc();
    try {
      const s = await callCluster(kc, { verb: 'get', resource: 'secrets', namespace: ns }, () =>
        kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: ns, name: 'kotsadm-authstring' }),
      );
      const v = s.data?.['kotsadm-authstring'];
      if (!v) throw new Error('key kotsadm-authstring is empty');
      return Buffer.from(v, 'base64').toString('utf8');
    } catch (err) {
      // A refusal is the cluster layer's permission error (it names the verb and resource).
      if (err instanceof LifeboatError && err.code === 'PERMISSION_DENIED') throw err;
      throw new LifeboatError(
        'ADMIN_CONSOLE_UNREACHABLE',
        `Lifeboat could not read Secret kotsadm-authstring in namespace ${ns}: ${(err as Error).message?.split('\n')[0]}.`,
        // kots creates it in pkg/auth/auth.go (GetOrCreateAuthSlug), called by commands that talk to
        // the admin console — `get apps` among them, read-only; `backup ls` reads Velero only.
        `The kots CLI creates it when it first talks to the admin console: run \`kubectl kots get apps -n ${ns}\` once, or check that this kubeconfig may read Secrets there.`,
      );
    }
  }

  async openTarget(): Promise<AdminTarget> {
    if (this.deps.openTarget) return this.deps.openTarget();
    return portForwardToKotsadm(this.deps.kc(), this.ns());
  }

  private async call<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T; source: string }> {
    const auth = await this.authstring();
    const target = await this.openTarget();
    const f = target.fetch ?? this.deps.fetchImpl ?? fetch;
    try {
      let res: Response;
      try {
        res = await f(`${target.baseUrl}${path}`, {
          method,
          headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.deps.timeoutMs ?? 20_000),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        throw new LifeboatError(
          'ADMIN_CONSOLE_UNREACHABLE',
          `Lifeboat could not reach the admin console API through ${target.source} (${cause}).`,
          'Check that the kotsadm pod is Running (`kubectl get pods -l app=kotsadm`), then try again.',
        );
      }
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        json = { error: text.slice(0, 300) };
      }
      if (res.status === 401 || res.status === 403) {
        throw new LifeboatError(
          'PERMISSION_DENIED',
          `The admin console refused Lifeboat's request (HTTP ${res.status}).`,
          `Lifeboat authenticates with Secret kotsadm-authstring in namespace ${this.deps.namespace() ?? '?'}; check that it is the admin console's current auth string.`,
        );
      }
      if (res.status === 409) {
        throw new LifeboatError(
          'PERMISSION_DENIED',
          'The admin console cannot reach Velero (minimal RBAC).',
          `Run \`kubectl kots velero ensure-permissions --namespace ${this.deps.namespace() ?? '<kotsadm namespace>'} --velero-namespace <velero namespace>\`, then try again.`,
        );
      }
      return { status: res.status, json: json as T, source: target.source };
    } finally {
      await target.close();
    }
  }

  async snapshotConfig(): Promise<{ config: SnapshotConfig; source: string }> {
    const r = await this.call<SnapshotConfig & { error?: string }>('GET', '/api/v1/snapshot/config');
    if (r.status !== 200 || typeof r.json?.autoEnabled !== 'boolean') {
      throw new LifeboatError(
        'TOOL_OUTPUT_INVALID',
        `The admin console answered HTTP ${r.status} for its snapshot settings${r.json?.error ? `: ${r.json.error}` : ''}.`,
        'Check the admin console; its Snapshots page shows the same settings.',
      );
    }
    return { config: r.json, source: r.source };
  }

  async putSchedule(schedule: string, autoEnabled: boolean): Promise<void> {
    const r = await this.call<{ success?: boolean; error?: string }>('PUT', '/api/v1/snapshot/schedule', { schedule, autoEnabled });
    if (r.status === 400)
      throw new LifeboatError(
        'INVALID_SCHEDULE',
        `The admin console refused the schedule: ${r.json?.error ?? 'invalid'}.`,
        'Use a 5-field cron expression such as "0 2 * * *".',
      );
    if (r.status !== 200 || r.json?.success === false)
      throw new LifeboatError(
        'TOOL_FAILED',
        `The admin console did not save the schedule (HTTP ${r.status}${r.json?.error ? `: ${r.json.error}` : ''}).`,
        "Nothing was changed. Try again, or use the admin console's Snapshots page.",
      );
  }

  async putRetention(inputValue: string, inputTimeUnit: string): Promise<void> {
    const r = await this.call<{ success?: boolean; error?: string }>('PUT', '/api/v1/snapshot/retention', { inputValue, inputTimeUnit });
    if (r.status !== 200 || r.json?.success === false)
      throw new LifeboatError(
        r.status === 400 ? 'BAD_INPUT' : 'TOOL_FAILED',
        `The admin console did not save the retention (HTTP ${r.status}${r.json?.error ? `: ${r.json.error}` : ''}).`,
        'Nothing was changed. Check the value and try again.',
      );
  }

  /** Partial (app-only, legacy) backup: only possible through the API (kots cmd/kots/cli/backup.go
   * has no app option; CreateApplicationBackup in pkg/handlers/backup.go at v1.131.4). Its answer
   * names no backup (only success and error), so the caller finds the new Velero Backup itself. */
  async createAppBackup(slug: string): Promise<void> {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(slug))
      throw new LifeboatError('BAD_INPUT', `"${slug.slice(0, 80)}" is not an application slug.`, 'Pick the application from the list.');
    const r = await this.call<{ success?: boolean; error?: string }>('POST', `/api/v1/app/${slug}/snapshot/backup`);
    if (r.status === 404)
      throw new LifeboatError(
        'TOOL_FAILED',
        `The admin console has no partial-backup endpoint for ${slug} (HTTP 404).`,
        'This admin console version cannot take app-only backups; take a full backup instead.',
      );
    if (r.status !== 200 || r.json?.success === false || r.json?.error) {
      throw new LifeboatError(
        'BACKUP_FAILED',
        `The admin console did not start a backup of ${slug} (HTTP ${r.status}${r.json?.error ? `: ${r.json.error}` : ''}).`,
        r.status === 403
          ? 'Partial backups are not allowed on this install (Embedded Cluster); take a full backup.'
          : 'Nothing was backed up. Check the admin console, then try again.',
      );
    }
    return;
  }
}

/** Requests to <pod>:3000, each over its own port-forward stream (no listening socket; closed after the call). */
async function portForwardToKotsadm(kc: KubeConfig, namespace: string): Promise<AdminTarget> {
  const core = kc.makeApiClient(CoreV1Api);
  let pod: string | undefined;
  try {
    const pods = await callCluster(kc, { verb: 'list', resource: 'pods', namespace }, () =>
      core.listNamespacedPod({ namespace, labelSelector: 'app=kotsadm' }),
    );
    pod = pods.items.find(isServing)?.metadata?.name;
  } catch (err) {
    if (err instanceof LifeboatError && err.code === 'PERMISSION_DENIED') throw err;
    throw new LifeboatError(
      'ADMIN_CONSOLE_UNREACHABLE',
      `Lifeboat could not list the kotsadm pods in namespace ${namespace}: ${(err as Error).message?.split('\n')[0]}.`,
      'Check that this kubeconfig may list pods there.',
    );
  }
  if (!pod) {
    throw new LifeboatError(
      'ADMIN_CONSOLE_UNREACHABLE',
      `No Running, Ready kotsadm pod in namespace ${namespace} to port-forward to.`,
      `Check \`kubectl get pods -n ${namespace} -l app=kotsadm\`.`,
    );
  }
  const fwd = await forwardToPod(kc, namespace, pod, 3000);
  return { baseUrl: `http://kotsadm.${namespace}:3000`, fetch: fwd.fetch, source: `port-forward to ${fwd.source}`, close: fwd.close };
}
