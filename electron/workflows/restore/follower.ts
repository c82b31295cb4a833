/**
 * Follows the persisted run to its end: each pending step in order (run-step.ts), then the
 * verification, then the report. It re-attaches whenever Lifeboat starts or reconnects to the
 * run's cluster, picking up from the persisted step states, so closing Lifeboat mid-restore never
 * starts a second restore. Only one follower runs at a time; a detached one writes nothing.
 */
import type { RestoreRun, RestoreVerification, RestoreWizard } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { componentNoun } from './kinds.js';
import type { WizardMachine } from './machine.js';
import type { StepState } from './run-step.js';
import { runActive } from './state.js';
import type { VeleroReader } from './velero.js';
import { outcomeOf } from './verify.js';

export interface FollowerDeps {
  isConnected(): boolean;
  /** The API server connected now. */
  server(): string | undefined;
  runStep(gen: number, i: number): Promise<StepState>;
  verify(run: RestoreRun, waitMs: number, gen: number): Promise<RestoreVerification>;
  velero(ns: string): Pick<VeleroReader, 'backup' | 'locations' | 'setAccessMode'>;
  writeReport(): void;
  readyMs: number;
}

export class Follower {
  private driving?: Promise<void>;

  constructor(
    private readonly m: WizardMachine,
    private readonly d: FollowerDeps,
  ) {}

  /** Starts following the persisted run if one is active and we are connected to its cluster. */
  attach(): void {
    if (this.driving || !runActive(this.m.wizard) || !this.d.isConnected()) return;
    const run = this.m.wizard.run!;
    if (run.server && this.d.server() && run.server !== this.d.server()) return;
    const gen = this.m.generation;
    const p = this.drive(gen)
      .catch((err) => {
        if (!this.m.isCurrent(gen)) return;
        const e = toErrorData(err);
        const cur = this.m.wizard.run;
        if (cur) void this.finish(gen, { ...cur, state: 'failed', error: { code: e.code, message: e.message, hint: e.hint } });
      })
      .finally(() => {
        if (this.driving === p) this.driving = undefined;
      });
    this.driving = p;
  }

  /** Stops following (disconnect, dispose): what the old follower still does is not written. */
  detach(): void {
    this.m.detach();
    this.driving = undefined;
  }

  /** Resolves when the current follower stops (tests). */
  async settled(): Promise<void> {
    while (this.driving) await this.driving;
  }

  /** "Check again" on a finished run: verified now, without waiting for readiness. */
  async recheck(): Promise<RestoreWizard> {
    const run = this.m.wizard.run;
    if (!run || runActive(this.m.wizard))
      throw new LifeboatError(
        'WIZARD_OUT_OF_ORDER',
        run ? 'The restore is still running; it is checked when it ends.' : 'There is no restore to check.',
        'Wait for the restore to finish.',
      );
    const gen = this.m.generation;
    const verification = await this.d.verify(run, 0, gen);
    if (!this.m.isCurrent(gen)) return this.m.wizard;
    const next = { ...run, verification, state: outcomeOf({ ...run, verification }) };
    this.m.save({ ...this.m.wizard, step: 'report', run: next });
    this.d.writeReport();
    return this.m.wizard;
  }

  private async drive(gen: number): Promise<void> {
    if (this.m.wizard.run!.state === 'running') {
      const stopped = await this.runSteps(gen);
      if (stopped || !this.m.isCurrent(gen)) return;
      this.m.save({ ...this.m.wizard, step: 'verify', run: { ...this.m.wizard.run!, state: 'verifying' } }, gen);
    }
    const verification = await this.d.verify(this.m.wizard.run!, this.d.readyMs, gen);
    if (!this.m.isCurrent(gen)) return;
    const cur = { ...this.m.wizard.run!, verification };
    await this.finish(gen, { ...cur, state: outcomeOf(cur) });
  }

  /** The steps in order; true when the run stopped (a step failed or was interrupted, or detached). */
  private async runSteps(gen: number): Promise<boolean> {
    let run = this.m.wizard.run!;
    if (this.m.wizard.situation === 'new-cluster' && this.m.wizard.readOnlyDuringRestore && !run.readOnlyLocation) {
      run = await this.makeReadOnly(gen, run);
    }
    for (let i = 0; i < run.steps.length; i++) {
      if (!this.m.isCurrent(gen)) return true;
      const step = this.m.wizard.run!.steps[i];
      if (step.state === 'succeeded' || step.state === 'attention') continue;
      if (step.state === 'failed' || step.state === 'interrupted') break;
      const result = await this.d.runStep(gen, i);
      if (!this.m.isCurrent(gen)) return true;
      if (result === 'failed' || result === 'interrupted') {
        const cur = this.m.wizard.run!;
        await this.finish(gen, { ...cur, state: result, error: stepError(cur, i, result) });
        return true;
      }
    }
    return false;
  }

  /** Ends the run: the storage location's access mode set back, the report step persisted, the report saved. */
  private async finish(gen: number, run: RestoreRun): Promise<void> {
    if (!this.m.isCurrent(gen)) return;
    let next: RestoreRun = { ...run, finishedAt: new Date().toISOString() };
    if (next.readOnlyLocation && !next.readOnlyLocation.restored) {
      try {
        if (next.readOnlyLocation.previous !== 'ReadOnly')
          await this.d.velero(next.veleroNamespace).setAccessMode(next.readOnlyLocation.name, next.readOnlyLocation.previous);
        next = { ...next, readOnlyLocation: { ...next.readOnlyLocation, restored: true } };
      } catch {
        // left read-only: the report says so, with the fix
      }
    }
    this.m.save({ ...this.m.wizard, step: 'report', run: next }, gen);
    this.d.writeReport();
  }

  /** On a new cluster the backups' location is made read-only while restoring, so nothing writes to the old cluster's backups. */
  private async makeReadOnly(gen: number, run: RestoreRun): Promise<RestoreRun> {
    const velero = this.d.velero(run.veleroNamespace);
    const b = await velero.backup(run.backup);
    const name = b?.spec?.storageLocation ?? 'default';
    const loc = (await velero.locations()).find((l) => l.metadata.name === name);
    if (!loc) return run;
    const previous = loc.spec?.accessMode === 'ReadOnly' ? 'ReadOnly' : 'ReadWrite';
    // Persist what to set back BEFORE changing it.
    const next = { ...run, readOnlyLocation: { name, previous, restored: false } } as RestoreRun;
    this.m.save({ ...this.m.wizard, run: next }, gen);
    if (previous !== 'ReadOnly') await velero.setAccessMode(name, 'ReadOnly');
    return next;
  }
}

/** Why the run stopped at step `i`, and what to do next. */
export function stepError(run: RestoreRun, i: number, result: 'failed' | 'interrupted'): NonNullable<RestoreRun['error']> {
  const msg = run.steps[i].message ?? `The ${componentNoun(run.steps[i].component)} step did not finish.`;
  return result === 'interrupted'
    ? { code: 'RESTORE_FAILED', message: msg, hint: 'Nothing was restored by that step. Choose "Run the step again" to continue.' }
    : {
        code: 'RESTORE_FAILED',
        message: msg,
        hint: 'Read the restore warnings and errors below and the command output in Activity. Fix the cause, then run the step again.',
      };
}
