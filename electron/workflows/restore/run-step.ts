/**
 * One step of a run: one `kubectl kots restore` call (kinds.ts) followed through Velero until its
 * Restores end. The CLI's word is never trusted (kots cmd/kots/cli/restore.go, pkg/snapshot/restore.go
 * and pkg/kotsadmsnapshot/restore.go at v1.131.4): the step succeeds only when its Velero Restores
 * exist and ended Completed. Each state change is persisted before the next action, so a step found
 * "starting" or "running" after a restart is re-attached to, never started twice.
 */
import type { RestoreRunStep } from '../../api/contract.js';
import { toErrorData } from '../../api/errors.js';
import { parseRestoreOutput, restoreArgs } from '../../kots/restore.js';
import type { Tools } from '../../tools/tools.js';
import { appearWait, componentNoun } from './kinds.js';
import { isNotFound } from '../../cluster/rest.js';
import type { WizardMachine } from './machine.js';
import { mergeProgress, progressOf } from './progress.js';
import { sleep, type RestoreTimeouts } from './timeouts.js';
import { type VeleroReader } from './velero.js';
import { isTerminalRestore, type VeleroRestore } from '../../velero/types.js';

export type StepState = RestoreRunStep['state'];
export type StepVelero = Pick<VeleroReader, 'restore' | 'deleteRestore' | 'podVolumeRestores'>;
type CliResult = { ok: boolean; message?: string };
/** The CLI call of this step when this Lifeboat started it; `result` once it ended. */
type Cli = { result?: CliResult };

export interface StepRunnerDeps {
  tools: Pick<Tools, 'start'>;
  velero(ns: string): StepVelero;
  timeouts: Pick<RestoreTimeouts, 'appearMs' | 'restoreMs' | 'cliMs' | 'pollMs'>;
}

export class StepRunner {
  constructor(
    private readonly m: WizardMachine,
    private readonly d: StepRunnerDeps,
  ) {}

  /** Runs (or re-attaches to) step `i` of the persisted run; resolves with the state it ended in. */
  async run(gen: number, i: number): Promise<StepState> {
    let step = this.m.wizard.run!.steps[i];
    const velero = this.d.velero(this.m.wizard.run!.veleroNamespace);
    let cli: Cli | undefined;
    if (step.state === 'pending') {
      const started = await this.launch(gen, i, velero);
      if (started === 'interrupted') return 'interrupted';
      ({ step, cli } = started);
    } else if (step.state === 'starting') {
      // Closed between persisting the step and starting the command (or while it ran): re-attach.
      step = this.update(gen, i, { state: 'running' });
    }
    return this.follow(gen, i, step, velero, cli);
  }

  private async launch(gen: number, i: number, velero: StepVelero): Promise<{ step: RestoreRunStep; cli: Cli } | 'interrupted'> {
    const run = this.m.wizard.run!;
    let step = run.steps[i];
    const ignoreUids = await this.clearEarlier(step, velero);
    step = this.update(gen, i, { state: 'starting', startedAt: new Date().toISOString(), ignoreUids });
    if (!this.m.isCurrent(gen)) return 'interrupted';
    const args = restoreArgs({ backup: run.backup, scope: step.component === 'app' ? 'app' : 'admin-console', veleroNamespace: run.veleroNamespace });
    const handle = await this.d.tools.start('kubectl-kots', args, {
      timeoutMs: this.d.timeouts.cliMs,
      summary: `Restore the ${componentNoun(step.component)} from backup ${run.backup}`,
    });
    step = this.update(gen, i, { state: 'running', runId: handle.runId });
    const cli: Cli = {};
    void handle.done
      .then(
        (r): CliResult => {
          const out = parseRestoreOutput(r.stdout);
          return out.success ? { ok: true } : { ok: false, message: `kubectl kots restore: ${out.error ?? 'failed without saying why'}` };
        },
        (err): CliResult => ({ ok: false, message: toErrorData(err).message }),
      )
      .then((r) => (cli.result = r));
    return { step, cli };
  }

  /**
   * Restores with our names from earlier runs are replaced by kots; remember them so they are not
   * mistaken for ours. kots deletes and recreates a Restore of the same name, but Velero takes a
   * moment to delete one (its files in the storage go too) and the create then fails; so Lifeboat
   * removes finished ones itself first and waits until they are gone. Their results are in that
   * run's report.
   */
  private async clearEarlier(step: RestoreRunStep, velero: StepVelero): Promise<string[]> {
    const ignoreUids: string[] = [];
    for (const n of step.restoreNames) {
      const r = await velero.restore(n);
      if (!r) continue;
      if (r.metadata.uid) ignoreUids.push(r.metadata.uid);
      if (isTerminalRestore(r.status?.phase)) await velero.deleteRestore(n, this.d.timeouts.appearMs);
    }
    return ignoreUids;
  }

  private async follow(gen: number, i: number, step: RestoreRunStep, velero: StepVelero, cli: Cli | undefined): Promise<StepState> {
    const t = this.d.timeouts;
    const ignore = new Set(step.ignoreUids ?? []);
    let appearDeadline = cli ? Infinity : Date.now() + t.appearMs;
    let cliSettledAt: number | undefined;
    const started = Date.now();
    for (;;) {
      if (!this.m.isCurrent(gen)) return 'interrupted';
      if (cli?.result && cliSettledAt === undefined) {
        cliSettledAt = Date.now();
        appearDeadline = Date.now() + appearWait(step.component, cli.result.ok, t.appearMs);
      }
      const found: VeleroRestore[] = [];
      for (const n of step.restoreNames) {
        const r = await velero.restore(n).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        if (r && !(r.metadata.uid && ignore.has(r.metadata.uid))) found.push(r);
      }
      const backup = this.m.wizard.run!.backup;
      this.merge(gen, await Promise.all(found.map((r) => progressOf(velero, r, step, backup))));
      if (!this.m.isCurrent(gen)) return 'interrupted';

      const allThere = found.length === step.restoreNames.length;
      if (allThere && found.every((r) => isTerminalRestore(r.status?.phase))) return this.ended(gen, i, found, cli?.result);
      if (!allThere && Date.now() > appearDeadline) return this.neverAppeared(gen, i, step, found, cli);
      if (Date.now() - started > t.restoreMs) {
        this.update(gen, i, {
          state: 'failed',
          message: `Velero restore ${step.restoreNames.join(', ')} did not finish within ${Math.round(t.restoreMs / 60000)} minutes; Lifeboat stopped waiting (the restore may still be running in Velero).`,
        });
        return 'failed';
      }
      await sleep(t.pollMs);
    }
  }

  /** Every Restore of the step ended: Velero's phases decide, the CLI's failure only adds a note. */
  private ended(gen: number, i: number, found: VeleroRestore[], cliResult: CliResult | undefined): StepState {
    const finishedAt = new Date().toISOString();
    const failed = found.filter((r) => r.status?.phase === 'Failed' || r.status?.phase === 'FailedValidation');
    const partial = found.filter((r) => r.status?.phase === 'PartiallyFailed');
    if (failed.length) {
      const why = failed
        .map(
          (r) =>
            `${r.metadata.name} ${r.status?.phase}${r.status?.failureReason ? `: ${r.status.failureReason}` : ''}${r.status?.validationErrors?.length ? `: ${r.status.validationErrors.join('; ')}` : ''}`,
        )
        .join('; ');
      this.update(gen, i, { state: 'failed', finishedAt, message: `Velero restore failed: ${why}.` });
      return 'failed';
    }
    if (partial.length) {
      this.update(gen, i, {
        state: 'attention',
        finishedAt,
        message: `Velero restored with errors: ${partial.map((r) => `${r.metadata.name} (${r.status?.errors ?? 0} errors)`).join(', ')}. See the restore results.`,
      });
      return 'attention';
    }
    const note = cliResult && !cliResult.ok ? ` The kots command reported: ${cliResult.message}` : '';
    this.update(gen, i, {
      state: note ? 'attention' : 'succeeded',
      finishedAt,
      message: `Velero restored ${found.map((r) => `${r.metadata.name} (${r.status?.progress?.itemsRestored ?? 0} items)`).join(', ')}.${note}`,
    });
    return note ? 'attention' : 'succeeded';
  }

  /** A Restore of the step did not appear in time: who is to blame decides failed or interrupted. */
  private neverAppeared(gen: number, i: number, step: RestoreRunStep, found: VeleroRestore[], cli: Cli | undefined): StepState {
    const finishedAt = new Date().toISOString();
    const missing = step.restoreNames.filter((n) => !found.some((r) => r.metadata.name === n));
    if (cli?.result && !cli.result.ok) {
      this.update(gen, i, {
        state: 'failed',
        finishedAt,
        message: `${cli.result.message}. No Velero restore was created (${missing.join(', ')}), so nothing was restored by this step.`,
      });
      return 'failed';
    }
    if (cli) {
      this.update(gen, i, {
        state: 'failed',
        finishedAt,
        message: `The kots CLI reported success, but Velero restore ${missing.join(', ')} never appeared: nothing was restored by this step.`,
      });
      return 'failed';
    }
    this.update(gen, i, {
      state: 'interrupted',
      finishedAt,
      message: `Lifeboat was closed before Velero restore ${missing.join(', ')} was created, and it did not appear since. Nothing was restored by this step.`,
    });
    return 'interrupted';
  }

  private update(gen: number, i: number, patch: Partial<RestoreRunStep>): RestoreRunStep {
    const run = this.m.wizard.run!;
    const steps = run.steps.map((s, j) => (j === i ? { ...s, ...patch } : s));
    this.m.save({ ...this.m.wizard, run: { ...run, steps } }, gen);
    return steps[i];
  }

  private merge(gen: number, progress: Parameters<typeof mergeProgress>[1]): void {
    if (!progress.length || !this.m.isCurrent(gen)) return;
    const run = this.m.wizard.run!;
    const restores = mergeProgress(run.restores, progress);
    if (restores) this.m.save({ ...this.m.wizard, run: { ...run, restores } }, gen);
  }
}
