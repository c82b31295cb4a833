/**
 * Asks the Velero server for its version the way `velero version` does: create a
 * ServerStatusRequest (velero.io/v1) in the Velero namespace, poll until the server marks it
 * Processed, read `status.serverVersion` and `status.plugins`. Velero deletes processed requests
 * after a minute; we delete ours at once (best effort).
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { LifeboatError } from '../api/errors.js';

export type StatusApi = Pick<CustomObjectsApi, 'createNamespacedCustomObject' | 'getNamespacedCustomObject' | 'deleteNamespacedCustomObject'>;

export interface ServerStatus {
  serverVersion: string;
  plugins: Array<{ name: string; kind: string }>;
}

const G = { group: 'velero.io', version: 'v1', plural: 'serverstatusrequests' };

export async function requestServerStatus(api: StatusApi, namespace: string, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<ServerStatus> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 250;
  const created = (await api.createNamespacedCustomObject({
    ...G,
    namespace,
    body: { apiVersion: 'velero.io/v1', kind: 'ServerStatusRequest', metadata: { generateName: 'lifeboat-' }, spec: {} },
  })) as { metadata?: { name?: string } };
  const name = created?.metadata?.name;
  if (!name) throw new LifeboatError('INTERNAL', 'The API server created a ServerStatusRequest without a name.');
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const obj = (await api.getNamespacedCustomObject({ ...G, namespace, name })) as {
        status?: { phase?: string; serverVersion?: string; plugins?: Array<{ name: string; kind: string }> };
      };
      if (obj?.status?.phase === 'Processed') {
        if (!obj.status.serverVersion) throw new LifeboatError('TOOL_OUTPUT_INVALID', 'The Velero server processed the status request but reported no version.', 'Check the Velero server logs.');
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
    api.deleteNamespacedCustomObject({ ...G, namespace, name }).catch(() => {});
  }
}
