/**
 * The wizard's persisted state: one JSON state file in the data directory (stateFile.ts: atomic
 * writes, a torn file moved aside), written BEFORE each step runs, so a rerun resumes where it
 * stopped. No secrets are ever in it. The step order and which transitions are allowed live here too.
 */
import { join } from 'node:path';
import { RestoreWizard, type RestoreStep } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { bySchema, StateStore } from '../../stateFile.js';
import { registrySettled } from './registry-step.js';

export const STEPS: RestoreStep[] = ['situation', 'backup', 'type', 'registry', 'confirm', 'run', 'verify', 'report'];

export const stepIndex = (s: RestoreStep) => STEPS.indexOf(s);

export function initialWizard(now = new Date()): RestoreWizard {
  return { step: 'situation', readOnlyDuringRestore: false, updatedAt: now.toISOString() };
}

export class WizardStore {
  // A torn, truncated or foreign file is moved aside and reported, never fatal (stateFile.ts); the
  // wizard starts over (a running restore is still found through Velero's Restores before
  // anything new starts).
  private readonly store: StateStore<RestoreWizard>;

  constructor(dataDir: string) {
    this.store = new StateStore({
      file: join(dataDir, 'restore', 'wizard.json'),
      accept: bySchema(RestoreWizard),
      consequence: 'the restore wizard starts over',
    });
  }

  get file(): string {
    return this.store.file;
  }

  load(): RestoreWizard {
    return this.store.load() ?? initialWizard();
  }

  save(w: RestoreWizard): RestoreWizard {
    return this.store.save({ ...w, updatedAt: new Date().toISOString() });
  }
}

/** Is a run still under way (so nothing else may start and the wizard may not move)? */
export function runActive(w: RestoreWizard): boolean {
  return !!w.run && (w.run.state === 'running' || w.run.state === 'verifying');
}

const REGISTRY_FIRST =
  "Re-seed the cluster registry first (or skip that step explicitly): the application's images must be in it before the application is restored.";

/** Refuses moving to `to` when the earlier steps are not done. */
export function requireStep(w: RestoreWizard, to: RestoreStep): void {
  if (runActive(w)) {
    throw new LifeboatError(
      'RESTORE_IN_PROGRESS',
      `A restore from backup ${w.run!.backup} is running; the wizard cannot change now.`,
      'Wait for it to finish; progress is shown on the Restore screen.',
    );
  }
  const need: Partial<Record<RestoreStep, Array<[boolean, string]>>> = {
    backup: [[!!w.situation, 'Choose the situation first.']],
    type: [
      [!!w.situation, 'Choose the situation first.'],
      [!!w.backup, 'Pick a backup first.'],
    ],
    registry: [
      [!!w.backup, 'Pick a backup first.'],
      [!!w.type, 'Choose what to restore first.'],
      [!!w.registry, 'This restore has no registry step.'],
    ],
    confirm: [
      [!!w.backup, 'Pick a backup first.'],
      [!!w.type, 'Choose what to restore first.'],
      [registrySettled(w.registry), REGISTRY_FIRST],
    ],
    run: [
      [!!w.backup && !!w.type && !!w.appSlug, 'Pick a backup and what to restore first.'],
      [registrySettled(w.registry), REGISTRY_FIRST],
    ],
  };
  for (const [ok, msg] of need[to] ?? []) {
    if (!ok) throw new LifeboatError('WIZARD_OUT_OF_ORDER', msg, 'Go back to that step on the Restore screen.');
  }
}
