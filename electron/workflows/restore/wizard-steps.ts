/**
 * The wizard's moves up to confirming, each checked against state.ts's order and persisted through
 * the machine before it answers:
 *
 *   situation → backup → type → (registry) → confirm
 *
 * Going back drops the run, and going back to a skipped registry step asks for it again, so a
 * choice made earlier can never ride along unseen into a later restore.
 */
import type { Environment, RestoreRegistryStep, RestoreSituation, RestoreStep, RestoreType, RestoreWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { chooseBackup, type BackupsRead } from './backup-choice.js';
import type { WizardMachine } from './machine.js';
import { registryNeed } from './registry-step.js';
import { initialWizard, requireStep, runActive, stepIndex } from './state.js';
import type { VeleroBackup } from '../../velero/types.js';

export interface WizardStepsDeps {
  env(): Environment | null | undefined;
  readBackups(): Promise<BackupsRead>;
  backup(name: string): Promise<VeleroBackup | undefined>;
}

export class WizardSteps {
  constructor(
    private readonly m: WizardMachine,
    private readonly d: WizardStepsDeps,
  ) {}

  setSituation(situation: RestoreSituation, readOnlyDuringRestore?: boolean): RestoreWizard {
    requireStep(this.m.wizard, 'situation');
    return this.m.save({
      ...this.m.fresh(),
      situation,
      readOnlyDuringRestore: situation === 'new-cluster' ? (readOnlyDuringRestore ?? true) : false,
      step: 'backup',
    });
  }

  async selectBackup(name: string): Promise<RestoreWizard> {
    requireStep(this.m.wizard, 'backup');
    const read = await this.d.readBackups();
    const { backup, appSlug } = chooseBackup(read, name, () => this.d.env()?.kots.apps[0]?.slug);
    return this.m.save({ ...this.m.wizard, backup, appSlug, type: undefined, registry: undefined, step: 'type', run: undefined });
  }

  async selectType(type: RestoreType): Promise<RestoreWizard> {
    requireStep(this.m.wizard, 'type');
    const env = this.d.env();
    refuseType(type, env, this.m.wizard.appSlug);
    // The rebuilt-cluster path: the cluster registry gets the images back before the application.
    let registry: RestoreRegistryStep | undefined;
    if (type !== 'admin-console') {
      const b = await this.d.backup(this.m.wizard.backup!).catch(() => undefined);
      const reason = registryNeed(this.m.wizard.situation, env, b);
      const earlier = this.m.wizard.registry;
      if (reason) registry = earlier && earlier.state !== 'skipped' ? { ...earlier, reason } : { reason, state: 'pending' };
    }
    return this.m.save({ ...this.m.wizard, type, registry, step: registry ? 'registry' : 'confirm' });
  }

  back(step: RestoreStep): RestoreWizard {
    const w = this.m.wizard;
    requireStep(w, step);
    if (step === 'registry' && w.registry?.state === 'skipped') {
      return this.m.save({ ...w, step, run: undefined, registry: { reason: w.registry.reason, state: 'pending' } });
    }
    if (stepIndex(step) > stepIndex(w.step))
      throw new LifeboatError('WIZARD_OUT_OF_ORDER', `Step "${step}" is ahead of the current one.`, 'Use the buttons on the Restore screen.');
    return this.m.save({ ...w, step, run: undefined });
  }

  reset(): RestoreWizard {
    if (runActive(this.m.wizard)) requireStep(this.m.wizard, 'situation');
    return this.m.save(initialWizard());
  }
}

/** A restore kind this cluster or this backup cannot take, refused before anything is read. */
export function refuseType(type: RestoreType, env: Environment | null | undefined, appSlug: string | undefined): void {
  if (type === 'app' && env && !env.kots.found) {
    throw new LifeboatError(
      'BAD_INPUT',
      'There is no admin console on this cluster to restore the application into.',
      'Choose a full restore, or restore the admin console first.',
    );
  }
  if (type !== 'admin-console' && !appSlug) {
    throw new LifeboatError(
      'BAD_INPUT',
      'Lifeboat cannot tell which application this backup holds.',
      'Choose "admin console only", or pick a backup that lists its application.',
    );
  }
}
