/**
 * The wizard's one live copy and the only way to change it. Every change is written to the data
 * directory (state.ts) and announced BEFORE the caller goes on to do the work it describes, which
 * is what lets a Lifeboat that closed mid-step pick the step up again instead of repeating it.
 *
 * The generation number guards against a follower that outlived its cluster connection: work
 * started under an older generation may still finish, but its writes are dropped, so a detached
 * follower can never overwrite what a newer one (or the operator) decided.
 */
import type { RestoreWizard } from '../../api/contract.js';
import { initialWizard, type WizardStore } from './state.js';

export type WizardFile = Pick<WizardStore, 'load' | 'save'>;

export class WizardMachine {
  private w: RestoreWizard;
  private gen = 0;

  constructor(
    private readonly file: WizardFile,
    private readonly announce: (w: RestoreWizard) => void,
  ) {
    this.w = interruptedReseed(file, file.load());
  }

  get wizard(): RestoreWizard {
    return this.w;
  }

  get generation(): number {
    return this.gen;
  }

  /** Drops the writes of everything started until now (disconnect, dispose). */
  detach(): void {
    this.gen++;
  }

  isCurrent(gen: number): boolean {
    return gen === this.gen;
  }

  /** Persists and announces `w`, unless it comes from a detached generation (then nothing changes). */
  save(w: RestoreWizard, gen = this.gen): RestoreWizard {
    if (gen !== this.gen) return this.w;
    this.w = this.file.save(w);
    this.announce(this.w);
    return this.w;
  }

  /** A new wizard that keeps only the situation the operator already chose. */
  fresh(): RestoreWizard {
    return { ...initialWizard(), situation: this.w.situation };
  }
}

/**
 * A re-seed that was running when Lifeboat closed cannot be followed any more: recorded as
 * interrupted (persisted, not announced: nothing listens yet) so running it again resumes it.
 */
function interruptedReseed(file: WizardFile, w: RestoreWizard): RestoreWizard {
  if (w.registry?.state !== 'running') return w;
  return file.save({
    ...w,
    registry: {
      ...w.registry,
      state: 'interrupted',
      error: {
        code: 'REGISTRY_FAILED',
        message: 'Lifeboat was closed while the re-seed ran.',
        hint: 'Run it again: blobs already in the registry are skipped.',
      },
    },
  });
}
