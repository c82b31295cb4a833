/**
 * Credentials the setup wizard uses without ever persisting them: the registry login (entered, or
 * KOTS's own for the very host entered), the image pull secret built from it, and the rules for
 * when the destination's secrets must still be held.
 */
import { readCaFileSync } from '../../localFile.js';
import type { SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { Destination } from '../../kots/configure.js';
import { credentialsFor, parseDockerConfig } from '../../registry/credentials.js';
import type { PrivateRegistry } from '../../velero/install.js';
import type { RegistryAccess } from './images.js';
import type { Secret, SetupKube } from '../../cluster/rest.js';

export const PULL_SECRET = 'registry-credentials';

/** Destinations whose configure command cannot run without secrets Lifeboat holds in memory. */
export function needsSecrets(d: Destination): boolean {
  return (
    d.provider === 's3-compatible' ||
    d.provider === 'azure' ||
    (d.provider === 'aws' && d.auth === 'access-key') ||
    (d.provider === 'gcp' && d.auth === 'service-account')
  );
}

/** KOTS's login for this registry (Secret kotsadm-private-registry), if KOTS has one. */
export async function kotsRegistryCredentials(
  kube: () => SetupKube,
  kotsNamespace: string | undefined,
  host: string,
): Promise<{ username: string; password: string } | undefined> {
  if (!kotsNamespace) return undefined;
  const secret = await kube().find<Secret>(`/api/v1/namespaces/${kotsNamespace}/secrets/kotsadm-private-registry`);
  const raw = secret?.data?.['.dockerconfigjson'];
  if (!raw) return undefined;
  // Only the entry issued for this very host: never another host's, never the license login.
  const c = credentialsFor(host, parseDockerConfig(Buffer.from(raw, 'base64').toString('utf8'))).find((e) => e.password);
  return c ? { username: c.username, password: c.password } : undefined;
}

export function registryAccess(w: SetupWizard, password: string | undefined, env: NodeJS.ProcessEnv): RegistryAccess {
  const r = w.registry;
  if (!r) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Enter the private registry first.', 'Fill in the registry on the Images step.');
  const caPath = r.caPath || env.LIFEBOAT_REGISTRY_CA;
  let caPem: Buffer | undefined;
  if (caPath) {
    // A regular file of PEM size whose certificates parse (localFile.ts), never /dev/zero or a FIFO.
    caPem = readCaFileSync(caPath, 'registry CA');
  }
  return { host: r.host, namespace: r.namespace, username: r.username, password, caPem };
}

/** Secret registry-credentials as `kubectl create secret docker-registry` would write it. */
export function pullSecret(ns: string, host: string, username: string, password: string) {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const config = JSON.stringify({ auths: { [host]: { username, password, auth } } });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: PULL_SECRET, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'lifeboat' } },
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  };
}

/** A command line as the review shows it: every secret value replaced, arguments with spaces quoted. */
export function redactCommand(args: string[], secrets: Iterable<string>): string {
  const set = new Set(secrets);
  return args.map((a) => (set.has(a) ? '<redacted>' : /\s/.test(a) ? `'${a}'` : a)).join(' ');
}

/** The registry Velero's images come from: only on an air-gapped cluster. */
export function privateRegistry(w: SetupWizard): PrivateRegistry | undefined {
  return w.preflight?.airgap && w.registry ? { host: w.registry.host, namespace: w.registry.namespace } : undefined;
}
