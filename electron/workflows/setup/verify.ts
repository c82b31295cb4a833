/**
 * Verification: the storage location KOTS configured is Available and synced, and the Velero
 * server answers a ServerStatusRequest with the destination's object-store plugin loaded.
 */
import type { Check, SetupDestination, SetupWizard } from '../../api/contract.js';
import { toErrorData } from '../../api/errors.js';
import { isReady, setupLocationChecks } from '../../velero/readiness.js';
import type { ServerStatus } from '../../velero/serverStatus.js';
import type { SetupKube } from '../../cluster/rest.js';
import type { BackupStorageLocation } from '../../velero/types.js';
import { sleep } from './waits.js';

export type Verification = NonNullable<SetupWizard['verification']>;

export interface VerifyDeps {
  kube: SetupKube;
  serverStatus: (namespace: string) => Promise<ServerStatus>;
  pollMs: number;
}

export function pluginKindFor(provider: SetupDestination['provider'] | undefined): string {
  if (provider === 'gcp') return 'velero.io/gcp';
  if (provider === 'azure') return 'velero.io/azure';
  return 'velero.io/aws';
}

/** BackupStorageLocation "default", waited for up to waitMs to become Available and synced. */
async function awaitLocation(d: VerifyDeps, ns: string, waitMs: number, signal?: AbortSignal): Promise<BackupStorageLocation | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const bsl = await d.kube.find<BackupStorageLocation>(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`);
    if (isReady(bsl)) return bsl;
    if (Date.now() >= deadline || signal?.aborted) return bsl;
    await sleep(d.pollMs * 2, signal).catch(() => undefined);
  }
}

async function serverChecks(
  d: VerifyDeps,
  ns: string,
  provider: SetupDestination['provider'] | undefined,
): Promise<{ checks: Check[]; serverVersion?: string; plugins: string[] }> {
  try {
    const st = await d.serverStatus(ns);
    const needed = pluginKindFor(provider);
    const checks: Check[] = [
      { ok: true, severity: 'ok', title: 'Velero server answers', reason: `ServerStatusRequest processed: version ${st.serverVersion}.` },
      st.plugins.some((p) => p.name === needed && p.kind === 'ObjectStore')
        ? { ok: true, severity: 'ok', title: 'Object-store plugin loaded', reason: `${needed} is registered.` }
        : {
            ok: false,
            severity: 'error',
            title: 'Object-store plugin loaded',
            reason: `The server lists no ${needed} ObjectStore plugin.`,
            fix: "Check the plugin init container's image and the velero pod's logs.",
          },
    ];
    return { checks, serverVersion: st.serverVersion, plugins: st.plugins.map((p) => `${p.name} (${p.kind})`) };
  } catch (e) {
    const err = toErrorData(e);
    return { checks: [{ ok: false, severity: 'error', title: 'Velero server answers', reason: err.message, fix: err.hint }], plugins: [] };
  }
}

export async function verifyVelero(d: VerifyDeps, w: SetupWizard, signal?: AbortSignal, waitMs = 0): Promise<Verification> {
  const ns = w.veleroNamespace;
  const bsl = await awaitLocation(d, ns, waitMs, signal);
  const server = await serverChecks(d, ns, w.destination?.provider);
  const checks = [...setupLocationChecks(bsl), ...server.checks];
  const location = bsl ? { phase: bsl.status?.phase, lastSyncedTime: bsl.status?.lastSyncedTime, message: bsl.status?.message } : undefined;
  return { ok: checks.every((c) => c.ok), checks, serverVersion: server.serverVersion, plugins: server.plugins, location, at: new Date().toISOString() };
}
