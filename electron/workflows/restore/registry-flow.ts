/**
 * The registry step of the wizard (rebuilt cluster): choosing an archive, comparing it with the
 * cluster registry, pushing it, and leaving the step — only once every tag is verified, or by an
 * explicit skip whose consequence is recorded. When it is asked for and how a job's end maps onto
 * the step live in registry-step.ts; this module persists the step around the registry job.
 */
import type { RestoreRegistryArchive, RestoreRegistryPlan, RestoreRegistryStep, RestoreWizard } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import type { RegistryService } from '../registry/service.js';
import type { WizardMachine } from './machine.js';
import { SKIP_CONSEQUENCE, stepFromJob } from './registry-step.js';
import { requireStep } from './state.js';

export type RestoreRegistry = Pick<RegistryService, 'finishedExports' | 'compareArchive' | 'startReseedForRestore' | 'isRunning'>;

export class RegistryFlow {
  /** `registry` is asked for on each use: the registry area builds its service lazily. */
  constructor(
    private readonly m: WizardMachine,
    private readonly registry: () => RestoreRegistry,
  ) {}

  /** Exports Lifeboat made earlier that the step can push (newest first). */
  async archives(): Promise<RestoreRegistryArchive[]> {
    return this.registry().finishedExports();
  }

  /** What of the archive the cluster registry lacks (changes nothing). */
  async plan(source: string, caPath?: string): Promise<RestoreRegistryPlan> {
    requireStep(this.m.wizard, 'registry');
    const c = await this.registry().compareArchive({ source, caPath });
    return { source, ...c, missing: c.tags.filter((t) => !t.present).length };
  }

  /**
   * Push the archive into the cluster registry and verify every tag. The step (source, state
   * "running") is persisted BEFORE the job starts; a rerun after a close, failure or cancel pushes
   * only what is still missing (blobs the registry has are skipped).
   */
  async reseed(source: string, caPath?: string): Promise<RestoreWizard> {
    requireStep(this.m.wizard, 'registry');
    const cur = this.m.wizard.registry!;
    if (cur.state === 'running' && cur.jobId && this.registry().isRunning(cur.jobId)) {
      throw new LifeboatError('REGISTRY_BUSY', 'The registry re-seed is already running.', 'Follow its progress here, or cancel it.', { jobId: cur.jobId });
    }
    const pending: RestoreRegistryStep = { reason: cur.reason, state: 'running', source, caPath, startedAt: new Date().toISOString() };
    this.m.save({ ...this.m.wizard, step: 'registry', registry: pending });
    let started: Awaited<ReturnType<RestoreRegistry['startReseedForRestore']>>;
    try {
      started = await this.registry().startReseedForRestore({ source, caPath });
    } catch (err) {
      const e = toErrorData(err);
      this.m.save({
        ...this.m.wizard,
        registry: { ...pending, state: 'failed', finishedAt: new Date().toISOString(), error: { code: e.code, message: e.message, hint: e.hint } },
      });
      throw err;
    }
    const { job, done } = started;
    this.m.save({ ...this.m.wizard, registry: { ...pending, jobId: job.id, registry: job.registry } });
    void done.then((j) => {
      const r = this.m.wizard.registry;
      if (!r || r.jobId !== j.id) return; // the wizard moved on (reset, other backup)
      this.m.save({ ...this.m.wizard, registry: stepFromJob(r, j) });
    });
    return this.m.wizard;
  }

  /** Skip the step: only as an explicit choice, with its consequence recorded. */
  skip(): RestoreWizard {
    requireStep(this.m.wizard, 'registry');
    const r = this.m.wizard.registry!;
    if (r.state === 'running' && r.jobId && this.registry().isRunning(r.jobId)) {
      throw new LifeboatError('REGISTRY_BUSY', 'The registry re-seed is running; cancel it before skipping the step.', 'Cancel the re-seed first.');
    }
    return this.m.save({
      ...this.m.wizard,
      step: 'confirm',
      registry: { ...r, state: 'skipped', skippedConsequence: SKIP_CONSEQUENCE, finishedAt: new Date().toISOString() },
    });
  }

  /** After a verified re-seed: on to confirming the restore. */
  continue(): RestoreWizard {
    requireStep(this.m.wizard, 'registry');
    if (this.m.wizard.registry!.state !== 'succeeded') {
      throw new LifeboatError(
        'WIZARD_OUT_OF_ORDER',
        'The registry has not been re-seeded and verified yet.',
        "Re-seed it (every tag must resolve to the archive's digest), or skip the step explicitly.",
      );
    }
    return this.m.save({ ...this.m.wizard, step: 'confirm' });
  }
}
