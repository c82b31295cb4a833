/**
 * Builds Lifeboat's services once and maps every contract method to one of them. The same App
 * serves both transports (Electron IPC and web mode); it knows nothing about either.
 */
import { randomUUID } from 'node:crypto';
import type { AppInfo } from './api/contract.js';
import { buildVerification } from './buildInfo.js';
import { loadConfig, type StartConfig } from './config.js';
import { ClusterService } from './cluster/service.js';
import { EnvironmentDetector } from './environment/detect.js';
import { EventBus } from './events.js';
import { Journal } from './journal.js';
import { onStateFileMovedAside } from './stateFile.js';
import { Binaries } from './tools/binaries.js';
import { ToolRunner } from './tools/runner.js';
import { Tools } from './tools/tools.js';
import type { Handlers } from './transport/dispatch.js';
import type { Services } from './workflows/services.js';
import { setupHandlers } from './workflows/setup/handlers.js';
import { backupsHandlers } from './workflows/backups/handlers.js';
import { restoreHandlers } from './workflows/restore/handlers.js';
import { registryHandlers } from './workflows/registry/handlers.js';
import { RegistryService } from './workflows/registry/service.js';

export interface AppOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  version: string;
  /** LIFEBOAT_TOOLS_DIR override. */
  toolsDir?: string;
  packaged?: boolean;
  resourcesPath?: string;
  repoRoot?: string;
  /** Connect to this kubeconfig/context at start (web mode's --kubeconfig/--context). */
  kubeconfig?: string;
  context?: string;
  /** Connect at start even without --kubeconfig, using the first kubeconfig found. */
  autoConnect?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Packaged: honour LIFEBOAT_* overrides (--allow-dev-overrides); else they are ignored (devOverrides.ts). */
  allowDevOverrides?: boolean;
  /** The configuration the entry point parsed at start (config.ts); else parsed here from `env`. */
  start?: StartConfig;
  /** Electron only (main.ts → electron/desktop/): native file dialogs and "Show in folder". Without it both answer "not available". */
  desktop?: DesktopHandlers;
}

export type DesktopHandlers = Pick<Handlers, 'app.choosePath' | 'app.showInFolder'>;

/** What web mode (or any App without a desktop) answers: not available, as data; the typed path field stays. */
function desktopHandlers(desktop: DesktopHandlers | undefined): DesktopHandlers {
  const reason = 'Not available here (web mode): type the path instead.';
  return desktop ?? { 'app.choosePath': () => ({ available: false, path: null, reason }), 'app.showInFolder': () => ({ shown: false, reason }) };
}

/** The running app: the services it built for the workflows (not their data directory and
 * environment, which it was given), and the handlers it wired. */
export interface App extends Omit<Services, 'dataDir' | 'env'> {
  handlers: Handlers;
  /** Connects if asked to; resolves when the first status is known. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Activity says so when a state file found torn or foreign is moved aside by its store (stateFile.ts). */
function reportMovedAside(journal: Journal, dataDir: string): () => void {
  return onStateFileMovedAside(dataDir, (m) => {
    journal.record({
      id: randomUUID(),
      startedAt: m.at,
      finishedAt: m.at,
      tool: 'lifeboat',
      args: ['read', m.file],
      exitCode: null,
      outcome: 'failed',
      summary: `${m.file} ${m.reason}. ${m.movedTo ? `Kept as ${m.movedTo}` : 'It could not be moved aside'}; ${m.consequence}.`,
    });
  });
}

type CoreHandlerName =
  | 'app.info'
  | 'cluster.kubeconfigs'
  | 'cluster.status'
  | 'cluster.connect'
  | 'cluster.useContext'
  | 'cluster.disconnect'
  | 'environment.get'
  | 'environment.refresh'
  | 'tools.list'
  | 'activity.list'
  | 'activity.output'
  | 'activity.cancel';

/** The app's own methods (info, connection, environment, tools, activity); `detecting` is the detection in flight. */
function coreHandlers(
  { cluster, detector, binaries, runner, journal }: Services,
  opts: AppOptions,
  overrides: StartConfig['overrides'],
  detecting: () => Promise<unknown>,
): Pick<Handlers, CoreHandlerName> {
  return {
    'app.info': () => ({
      version: opts.version,
      mode: opts.mode,
      platform: `${process.platform}-${process.arch}`,
      dataDir: opts.dataDir,
      ...(overrides.active.length ? { devOverrides: overrides.active } : {}),
      ...buildVerification({ env: overrides.env, toolsDir: opts.toolsDir }),
    }),
    'cluster.kubeconfigs': () => cluster.kubeconfigs(),
    'cluster.status': () => cluster.status(),
    'cluster.connect': (input) => cluster.connect(input),
    'cluster.useContext': ({ context }) => cluster.useContext(context),
    'cluster.disconnect': () => cluster.disconnect(),
    'environment.get': async () => {
      await detecting();
      return detector.get();
    },
    'environment.refresh': async () => {
      cluster.kubeConfig(); // NOT_CONNECTED when there is nothing to detect
      await detecting();
      return detector.refresh();
    },
    'tools.list': () => binaries.list(),
    'activity.list': ({ limit }) => journal.list(limit),
    'activity.output': ({ runId }) => runner.output(runId),
    'activity.cancel': ({ runId }) => ({ cancelled: runner.cancel(runId) }),
  };
}

export function createApp(options: AppOptions): App {
  const { config, overrides } = options.start ?? loadConfig(options.env ?? process.env, { packaged: !!options.packaged, allowed: !!options.allowDevOverrides });
  const opts: AppOptions = { ...options, ...(options.packaged && !options.allowDevOverrides ? { toolsDir: undefined } : {}) };
  const bus = new EventBus();
  const journal = new Journal(opts.dataDir, bus);
  const stopMovedAside = reportMovedAside(journal, opts.dataDir);
  const runner = new ToolRunner({ journal, bus });
  const binaries = new Binaries({ overrideDir: opts.toolsDir, packaged: opts.packaged, resourcesPath: opts.resourcesPath, repoRoot: opts.repoRoot });
  const cluster = new ClusterService({ bus, env: overrides.env });
  const tools = new Tools(binaries, runner, () => ({ kubeconfigPath: cluster.status().kubeconfigPath, context: cluster.status().context }));
  const detector = new EnvironmentDetector({
    bus,
    kubernetesVersion: () => cluster.status().kubernetesVersion,
    cliVersion: () => binaries.version('velero').catch(() => undefined),
    onNamespaces: (ns) => void cluster.setNamespaces(ns),
  });

  // Detection follows the connection: every (re)connect restarts the watches on the new client.
  let detecting: Promise<unknown> = Promise.resolve();
  cluster.onConnectionChange((kc) => {
    detecting = detecting
      .then(async () => {
        if (kc) await detector.start(kc);
        else await detector.clear();
      })
      .catch(() => {});
  });

  const services: Services = { bus, cluster, detector, binaries, runner, tools, journal, dataDir: opts.dataDir, env: overrides.env };
  // The app's one RegistryService: the Registry screen, Backups' export and Restore's re-seed share it.
  const registry = new RegistryService(services);

  const handlers: Handlers = {
    ...setupHandlers(services),
    ...backupsHandlers(services, { registry }),
    ...restoreHandlers(services, { registry, appVersion: opts.version, timeouts: config.restoreTimeouts }),
    ...registryHandlers(registry),
    ...desktopHandlers(opts.desktop),
    ...coreHandlers(services, opts, overrides, () => detecting),
  };

  return {
    bus,
    handlers,
    cluster,
    detector,
    binaries,
    runner,
    tools,
    journal,
    async start() {
      if (opts.kubeconfig || opts.context || opts.autoConnect) {
        await cluster.connect({ kubeconfigPath: opts.kubeconfig, context: opts.context });
        await detecting;
      }
    },
    async dispose() {
      stopMovedAside();
      runner.cancelAll();
      cluster.dispose();
      await detector.stop();
    },
  };
}
