/**
 * The disaster-recovery restore wizard as an explicit state machine:
 *
 *   situation → backup → type → (registry) → confirm → run → verify → report
 *
 * The wizard (and the run with its ordered steps) is persisted in the data directory BEFORE each
 * step runs (machine.ts over state.ts, which also holds the order and the allowed moves), so
 * closing Lifeboat mid-restore and opening it again re-attaches to the Velero Restores already
 * running and never starts a second restore.
 *
 * This class is the workflow's face towards the contract (handlers.ts); each concern is its own
 * module, all sharing the one WizardMachine:
 *
 *   situation, backup, type, back, reset   wizard-steps.ts (backup-choice.ts, storage.ts)
 *   registry                               registry-flow.ts (registry-step.ts)
 *   confirm                                preview.ts (impact.ts, apps.ts)
 *   run                                    launch.ts → follower.ts → run-step.ts (kinds.ts, progress.ts)
 *   verify, report                         verify.ts, report-file.ts (report.ts)
 *
 * The CLI's word is never trusted (kots cmd/kots/cli/restore.go, pkg/snapshot/restore.go and
 * pkg/kotsadmsnapshot/restore.go at v1.131.4): success means the Velero Restores exist and ended
 * Completed, and the admin console and the application's workloads are ready afterwards.
 */
import type {
  RestoreBackup,
  RestoreImpact,
  RestoreRegistryArchive,
  RestoreRegistryPlan,
  RestoreReport,
  RestoreSituation,
  RestoreStep,
  RestoreStorage,
  RestoreType,
  RestoreWizard,
} from '../../api/contract.js';
import { newRegistryService } from '../registry/handlers.js';
import type { Services } from '../services.js';
import { restoreCluster, type RestoreCluster } from './access.js';
import { listBackups, readBackups, type BackupsRead } from './backup-choice.js';
import { Follower } from './follower.js';
import { Launcher } from './launch.js';
import { WizardMachine } from './machine.js';
import { previewRestore } from './preview.js';
import { RegistryFlow, type RestoreRegistry } from './registry-flow.js';
import { ReportFiles } from './report-file.js';
import { StepRunner } from './run-step.js';
import { requireStep, WizardStore } from './state.js';
import { readStorage } from './storage.js';
import { withDefaults, type RestoreTimeouts } from './timeouts.js';
import { Verifier } from './verify.js';
import { WizardSteps } from './wizard-steps.js';

export { DEFAULT_TIMEOUTS, type RestoreTimeouts } from './timeouts.js';
export { flattenResults, logExcerpt } from './verify.js';

export interface RestoreOptions {
  timeouts?: Partial<RestoreTimeouts>;
  /** Written into restore reports. */
  appVersion?: string;
  /** The app's RegistryService (app.ts); without one this service makes its own on first use. */
  registry?: RestoreRegistry;
}

export class RestoreService {
  private readonly m: WizardMachine;
  private readonly cluster: RestoreCluster;
  private readonly steps: WizardSteps;
  private readonly registry: RegistryFlow;
  private readonly launcher: Launcher;
  private readonly follower: Follower;
  private readonly reports: ReportFiles;
  private readonly offConnection: () => void;

  constructor(
    private readonly s: Services,
    opts: RestoreOptions = {},
  ) {
    this.m = new WizardMachine(new WizardStore(s.dataDir), (w) => s.bus.emit('restore.changed', w));
    const t = withDefaults(opts.timeouts);
    const m = this.m;
    const cluster = (this.cluster = restoreCluster(s, () => m.wizard));
    const env = () => s.detector.get();
    this.reports = new ReportFiles(m, s.dataDir, opts.appVersion ?? '0.0.0');
    this.steps = new WizardSteps(m, { env, readBackups: () => this.readBackups(), backup: (name) => cluster.velero().backup(name) });
    let own: RestoreRegistry | undefined;
    this.registry = new RegistryFlow(m, () => opts.registry ?? (own ??= newRegistryService(s)));
    const runner = new StepRunner(m, { tools: s.tools, velero: (ns) => cluster.velero(ns), timeouts: t });
    const verifier = new Verifier({ kube: () => cluster.kube(), velero: (ns) => cluster.velero(ns), pollMs: t.pollMs, isCurrent: (gen) => m.isCurrent(gen) });
    this.follower = new Follower(m, {
      isConnected: () => s.cluster.isConnected(),
      server: () => s.cluster.status().server,
      runStep: (gen, i) => runner.run(gen, i),
      verify: (run, waitMs, gen) => verifier.verify(run, waitMs, gen),
      velero: (ns) => cluster.velero(ns),
      writeReport: () => void this.reports.write(),
      readyMs: t.readyMs,
    });
    this.launcher = new Launcher(m, {
      env,
      readBackups: () => this.readBackups(),
      velero: () => cluster.velero(),
      kube: () => cluster.kube(),
      server: () => s.cluster.status().server,
      veleroNamespace: () => cluster.veleroNamespace(),
      attach: () => this.follower.attach(),
    });
    this.offConnection = s.cluster.onConnectionChange((kc) => {
      this.follower.detach();
      if (kc) this.follower.attach();
    });
    if (s.cluster.isConnected()) this.follower.attach();
  }

  // ------------------------------------------------------------------ wizard steps

  state(): RestoreWizard {
    this.follower.attach();
    return this.m.wizard;
  }

  setSituation(situation: RestoreSituation, readOnlyDuringRestore?: boolean): RestoreWizard {
    return this.steps.setSituation(situation, readOnlyDuringRestore);
  }

  async storage(): Promise<RestoreStorage> {
    return readStorage(this.s.detector.get(), this.cluster.veleroNamespace(), () => this.cluster.velero());
  }

  async backups(): Promise<RestoreBackup[]> {
    return listBackups(await this.readBackups());
  }

  async selectBackup(name: string): Promise<RestoreWizard> {
    return this.steps.selectBackup(name);
  }

  async selectType(type: RestoreType): Promise<RestoreWizard> {
    return this.steps.selectType(type);
  }

  // ------------------------------------------------------------------ registry step (rebuilt cluster)

  async registryArchives(): Promise<RestoreRegistryArchive[]> {
    return this.registry.archives();
  }

  async registryPlan(source: string, caPath?: string): Promise<RestoreRegistryPlan> {
    return this.registry.plan(source, caPath);
  }

  async registryReseed(source: string, caPath?: string): Promise<RestoreWizard> {
    return this.registry.reseed(source, caPath);
  }

  registrySkip(): RestoreWizard {
    return this.registry.skip();
  }

  registryContinue(): RestoreWizard {
    return this.registry.continue();
  }

  back(step: RestoreStep): RestoreWizard {
    return this.steps.back(step);
  }

  reset(): RestoreWizard {
    return this.steps.reset();
  }

  // ------------------------------------------------------------------ confirm, run, verify, report

  async preview(): Promise<RestoreImpact> {
    requireStep(this.m.wizard, 'confirm');
    return previewRestore({
      wizard: () => this.m.wizard,
      kube: () => this.cluster.kube(),
      velero: () => this.cluster.velero(),
      kotsNamespace: () => this.s.detector.get()?.kots.namespace,
    });
  }

  /** Starts the restore after every check; resolves once the run is persisted and started. */
  async start(confirm: string): Promise<RestoreWizard> {
    return this.launcher.start(confirm);
  }

  /** Runs an interrupted or failed step again, after the operator confirms again. */
  async resume(confirm: string): Promise<RestoreWizard> {
    return this.launcher.resume(confirm);
  }

  async verify(): Promise<RestoreWizard> {
    return this.follower.recheck();
  }

  report(): RestoreReport {
    return this.reports.report();
  }

  dispose(): void {
    this.follower.detach();
    this.offConnection();
  }

  /** Resolves when the current follower stops (tests). */
  async settled(): Promise<void> {
    await this.follower.settled();
  }

  private async readBackups(): Promise<BackupsRead> {
    return readBackups(this.s.detector.get(), () => this.cluster.velero());
  }
}
