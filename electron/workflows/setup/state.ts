/**
 * The setup wizard's persisted state: one JSON state file in the data directory (stateFile.ts:
 * atomic writes, a revision, a torn file moved aside), written BEFORE each step or apply phase
 * runs, so a closed app resumes at the same step. Secrets are never in it (the schema has no
 * field for them).
 */
import { join } from 'node:path';
import { SetupWizard, type SetupApply, type SetupStep } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { bySchema, StateStore } from '../../stateFile.js';
import { parseVersion } from '../../velero/install.js';

export function initialWizard(credentials: SetupWizard['credentials']): SetupWizard {
  return { step: 'preflight', veleroNamespace: 'velero', credentials, updatedAt: new Date().toISOString() };
}

export class SetupStore {
  /** The revision of each save (`rev`) is monotonic across saves and starts, even when a caller
   * starts over from a fresh object, so the renderer can tell a newer snapshot from an older one. */
  private readonly store: StateStore<SetupWizard>;

  constructor(dataDir: string) {
    this.store = new StateStore({
      file: join(dataDir, 'setup', 'wizard.json'),
      accept: bySchema(SetupWizard),
      consequence: 'the setup wizard starts over (the cluster is checked again before anything changes)',
      revisionOf: (w) => w.rev,
    });
  }

  get file(): string {
    return this.store.file;
  }

  load(credentials: SetupWizard['credentials']): SetupWizard {
    const stored = this.store.load();
    return stored ? { ...stored, credentials } : initialWizard(credentials);
  }

  save(w: SetupWizard): SetupWizard {
    return this.store.save((rev) => ({ ...w, updatedAt: new Date().toISOString(), rev }), w.rev);
  }
}

export const applyActive = (a: SetupApply | undefined) => a?.state === 'running';

/** A wizard loaded from disk with an apply "running" has no driver in this process: interrupted. */
export function markInterrupted(w: SetupWizard): SetupWizard {
  if (!applyActive(w.apply)) return w;
  return {
    ...w,
    apply: {
      ...w.apply!,
      state: 'interrupted',
      phases: w.apply!.phases.map((p) => (p.state === 'running' ? { ...p, state: 'interrupted', message: 'Lifeboat closed while this ran.' } : p)),
      nextStep: 'Press "Resume": Lifeboat checks the cluster first and continues from this phase without installing twice.',
    },
  };
}

export function requireIdle(w: SetupWizard): void {
  if (applyActive(w.apply))
    throw new LifeboatError(
      'SETUP_IN_PROGRESS',
      'Setup is applying changes to the cluster right now.',
      'Wait for it to finish or cancel it on the Setup screen.',
    );
}

export function requireStep(w: SetupWizard, to: SetupStep): void {
  requireIdle(w);
  const need: Partial<Record<SetupStep, Array<[boolean, string]>>> = {
    destination: [
      [!!w.preflight, 'Run the preflight checks first.'],
      [!!w.mode, 'Choose what to do with Velero first.'],
    ],
    images: [[!!w.validation?.ok, 'Check the storage destination first.']],
    review: [[!!w.validation?.ok || w.mode === 'keep', 'Check the storage destination first.']],
    apply: [[!!w.review, 'Review the commands first.']],
  };
  for (const [ok, msg] of need[to] ?? []) if (!ok) throw new LifeboatError('WIZARD_OUT_OF_ORDER', msg, 'Go back to that step on the Setup screen.');
}

/** Whether "upgrade" may be offered: only for a Velero older than the bundled one (an unknown
 * version cannot be compared: offered, and the review says so). Never silently. */
export function upgradeOffer(existing: string | undefined, bundled: string | undefined): { ok: boolean; reason: string } {
  const a = parseVersion(existing);
  const b = parseVersion(bundled);
  if (!b) return { ok: false, reason: 'Lifeboat cannot read its bundled Velero version.' };
  if (!a) return { ok: true, reason: `The installed Velero's version is unknown; the bundled one is ${bundled?.startsWith('v') ? bundled : `v${bundled}`}.` };
  const v = (x: string | undefined) => (x && !x.startsWith('v') ? `v${x}` : x);
  existing = v(existing);
  bundled = v(bundled);
  const cmp = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (cmp >= 0)
    return {
      ok: false,
      reason: `The installed Velero ${existing} is ${cmp === 0 ? 'the same version as' : 'newer than'} the bundled ${bundled}: there is nothing to upgrade.`,
    };
  return { ok: true, reason: `Velero ${existing} → ${bundled}.` };
}
