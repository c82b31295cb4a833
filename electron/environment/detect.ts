/**
 * Live environment detection. Watches (client-node ListWatch informers, not polling) the objects
 * compute.ts reads: Deployments, DaemonSets, the three KOTS/kURL ConfigMaps (field-selected by
 * name), Namespaces, kotsadm pods, and Velero BackupStorageLocations. Any change recomputes the
 * Environment (debounced) and emits `environment.changed` when the result differs. The Velero
 * server version comes from a ServerStatusRequest, re-asked when the Velero Deployment changes.
 *
 * A watch that fails is restarted with backoff; a watch the user may not do (403) becomes a
 * problem on the Overview instead of an error.
 */
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Check, Environment } from '../api/contract.js';
import { callEach, type EventBus } from '../events.js';
import type { Journal } from '../journal.js';
import { statusOf, withTimeout } from '../cluster/connection.js';
import { startAttempt } from '../cluster/watchAttempt.js';
import { kubeRest } from '../cluster/rest.js';
import type { SharedWatch, WatchVerb } from '../velero/resources.js';
import { requestServerStatus } from '../velero/serverStatus.js';
import { computeEnvironment, type Snapshot } from './compute.js';
import { type FeedDef, type Source, watchFeeds, watchProblem } from './feeds.js';

export interface DetectorOptions {
  bus?: EventBus;
  kubernetesVersion?: () => string | undefined;
  cliVersion?: () => Promise<string | undefined>;
  serverStatusTimeoutMs?: number;
  /** How long the read of Secret kotsadm-private-registry may take before it is asked again. */
  secretReadTimeoutMs?: number;
  debounceMs?: number;
  /** Where the ServerStatusRequests Lifeboat creates are recorded (Activity). */
  journal?: Journal;
  /** Called when the detected Velero/KOTS namespaces change (permissions are re-checked). */
  onNamespaces?: (ns: { velero?: string; kots?: string }) => void;
}

interface Feed extends FeedDef {
  problem?: Check;
  retry?: NodeJS.Timeout;
  failures: number;
  /** ListWatch.start() resolves even when its list fails (it reports through 'error'), so each
   * attempt is numbered and an attempt counts as good only if no error arrived during it. */
  attempt: number;
  failedAttempt: number;
  forbidden?: boolean;
  /** Listed at least once since start. */
  listed?: boolean;
  lastError?: { status?: number; message: string };
}

export class EnvironmentDetector {
  private feeds: Feed[] = [];
  private current: Environment | null = null;
  private lastKey = '';
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private server: { key?: string; version?: string; problem?: string; pending?: Promise<void> } = {};
  private cliVersion?: string;
  private kc?: KubeConfig;
  private nsKey = '';
  private registrySecret: { namespace?: string; exists?: boolean; pending?: boolean } = {};
  private readonly bslListeners = new Set<(verb: WatchVerb, obj: KubernetesObject) => void>();
  /** VeleroWatch instances waiting for the BackupStorageLocations of a client to list once. */
  private bslWaiters: Array<{ kc: KubeConfig; resolve: () => void }> = [];
  /** The client whose BackupStorageLocations have listed (or failed) once. */
  private bslReadyOn?: KubeConfig;

  /**
   * This detector's watch of BackupStorageLocations, for the backups area's VeleroWatch: the
   * cluster is watched for them once (app.ts restarts this detector on every connection).
   */
  readonly locations: SharedWatch = {
    ready: (kc) => (this.bslReadyOn === kc ? Promise.resolve() : new Promise<void>((resolve) => this.bslWaiters.push({ kc, resolve }))),
    list: (namespace) => this.bslFeed()?.informer.list(namespace) ?? [],
    get: (name, namespace) => this.bslFeed()?.informer.get(name, namespace),
    on: (listener) => {
      this.bslListeners.add(listener);
      return () => this.bslListeners.delete(listener);
    },
    synced: () => {
      const f = this.bslFeed();
      return !!f?.listed && f.failedAttempt !== f.attempt;
    },
    problem: () => {
      const f = this.bslFeed();
      if (!f) return { message: 'not watching (not connected)' };
      return f.failedAttempt === f.attempt ? f.lastError : undefined;
    },
  };

  constructor(private readonly opts: DetectorOptions = {}) {}

  get(): Environment | null {
    return this.current;
  }

  /** Starts watching; resolves once every watch has listed (or failed) and a first result exists. */
  async start(kc: KubeConfig): Promise<Environment | null> {
    await this.stop();
    this.stopped = false;
    this.kc = kc;
    this.feeds = watchFeeds(kc).map((d) => ({ ...d, failures: 0, attempt: 0, failedAttempt: -1 }));
    for (const f of this.feeds) {
      for (const verb of ['add', 'update', 'delete'] as const) f.informer.on(verb, (obj) => this.changed(f, verb, obj));
      f.informer.on('error', (err) => this.failed(f, err));
    }
    this.settleWaiters(kc, false);
    await Promise.all(this.feeds.map((f) => this.attempt(f).then(() => f.source === 'bsls' && this.feeds.includes(f) && this.settleWaiters(kc, true))));
    if (this.opts.cliVersion) this.cliVersion = await this.opts.cliVersion().catch(() => undefined);
    await this.recompute(true);
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bslReadyOn = undefined;
    clearTimeout(this.timer);
    const feeds = this.feeds;
    this.feeds = [];
    for (const f of feeds) clearTimeout(f.retry);
    await Promise.all(feeds.map((f) => f.informer.stop().catch(() => {})));
    this.server = {};
    this.nsKey = '';
    this.registrySecret = {};
  }

  /** Forget the cached server version and recompute now. */
  async refresh(): Promise<Environment | null> {
    if (this.stopped) return this.current;
    this.server = {};
    await this.recompute(true);
    return this.current;
  }

  /** Cluster gone: stop and publish null. */
  async clear(): Promise<void> {
    await this.stop();
    this.settleWaiters(undefined, false);
    if (this.current !== null) {
      this.current = null;
      this.lastKey = '';
      this.opts.bus?.emit('environment.changed', null);
    }
  }

  private bslFeed(): Feed | undefined {
    return this.feeds.find((f) => f.source === 'bsls');
  }

  private changed(f: Feed, verb: WatchVerb, obj: KubernetesObject): void {
    this.schedule();
    if (f.source === 'bsls') callEach(this.bslListeners, verb, obj);
  }

  /**
   * Releases the waiters of other clients (their watch was replaced or stopped) and, once `kc`'s
   * BackupStorageLocations have listed or failed once (`listed`), those of `kc`.
   */
  private settleWaiters(kc: KubeConfig | undefined, listed: boolean): void {
    if (listed) this.bslReadyOn = kc;
    const waiting = this.bslWaiters;
    this.bslWaiters = waiting.filter((w) => w.kc === kc && !listed);
    for (const w of waiting) if (!this.bslWaiters.includes(w)) w.resolve();
  }

  private async attempt(f: Feed): Promise<void> {
    if ((await startAttempt(f, (err) => this.failed(f, err))) && this.feeds.includes(f) && !this.stopped) {
      // listed and watching again
      f.listed = true;
      f.lastError = undefined;
      if (f.problem || f.failures) {
        f.failures = 0;
        f.problem = undefined;
        f.forbidden = false;
        this.schedule();
      }
    }
  }

  private failed(f: Feed, err: unknown): void {
    f.failedAttempt = f.attempt;
    if (this.stopped || !this.feeds.includes(f)) return;
    const status = statusOf(err);
    f.failures++;
    f.forbidden = status === 403;
    f.lastError = { status, message: (err as Error)?.message?.split('\n')[0] ?? String(err) };
    f.problem = watchProblem(f.source, f.what, err, status);
    this.schedule();
    clearTimeout(f.retry);
    const delay = Math.min(60_000, (f.source === 'bsls' && status === 404 ? 15_000 : 1000) * 2 ** Math.min(f.failures - 1, 5));
    f.retry = setTimeout(() => {
      if (this.stopped || !this.feeds.includes(f)) return;
      void this.attempt(f);
    }, delay);
    f.retry.unref?.();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.recompute(false), this.opts.debounceMs ?? 200);
  }

  private snapshot(): Snapshot {
    const out: Snapshot = {
      deployments: [],
      statefulsets: [],
      daemonsets: [],
      configmaps: [],
      namespaces: [],
      kotsadmPods: [],
      bsls: [],
      watchProblems: [],
      blind: [],
    };
    const mutable = out as unknown as Record<Source, KubernetesObject[]> & { watchProblems: Check[]; blind: Source[] };
    for (const f of this.feeds) {
      mutable[f.source].push(...(f.informer.list() as KubernetesObject[]));
      if (f.problem) mutable.watchProblems.push(f.problem);
      if (f.forbidden) mutable.blind.push(f.source);
    }
    return out;
  }

  private async recompute(awaitServer: boolean): Promise<void> {
    if (this.stopped) return;
    let snap = this.snapshot();
    let env = computeEnvironment(snap, this.extras());
    this.announceNamespaces(env);
    this.checkRegistrySecret(env);
    const p = this.ensureServerVersion(env, snap);
    if (p && awaitServer) {
      await p;
      if (this.stopped) return;
      snap = this.snapshot();
      env = computeEnvironment(snap, this.extras());
    }
    this.publish(env);
  }

  private extras() {
    return {
      kubernetesVersion: this.opts.kubernetesVersion?.(),
      cliVersion: this.cliVersion,
      serverVersion: this.server.version,
      serverVersionProblem: this.server.problem,
      registryHasCredentials: this.registrySecret.exists,
    };
  }

  private announceNamespaces(env: Environment): void {
    const key = `${env.velero.namespace ?? ''}|${env.kots.namespace ?? ''}`;
    if (key !== this.nsKey) {
      this.nsKey = key;
      this.opts.onNamespaces?.({ velero: env.velero.namespace, kots: env.kots.namespace });
    }
  }

  /** Once per KOTS namespace: does Secret kotsadm-private-registry exist? (Its data is not kept.) */
  private checkRegistrySecret(env: Environment): void {
    const ns = env.kots.registry ? env.kots.namespace : undefined;
    if (!ns || !this.kc || this.registrySecret.namespace === ns) return;
    const state: typeof this.registrySecret = { namespace: ns, pending: true };
    this.registrySecret = state;
    // Bounded: a request the API server never answers (busy, restarting) would otherwise hold
    // this one-shot read, and KOTS's credentials would stay unoffered until Lifeboat restarts.
    const timeoutMs = this.opts.secretReadTimeoutMs ?? 10_000;
    withTimeout(
      this.kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'kotsadm-private-registry', namespace: ns }),
      timeoutMs,
      () => new Error(`reading Secret kotsadm-private-registry took over ${timeoutMs} ms`),
    )
      .then(
        () => (state.exists = true),
        (err) => (state.exists = statusOf(err) === 404 ? false : undefined),
      )
      .finally(() => {
        state.pending = false;
        if (this.registrySecret === state) this.schedule();
        // Secrets are not watched (Lifeboat keeps no Secret data): while the answer is not "it
        // exists", ask again a little later — KOTS may create it after its ConfigMap, or the API
        // server may not have answered — instead of leaving KOTS's credentials unoffered.
        if (state.exists !== true) {
          setTimeout(
            () => {
              if (this.registrySecret === state && !this.stopped) {
                this.registrySecret = {};
                this.schedule();
              }
            },
            state.exists === false ? 10_000 : 3_000,
          ).unref?.();
        }
      });
  }

  /** (Re)asks the server when the Velero Deployment changed; returns the pending request, if any. */
  private ensureServerVersion(env: Environment, snap: Snapshot): Promise<void> | undefined {
    const ns = env.velero.namespace;
    if (!env.velero.installed || !ns || !this.kc) {
      this.server = {};
      return undefined;
    }
    const d = snap.deployments.find((x) => x.metadata?.namespace === ns && x.metadata?.name === 'velero');
    const key = `${ns}|${env.velero.image}|${d?.metadata?.generation}|${env.velero.ready}`;
    if (this.server.key === key) return this.server.pending;
    if (!env.velero.ready) {
      this.server = { key, problem: `The Velero server in ${ns} is not running, so it could not be asked for its version.` };
      return undefined;
    }
    const api = kubeRest(this.kc, { journal: this.opts.journal });
    const state: typeof this.server = { key };
    this.server = state;
    state.pending = requestServerStatus(api, ns, { timeoutMs: this.opts.serverStatusTimeoutMs ?? 10_000 })
      .then((s) => {
        state.version = s.serverVersion;
      })
      .catch((err) => {
        state.problem = statusOf(err) === 403 ? `This user may not create ServerStatusRequests in ${ns}.` : (err as Error).message;
      })
      .finally(() => {
        state.pending = undefined;
        if (this.server === state) this.schedule();
      });
    return state.pending;
  }

  private publish(env: Environment): void {
    const key = JSON.stringify({ ...env, detectedAt: undefined });
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.current = env;
    this.opts.bus?.emit('environment.changed', env);
  }
}
