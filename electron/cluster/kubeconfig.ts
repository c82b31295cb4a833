/**
 * Kubeconfig discovery, parsing and watching.
 *
 * Where kubeconfigs are found (in this order): every entry of KUBECONFIG, ~/.kube/config, a kURL
 * control-plane host's /etc/kubernetes/admin.conf, an Embedded Cluster host's k0s admin.conf. The
 * host files are root-only; reading one as another user is KUBECONFIG_MISSING with a hint to copy it.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';
import type { KubeconfigSource, KubeContext } from '../api/contract.js';
import { LifeboatError } from '../api/errors.js';

export const KURL_ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const EC_ADMIN_CONFS = ['/var/lib/embedded-cluster/k0s/pki/admin.conf', '/var/lib/k0s/pki/admin.conf'];

export interface DiscoverOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  exists?: (path: string) => boolean;
}

export function discoverKubeconfigs(opts: DiscoverOptions = {}): KubeconfigSource[] {
  const env = opts.env ?? process.env;
  const exists = opts.exists ?? existsSync;
  const home = opts.home ?? homedir();
  const out: KubeconfigSource[] = [];
  const seen = new Set<string>();
  const add = (path: string, origin: KubeconfigSource['origin'], onlyIfExists = false) => {
    const p = resolve(path);
    if (seen.has(p)) return;
    const ex = exists(p);
    if (onlyIfExists && !ex) return;
    seen.add(p);
    out.push({ path: p, origin, exists: ex });
  };
  for (const p of (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean)) add(p, 'KUBECONFIG');
  add(join(home, '.kube', 'config'), 'home');
  add(KURL_ADMIN_CONF, 'kurl', true);
  for (const p of EC_ADMIN_CONFS) add(p, 'embedded-cluster', true);
  return out;
}

/** The one to use when the operator has not chosen: the first that exists. */
export function defaultKubeconfig(sources: KubeconfigSource[]): KubeconfigSource | undefined {
  return sources.find((s) => s.exists);
}

export interface LoadedKubeconfig {
  path: string;
  kc: KubeConfig;
  contexts: KubeContext[];
  currentContext?: string;
}

export function loadKubeconfig(path: string): LoadedKubeconfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new LifeboatError(
        'KUBECONFIG_MISSING',
        `Lifeboat may not read ${path}.`,
        `That file belongs to root. Copy it for your user: sudo cp ${path} ~/.kube/config && sudo chown $(id -u):$(id -g) ~/.kube/config`,
        { path },
      );
    }
    throw new LifeboatError(
      'KUBECONFIG_MISSING',
      `There is no kubeconfig at ${path}.`,
      'Choose a kubeconfig file, set KUBECONFIG, or copy your cluster\'s admin kubeconfig to ~/.kube/config.',
      { path },
    );
  }
  return parseKubeconfig(text, path);
}

export function parseKubeconfig(text: string, path = '(chosen file)'): LoadedKubeconfig {
  const invalid = (why: string) =>
    new LifeboatError('KUBECONFIG_INVALID', `${path} is not a usable kubeconfig: ${why}`, 'Check that it is the kubeconfig your cluster admin gave you (YAML with clusters, users and contexts). `kubectl config view --kubeconfig <file>` shows what is wrong.', { path });
  const doc = parseDocument(text);
  if (doc.errors.length) throw invalid(doc.errors[0].message.split('\n')[0]);
  const raw = doc.toJS() as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('it is not a YAML mapping.');
  if (!Array.isArray(raw.contexts) || raw.contexts.length === 0) throw invalid('it has no contexts.');
  if (!Array.isArray(raw.clusters) || raw.clusters.length === 0) throw invalid('it has no clusters.');
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  const contexts: KubeContext[] = kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user,
    namespace: c.namespace || undefined,
    server: kc.getCluster(c.cluster)?.server,
  }));
  return { path, kc, contexts, currentContext: kc.getCurrentContext() || undefined };
}

/** Switches `kc` to `name`, or throws CONTEXT_UNKNOWN naming those that exist. */
export function useContext(loaded: LoadedKubeconfig, name: string): void {
  if (!loaded.contexts.some((c) => c.name === name)) {
    throw new LifeboatError(
      'CONTEXT_UNKNOWN',
      `${loaded.path} has no context named "${name}".`,
      `Pick one of: ${loaded.contexts.map((c) => c.name).join(', ') || '(none)'}.`,
      { path: loaded.path, contexts: loaded.contexts.map((c) => c.name) },
    );
  }
  loaded.kc.setCurrentContext(name);
}

/**
 * Checks the current user's client certificate locally: an expired one would only surface as a
 * bare 401 from the API server. Throws CERTIFICATE_EXPIRED (or returns the expiry date).
 */
export function checkClientCertificate(kc: KubeConfig, now = new Date()): Date | undefined {
  const user = kc.getCurrentUser();
  let pem: string | undefined;
  if (user?.certData) pem = Buffer.from(user.certData, 'base64').toString('utf8');
  else if (user?.certFile && existsSync(user.certFile)) pem = readFileSync(user.certFile, 'utf8');
  if (!pem) return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return undefined; // unreadable here; the API server will say what it thinks
  }
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() < now.getTime()) {
    throw new LifeboatError(
      'CERTIFICATE_EXPIRED',
      `The client certificate of user "${user?.name}" expired on ${notAfter.toISOString().slice(0, 10)}.`,
      'Get a fresh kubeconfig from the cluster. On a kURL or Embedded Cluster host, copy the current admin.conf again; kubeadm clusters can renew with `kubeadm certs renew admin.conf`.',
      { user: user?.name, notAfter: notAfter.toISOString() },
    );
  }
  return notAfter;
}

/**
 * Watches a kubeconfig and calls `onChange` (debounced) when it changes. Watches the directory,
 * not the file: editors and `kubectl config` replace the file by rename, which ends a file watch.
 */
export function watchKubeconfig(path: string, onChange: () => void, debounceMs = 300): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const name = basename(path);
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file && file.toString() !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on('error', () => {});
  } catch {
    // directory unreadable: no live reload, the operator can reconnect by hand
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
