/**
 * Starting a run and running a stopped one again. Everything is checked first — the typed
 * confirmation, the backup still restorable, no restore of ours or anyone's in progress (two at once
 * could leave the cluster half one backup, half the other), Velero ready — and only then is the
 * run persisted with its steps pending; the follower (follower.ts) does the rest.
 */
import type { Environment, RestoreRun, RestoreWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { appSlugsOf, installedApps } from './apps.js';
import { refuseIneligible, type BackupsRead } from './backup-choice.js';
import { findBackupRow } from './groups.js';
import { appsInRestore } from './impact.js';
import { stepsFor } from './kinds.js';
import type { KubeJson } from '../../cluster/rest.js';
import type { WizardMachine } from './machine.js';
import { requireStep, runActive } from './state.js';
import { type VeleroReader } from './velero.js';
import { isTerminalRestore, type VeleroBackup } from '../../velero/types.js';

export const IN_PROGRESS_HINT = 'Wait for it to finish (Velero restores cannot be stopped halfway safely), then start again.';

export interface LaunchDeps {
  env(): Environment | null | undefined;
  readBackups(): Promise<BackupsRead>;
  velero(): Pick<VeleroReader, 'restores'>;
  kube(): Pick<KubeJson, 'getOrUndefined'>;
  /** The API server connected now: the run follows only that one. */
  server(): string | undefined;
  veleroNamespace(): string;
  /** Begin following the persisted run. */
  attach(): void;
}

export class Launcher {
  constructor(
    private readonly m: WizardMachine,
    private readonly d: LaunchDeps,
  ) {}

  /** Starts the restore after every check; resolves once the run is persisted and started. */
  async start(confirm: string): Promise<RestoreWizard> {
    requireStep(this.m.wizard, 'run');
    checkConfirm(this.m.wizard, confirm);
    const { list, ctx } = await this.d.readBackups();
    const b = list.find((x) => x.metadata.name === this.m.wizard.backup);
    if (!b) throw new LifeboatError('BACKUP_NOT_RESTORABLE', `Backup ${this.m.wizard.backup} is gone from this cluster.`, 'Go back and pick another backup.');
    refuseIneligible(findBackupRow(list, b.metadata.name)!, ctx);
    await refuseInProgress(this.m.wizard, this.d.velero);
    const env = this.d.env();
    if (env && !env.velero.ready && env.velero.installed) {
      throw new LifeboatError(
        'VELERO_NOT_READY',
        'The Velero server is not ready, so nothing would restore.',
        'Check the velero Deployment in the Overview, then try again.',
      );
    }
    const run = await this.newRun(b, env);
    this.m.save({ ...this.m.wizard, step: 'run', run });
    this.d.attach();
    return this.m.wizard;
  }

  private async newRun(b: VeleroBackup, env: Environment | null | undefined): Promise<RestoreRun> {
    const type = this.m.wizard.type!;
    const kotsadmNamespace = b.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] ?? env?.kots.namespace ?? 'default';
    // KOTS creates `<backup>.<slug>` for the apps it decides on (impact.ts appsInRestore); the ones
    // verified afterwards are those that come back.
    const slugsOf = () => appSlugsOf(b, this.m.wizard.appSlug);
    const who = appsInRestore(type, slugsOf(), type === 'app' ? await installedApps(this.d.kube(), slugsOf()) : undefined);
    const appSlugs = who.comesBack.length ? who.comesBack : slugsOf();
    const backup = b.metadata.name;
    return {
      id: `${backup}-${Date.now().toString(36)}`,
      backup,
      type,
      appSlugs,
      server: this.d.server(),
      kotsadmNamespace,
      veleroNamespace: this.d.veleroNamespace(),
      startedAt: new Date().toISOString(),
      state: 'running',
      steps: stepsFor(type, backup, who.restoreNames),
      restores: [],
    };
  }

  /** Runs an interrupted or failed step again, after the operator confirms again. */
  async resume(confirm: string): Promise<RestoreWizard> {
    const run = this.m.wizard.run;
    if (!run || runActive(this.m.wizard)) {
      throw new LifeboatError(
        run ? 'RESTORE_IN_PROGRESS' : 'WIZARD_OUT_OF_ORDER',
        run ? 'The restore is still running.' : 'There is no restore to continue.',
        run ? IN_PROGRESS_HINT : 'Start a restore from the Restore screen.',
      );
    }
    const idx = run.steps.findIndex((s) => s.state === 'interrupted' || s.state === 'failed');
    if (idx < 0) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Every step of this restore already finished.', 'Start a new restore if you need another one.');
    checkConfirm(this.m.wizard, confirm);
    await refuseInProgress(this.m.wizard, this.d.velero);
    this.m.save({ ...this.m.wizard, step: 'run', run: rerunFrom(run, idx) });
    this.d.attach();
    return this.m.wizard;
  }
}

/** The run with step `idx` and every later one pending again; the earlier ones keep their result. */
export function rerunFrom(run: RestoreRun, idx: number): RestoreRun {
  const steps = run.steps.map((s, i) => (i >= idx ? { ...s, state: 'pending' as const, message: undefined, runId: undefined, finishedAt: undefined } : s));
  return { ...run, state: 'running', steps, error: undefined, finishedAt: undefined, verification: undefined };
}

/** The operator types the app's slug (the backup's name when there is no app) to restore. */
export function checkConfirm(w: RestoreWizard, confirm: string): void {
  const slug = w.type === 'admin-console' && !w.appSlug ? w.backup : w.appSlug;
  if (confirm.trim() !== slug) {
    throw new LifeboatError(
      'CONFIRMATION_MISMATCH',
      `The confirmation does not match: type "${slug}" exactly to restore.`,
      'This guards against restoring by accident; nothing was changed.',
    );
  }
}

export async function refuseInProgress(w: RestoreWizard, velero: () => Pick<VeleroReader, 'restores'>): Promise<void> {
  if (runActive(w)) {
    throw new LifeboatError('RESTORE_IN_PROGRESS', `A restore from backup ${w.run!.backup} is already running.`, IN_PROGRESS_HINT);
  }
  const running = (await velero().restores()).filter((r) => !isTerminalRestore(r.status?.phase));
  if (running.length) {
    throw new LifeboatError(
      'RESTORE_IN_PROGRESS',
      `Velero is already running restore ${running.map((r) => `${r.metadata.name} (${r.status?.phase || 'New'})`).join(', ')}. Two restores at once could leave the cluster half one, half the other.`,
      IN_PROGRESS_HINT,
      { restores: running.map((r) => r.metadata.name) },
    );
  }
}
