/**
 * The cluster connection as a service: which kubeconfig and context, whether the API server answers,
 * which permissions the user lacks. Publishes `cluster.changed`; reloads when the kubeconfig file
 * changes. Failures to connect are part of the status (state "error" with code, message and hint),
 * because the operator needs to see them on screen, not as a dialog.
 */
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterStatus, KubeconfigSource } from '../api/contract.js';
import { LifeboatError, toErrorData } from '../api/errors.js';
import type { EventBus } from '../events.js';
import { currentServer, DEFAULT_PROBE_TIMEOUT_MS, mapClusterError, probe } from './connection.js';
import {
  checkClientCertificate,
  checkReferencedFiles,
  defaultKubeconfig,
  discoverKubeconfigs,
  loadKubeconfig,
  useContext,
  watchKubeconfig,
  type LoadedKubeconfig,
} from './kubeconfig.js';
import { checkPermissions, missing, type Namespaces } from './permissions.js';

export interface ClusterServiceOptions {
  bus?: EventBus;
  env?: NodeJS.ProcessEnv;
  home?: string;
  probeTimeoutMs?: number;
  watchDebounceMs?: number;
}

export class ClusterService {
  private loaded?: LoadedKubeconfig;
  private chosenPath?: string;
  private current: ClusterStatus = { state: 'disconnected', contexts: [], permissions: [], missingPermissions: [] };
  private stopWatch?: () => void;
  private namespaces: Namespaces = {};
  private readonly listeners = new Set<(kc: KubeConfig | undefined) => void>();
  private generation = 0;

  constructor(private readonly opts: ClusterServiceOptions = {}) {}

  kubeconfigs(): KubeconfigSource[] {
    const list = discoverKubeconfigs({ env: this.opts.env, home: this.opts.home });
    if (this.chosenPath && !list.some((s) => s.path === this.chosenPath)) {
      list.push({ path: this.chosenPath, origin: 'chosen', exists: true });
    }
    return list;
  }

  status(): ClusterStatus {
    return this.current;
  }

  /** The connected KubeConfig, or NOT_CONNECTED. */
  kubeConfig(): KubeConfig {
    if (this.current.state !== 'connected' || !this.loaded) {
      throw new LifeboatError('NOT_CONNECTED', 'Lifeboat is not connected to a cluster.', 'Choose a kubeconfig and context on the Cluster screen.');
    }
    return this.loaded.kc;
  }

  isConnected(): boolean {
    return this.current.state === 'connected';
  }

  /** Called with the new KubeConfig on every (re)connect, and undefined on disconnect. */
  onConnectionChange(fn: (kc: KubeConfig | undefined) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Detection tells us the Velero and KOTS namespaces; permissions are re-checked against them. */
  async setNamespaces(ns: Namespaces): Promise<void> {
    if (ns.velero === this.namespaces.velero && ns.kots === this.namespaces.kots) return;
    this.namespaces = ns;
    if (this.current.state !== 'connected' || !this.loaded) return;
    const gen = this.generation;
    try {
      const permissions = await checkPermissions(this.loaded.kc.makeApiClient(AuthorizationV1Api), ns);
      if (gen !== this.generation) return;
      this.set({ ...this.current, permissions, missingPermissions: missing(permissions) });
    } catch {
      // keep the previous answer; a broken connection shows up through the probe
    }
  }

  async connect(input: { kubeconfigPath?: string; context?: string } = {}): Promise<ClusterStatus> {
    const gen = ++this.generation;
    let path = input.kubeconfigPath;
    if (!path) {
      path = this.loaded?.path ?? defaultKubeconfig(this.kubeconfigs())?.path;
    }
    if (!path) {
      return this.fail(
        gen,
        new LifeboatError(
          'KUBECONFIG_MISSING',
          'Lifeboat found no kubeconfig on this machine.',
          "Choose a kubeconfig file, set KUBECONFIG, or copy your cluster's admin kubeconfig to ~/.kube/config.",
        ),
      );
    }
    if (input.kubeconfigPath && !discoverKubeconfigs({ env: this.opts.env, home: this.opts.home }).some((s) => s.path === input.kubeconfigPath)) {
      this.chosenPath = input.kubeconfigPath;
    }
    this.set({ ...this.current, state: 'connecting', kubeconfigPath: path, context: input.context ?? this.current.context, error: undefined });
    let loaded: LoadedKubeconfig;
    try {
      loaded = loadKubeconfig(path);
      const context = input.context ?? (input.kubeconfigPath ? undefined : this.current.context) ?? loaded.currentContext ?? loaded.contexts[0]?.name;
      if (context) useContext(loaded, context);
    } catch (err) {
      this.loaded = undefined;
      this.watch(path);
      return this.fail(gen, err, { kubeconfigPath: path, contexts: [] });
    }
    this.loaded = loaded;
    this.watch(path);
    return this.check(gen);
  }

  async useContext(context: string): Promise<ClusterStatus> {
    if (!this.loaded) {
      const path = this.current.kubeconfigPath;
      if (!path) throw new LifeboatError('NOT_CONNECTED', 'Choose a kubeconfig before choosing a context.', 'Pick a kubeconfig on the Cluster screen first.');
      return this.connect({ kubeconfigPath: path, context });
    }
    useContext(this.loaded, context); // CONTEXT_UNKNOWN is a bad request: thrown, status unchanged
    return this.check(++this.generation);
  }

  disconnect(): ClusterStatus {
    this.generation++;
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.loaded = undefined;
    this.set({ state: 'disconnected', contexts: [], permissions: [], missingPermissions: [] });
    for (const l of this.listeners) l(undefined);
    return this.current;
  }

  dispose(): void {
    this.stopWatch?.();
  }

  private async check(gen: number): Promise<ClusterStatus> {
    const loaded = this.loaded!;
    const kc = loaded.kc;
    const context = kc.getCurrentContext();
    const base: ClusterStatus = {
      state: 'connecting',
      kubeconfigPath: loaded.path,
      context,
      contexts: loaded.contexts,
      server: currentServer(kc),
      user: kc.getCurrentUser()?.name,
      permissions: [],
      missingPermissions: [],
    };
    this.set(base);
    try {
      checkReferencedFiles(kc, loaded.path);
      checkClientCertificate(kc);
      const { gitVersion } = await probe(kc, this.opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
      if (gen !== this.generation) return this.current;
      let permissions: ClusterStatus['permissions'] = [];
      try {
        permissions = await checkPermissions(kc.makeApiClient(AuthorizationV1Api), this.namespaces);
      } catch (err) {
        const e = mapClusterError(err, { server: base.server, user: base.user, action: 'check its permissions' });
        if (e.code === 'CLUSTER_AUTH_FAILED' || e.code === 'CERTIFICATE_EXPIRED') throw e;
        // SelfSubjectAccessReview itself unavailable: connected, permissions unknown
      }
      if (gen !== this.generation) return this.current;
      this.set({
        ...base,
        state: 'connected',
        kubernetesVersion: gitVersion,
        permissions,
        missingPermissions: missing(permissions),
        checkedAt: new Date().toISOString(),
      });
      for (const l of this.listeners) l(kc);
      return this.current;
    } catch (err) {
      return this.fail(gen, err, base);
    }
  }

  private fail(gen: number, err: unknown, base: Partial<ClusterStatus> = {}): ClusterStatus {
    if (gen !== this.generation) return this.current;
    const e = toErrorData(err);
    this.set({
      ...this.current,
      ...base,
      state: 'error',
      permissions: [],
      missingPermissions: [],
      kubernetesVersion: undefined,
      error: { code: e.code, message: e.message, hint: e.hint },
      checkedAt: new Date().toISOString(),
    });
    for (const l of this.listeners) l(undefined);
    return this.current;
  }

  private watch(path: string): void {
    this.stopWatch?.();
    this.stopWatch = watchKubeconfig(
      path,
      () => {
        if (this.current.state === 'disconnected') return;
        void this.connect({ kubeconfigPath: path, context: this.current.context }).then((s) => {
          // the context we were on is gone from the file: fall back to the file's current one
          if (s.error?.code === 'CONTEXT_UNKNOWN') void this.connect({ kubeconfigPath: path });
        });
      },
      this.opts.watchDebounceMs,
    );
  }

  private set(s: ClusterStatus): void {
    this.current = s;
    this.opts.bus?.emit('cluster.changed', s);
  }
}
