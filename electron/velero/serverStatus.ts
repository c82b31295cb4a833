/**
 * Asks the Velero server for its version the way `velero version` does: create a
 * ServerStatusRequest (velero.io/v1) in the Velero namespace, poll until the server marks it
 * Processed, read `status.serverVersion` and `status.plugins`. Velero deletes processed requests
 * after a minute; we delete ours at once (best effort).
 */
import { LifeboatError } from '../api/errors.js';
import type { KubeRest } from '../cluster/rest.js';

/** The cluster layer's client (cluster/rest.ts): errors mapped, the create and delete journaled. */
export type StatusApi = Pick<KubeRest, 'post' | 'get' | 'delete'>;

export interface ServerStatus {
  serverVersion: string;
  plugins: Array<{ name: string; kind: string }>;
}

const path = (namespace: string, name?: string) =>
  `/apis/velero.io/v1/namespaces/${encodeURIComponent(namespace)}/serverstatusrequests${name ? `/${encodeURIComponent(name)}` : ''}`;

export async function requestServerStatus(api: StatusApi, namespace: string, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<ServerStatus> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 250;
  const created = await api.post<{ metadata?: { name?: string } }>(path(namespace), {
    apiVersion: 'velero.io/v1',
    kind: 'ServerStatusRequest',
    metadata: { generateName: 'lifeboat-', labels: { 'app.kubernetes.io/managed-by': 'lifeboat' } },
    spec: {},
  });
  const name = created?.metadata?.name;
  if (!name) throw new LifeboatError('INTERNAL', 'The API server created a ServerStatusRequest without a name.');
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const obj = await api.get<{ status?: { phase?: string; serverVersion?: string; plugins?: Array<{ name: string; kind: string }> } }>(
        path(namespace, name),
      );
      if (obj?.status?.phase === 'Processed') {
        if (!obj.status.serverVersion)
          throw new LifeboatError(
            'TOOL_OUTPUT_INVALID',
            'The Velero server processed the status request but reported no version.',
            'Check the Velero server logs.',
          );
        return { serverVersion: obj.status.serverVersion, plugins: obj.status.plugins ?? [] };
      }
      if (Date.now() >= deadline) {
        throw new LifeboatError(
          'TOOL_TIMEOUT',
          `The Velero server in namespace ${namespace} did not answer a ServerStatusRequest within ${Math.round(timeoutMs / 1000)} s.`,
          'The Velero server may not be running. Check the velero Deployment and its logs.',
          { namespace, name },
        );
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    api.delete(path(namespace, name)).catch(() => {});
  }
}
