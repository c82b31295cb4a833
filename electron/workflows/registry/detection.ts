/**
 * What the Registry screen shows: the cluster's registry (read through detect.ts), whether
 * Lifeboat can log in and list it, and whether full backups cover it.
 */
import type { Check, RegistryInfo } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import type { RegistryClient } from '../../registry/client.js';
import type { Services } from '../services.js';
import type { Access } from './access.js';
import { readRegistrySnapshot, registryAddress, registryCoverage, type RegistrySnapshot } from './detect.js';

/** A failure as a job or a detection records it (never the details). */
export function errView(e: unknown): { code: string; message: string; hint?: string } {
  const d = toErrorData(e);
  return { code: d.code, message: d.message, hint: d.hint };
}

/** Read the registry snapshot of the connected cluster, with what the environment detection knows. */
export function readSnapshot(deps: Pick<Services, 'cluster' | 'detector'>): Promise<RegistrySnapshot> {
  const kc = deps.cluster.kubeConfig();
  const env = deps.detector.get();
  return readRegistrySnapshot(kc, {
    flavour: env?.flavour,
    airgapped: env?.airgap.airgapped,
    kotsNamespace: env?.kots.namespace,
    veleroNamespace: env?.velero.namespace,
    fileSystemBackup: env?.velero.fileSystemBackup?.ready,
  });
}

/** Every repository with its number of tags (a repository whose tags cannot be listed counts 0). */
export async function countTags(client: RegistryClient): Promise<RegistryInfo['repositories']> {
  const repos = await client.catalog();
  const counted: RegistryInfo['repositories'] = [];
  for (const name of repos.sort()) counted.push({ name, tags: (await client.tags(name).catch(() => [])).length });
  return counted;
}

/**
 * The registry as the Registry screen shows it. `open` logs in (access.ts); a failure is reported
 * in the result (as a coverage check, or as the confirmation the address needs), except BAD_INPUT.
 */
export async function describeRegistry(snap: RegistrySnapshot, open: () => Promise<{ access: Access; client: RegistryClient }>): Promise<RegistryInfo> {
  const coverage: Check[] = registryCoverage(snap);
  const addr = registryAddress(snap);
  const info: RegistryInfo = {
    found: !!(snap.workload || addr.host) && (snap.flavour === 'kurl' || snap.flavour === 'embedded-cluster'),
    flavour: snap.flavour,
    namespace: snap.workload?.namespace,
    host: addr.host,
    hostSource: addr.source,
    reachable: false,
    repositories: [],
    tagCount: 0,
    coverage,
    detectedAt: new Date().toISOString(),
  };
  if (!addr.host) return info;
  let client: RegistryClient | undefined;
  try {
    const r = await open();
    client = r.client;
    info.credentialsSource = r.access.credential?.source;
    info.caSource = r.access.caSource;
    const counted = await countTags(client);
    info.repositories = counted;
    info.tagCount = counted.reduce((s, r) => s + r.tags, 0);
    info.reachable = true;
  } catch (e) {
    if (e instanceof LifeboatError && e.code === 'BAD_INPUT') throw e;
    info.error = errView(e);
    if (e instanceof LifeboatError && e.code === 'CONFIRMATION_MISMATCH') {
      info.hostConfirmation = { host: addr.host, source: addr.source ?? 'a backup annotation', plainHttp: !!addr.plainHttp };
      return info;
    }
    coverage.push({ ok: false, severity: 'error', title: `Lifeboat cannot read the registry ${addr.host}`, reason: info.error.message, fix: info.error.hint });
  } finally {
    client?.close();
  }
  return info;
}
