/**
 * Kubeconfig discovery, parsing and watching.
 *
 * Where kubeconfigs are found (in this order): every entry of KUBECONFIG, ~/.kube/config, a kURL
 * control-plane host's /etc/kubernetes/admin.conf, an Embedded Cluster host's k0s admin.conf. The
 * host files are root-only; reading one as another user is KUBECONFIG_MISSING with a hint to copy it.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { LocalFileError, MAX_KUBECONFIG_BYTES, readBoundedFileSync } from '../localFile.js';
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
    // A regular file of kubeconfig size only: /dev/zero, a FIFO or a huge file named by mistake
    // would otherwise be read until memory ran out (localFile.ts).
    text = readBoundedFileSync(path, MAX_KUBECONFIG_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof LocalFileError && err.problem.kind !== 'errno') {
      throw new LifeboatError(
        'KUBECONFIG_INVALID',
        `${path} is not a usable kubeconfig: ${err.message}.`,
        "Choose the kubeconfig file itself (YAML, usually ~/.kube/config or the cluster's admin.conf).",
        { path },
      );
    }
    const code = err instanceof LocalFileError && err.problem.kind === 'errno' ? err.problem.code : (err as NodeJS.ErrnoException).code;
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
      "Choose a kubeconfig file, set KUBECONFIG, or copy your cluster's admin kubeconfig to ~/.kube/config.",
      { path },
    );
  }
  return parseKubeconfig(text, path);
}

export function parseKubeconfig(text: string, path = '(chosen file)'): LoadedKubeconfig {
  const invalid = (why: string) =>
    new LifeboatError(
      'KUBECONFIG_INVALID',
      `${path} is not a usable kubeconfig: ${why}`,
      'Check that it is the kubeconfig your cluster admin gave you (YAML with clusters, users and contexts). `kubectl config view --kubeconfig <file>` shows what is wrong.',
      { path },
    );
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

/**
 * Checks, before anything is sent, the files and the credential plugin the current context's user
 * and cluster name: a missing client-certificate, key or CA file, or an exec plugin that is not
 * there, would otherwise surface as a misleading "cannot reach the cluster". KUBECONFIG_INVALID
 * naming the field and the path.
 */
export function checkReferencedFiles(kc: KubeConfig, path = '(kubeconfig)'): void {
  const user = kc.getCurrentUser();
  const cluster = kc.getCurrentCluster();
  const refs: Array<[string, string | undefined]> = [
    ['client-certificate', user?.certFile],
    ['client-key', user?.keyFile],
    ['certificate-authority', cluster?.caFile],
  ];
  for (const [field, file] of refs) {
    if (!file) continue;
    try {
      readBoundedFileSync(file, MAX_PEM_FILE);
    } catch (err) {
      const why = err instanceof LocalFileError ? err.message : String(err);
      throw new LifeboatError(
        'KUBECONFIG_INVALID',
        `${path}: the ${field} file ${file} of ${field === 'certificate-authority' ? `cluster "${cluster?.name}"` : `user "${user?.name}"`} cannot be used: ${why}.`,
        'Put the file back, or use a kubeconfig with the data embedded (kubectl config view --raw --flatten).',
        { path, field, file },
      );
    }
  }
  const exec = (user as { exec?: { command?: string } } | null)?.exec;
  if (exec) {
    const cmd = exec.command;
    if (!cmd || !commandExists(cmd)) {
      throw new LifeboatError(
        'KUBECONFIG_INVALID',
        `${path}: user "${user?.name}" gets its credentials from the command "${cmd ?? '(none)'}", which is not on this computer.`,
        "Install that credential plugin (e.g. the cloud provider's CLI) and make sure it is on PATH, or use a kubeconfig with a certificate or token.",
        { path, command: cmd },
      );
    }
  }
}

const MAX_PEM_FILE = 1024 * 1024;

function commandExists(cmd: string): boolean {
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/') || cmd.includes('\\')) return isFile(cmd);
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((d) => exts.some((e) => isFile(join(d, cmd + e))));
}

/**
 * A failure that came from the user's exec credential plugin (not from the network or the API
 * server): the plugin's own words, said as such. Undefined when `err` is something else.
 */
export function execPluginFailure(kc: KubeConfig, err: unknown): LifeboatError | undefined {
  const user = kc.getCurrentUser() as { name?: string; exec?: { command?: string } } | null;
  if (!user?.exec || err instanceof LifeboatError) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown; name?: string; message?: string };
  if (typeof e?.code === 'number' || typeof e?.statusCode === 'number') return undefined; // the API server answered
  if (typeof e?.code === 'string' && /^E(CONN|HOST|NET|TIMEDOUT|AI_|NOTFOUND|PIPE)|CERT|SELF_SIGNED|UNABLE_TO/.test(e.code)) return undefined;
  const said =
    String(e?.message ?? err)
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(-1)[0]
      ?.slice(0, 300) || 'no message';
  const what = e instanceof SyntaxError ? `printed something that is not an ExecCredential (${said})` : `failed: ${said}`;
  return new LifeboatError(
    'CLUSTER_AUTH_FAILED',
    `The credential plugin "${user.exec.command}" of user "${user.name}" ${what}.`,
    `Run "${user.exec.command}" by hand to see what it needs (a login, a network, a newer version), then connect again.`,
    { command: user.exec.command },
  );
}
