/**
 * The Velero setup wizard as an explicit state machine:
 *
 *   preflight → destination → images (air gap) → review → apply → done
 *
 * Every transition is a function from the wizard to the next wizard, and WizardMachine.save writes
 * the result to the data directory (state.ts) BEFORE the step or apply phase it names runs, secrets
 * excepted (secrets.ts keeps them in memory). A closed app resumes at the same step; an apply that
 * was running shows as interrupted and resumes from its phase — and before `velero install` runs,
 * the cluster is asked too (phases.ts): a Velero Deployment already there is never installed over.
 *
 * Apply (install), in order — what each phase does is in phases.ts, kotsConfigure.ts, waits.ts and
 * verify.ts:
 *   prepare → install → patch → wait-deployment → wait-node-agent → configure → wait-deployment
 *   → permissions → verify
 * Reconfigure changes only the destination: configure → wait-deployment → permissions → verify.
 */
import type { Check, SetupApply, SetupDestination, SetupMode, SetupPhase, SetupStep, SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { EventBus } from '../../events.js';
import { type SetupStore, markInterrupted, upgradeOffer } from './state.js';

type Credentials = SetupWizard['credentials'];

export const PHASE_TITLES: Record<SetupPhase['id'], string> = {
  prepare: 'Prepare namespace and image pull secret',
  install: 'velero install',
  patch: 'Set image pull secret and pull policy',
  'wait-deployment': 'Wait for the Velero server',
  'wait-node-agent': 'Wait for the node agent',
  configure: 'Configure the storage destination through KOTS',
  permissions: 'Grant the admin console access (ensure-permissions)',
  verify: 'Verify',
  uninstall: 'velero uninstall',
};

/** Holds the wizard and persists every transition before anything acts on it. */
export class WizardMachine {
  private current: SetupWizard;
  private disposed = false;

  constructor(
    private readonly store: SetupStore,
    private readonly credentials: () => Credentials,
    private readonly bus: Pick<EventBus, 'emit'>,
  ) {
    const loaded = store.load(credentials());
    const fixed = markInterrupted(loaded);
    this.current = fixed === loaded ? loaded : store.save(fixed);
  }

  get w(): SetupWizard {
    return this.current;
  }

  state(): SetupWizard {
    return { ...this.current, credentials: this.credentials() };
  }

  /** After dispose nothing more is written: the file keeps "running", which the next start reads
   * as interrupted. */
  dispose(): void {
    this.disposed = true;
  }

  save(next: SetupWizard): SetupWizard {
    if (this.disposed) return this.current;
    this.current = this.store.save({ ...next, credentials: this.credentials() });
    this.bus.emit('setup.changed', this.current);
    return this.current;
  }
}

// ------------------------------------------------------------------ step transitions

export type PreflightResult =
  | { connected: false; checks: Check[] }
  | {
      connected: true;
      checks: Check[];
      kotsNamespace?: string;
      veleroVersion?: string;
      existingVelero?: { namespace: string; version?: string };
      minimalRbac?: boolean;
      airgap: boolean;
    };

export function afterPreflight(w: SetupWizard, r: PreflightResult, at = new Date().toISOString()): SetupWizard {
  if (!r.connected) return { ...w, step: 'preflight', preflight: { checks: r.checks, at, airgap: false } };
  return {
    ...w,
    step: 'preflight',
    kotsNamespace: r.kotsNamespace,
    veleroVersion: r.veleroVersion,
    veleroNamespace: r.existingVelero?.namespace ?? w.veleroNamespace ?? 'velero',
    preflight: { checks: r.checks, at, existingVelero: r.existingVelero, minimalRbac: r.minimalRbac, airgap: r.airgap },
    mode: r.existingVelero ? (w.mode && w.mode !== 'install' ? w.mode : undefined) : 'install',
  };
}

export function chooseMode(w: SetupWizard, mode: SetupMode): SetupWizard {
  const pf = w.preflight;
  if (!pf) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Run the preflight checks first.', 'Press "Check again".');
  const blocking = pf.checks.filter((c) => !c.ok && c.title !== 'KOTS ↔ Velero compatibility');
  if (blocking.length)
    throw new LifeboatError(
      'WIZARD_OUT_OF_ORDER',
      `Preflight found ${blocking.length} problem(s): ${blocking.map((c) => c.title).join(', ')}.`,
      blocking[0].fix,
    );
  if (pf.existingVelero && mode === 'install')
    throw new LifeboatError(
      'VELERO_ALREADY_INSTALLED',
      `Velero is already installed in namespace ${pf.existingVelero.namespace}; Lifeboat does not install it a second time.`,
      'Choose keep, reconfigure or upgrade.',
    );
  if (!pf.existingVelero && mode !== 'install') throw new LifeboatError('BAD_INPUT', 'There is no Velero to keep, reconfigure or upgrade.', 'Choose install.');
  if (mode === 'upgrade') {
    const up = upgradeOffer(pf.existingVelero!.version, w.veleroVersion);
    if (!up.ok) throw new LifeboatError('BAD_INPUT', up.reason, 'Choose keep or reconfigure.');
  }
  return { ...w, mode, step: mode === 'keep' ? 'done' : 'destination' };
}

export function afterValidation(w: SetupWizard, destination: SetupDestination, validation: NonNullable<SetupWizard['validation']>): SetupWizard {
  // Reconfigure changes no image: the air-gap images step is for install/upgrade only.
  const next: SetupStep = !validation.ok ? 'destination' : w.preflight?.airgap && w.mode !== 'reconfigure' ? 'images' : 'review';
  return { ...w, destination, validation, step: next, review: undefined, images: next === 'images' ? w.images : undefined };
}

export function reviewed(w: SetupWizard, review: NonNullable<SetupWizard['review']>): SetupWizard {
  return { ...w, step: 'review', review };
}

export function back(w: SetupWizard, step: 'preflight' | 'destination' | 'images' | 'review'): SetupWizard {
  if (step === 'images' && !w.preflight?.airgap)
    throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'This cluster is not air-gapped: there is no images step.', 'Go back to the destination instead.');
  if (step === 'images' && w.mode === 'reconfigure')
    throw new LifeboatError(
      'WIZARD_OUT_OF_ORDER',
      'Changing the destination installs no image: there is no images step.',
      'Go back to the destination instead.',
    );
  return { ...w, step };
}

export function reset(credentials: Credentials): SetupWizard {
  return { step: 'preflight', veleroNamespace: 'velero', credentials, updatedAt: new Date().toISOString() };
}

export function changeDestination(w: SetupWizard, veleroInstalled: boolean): SetupWizard {
  const installed = veleroInstalled || w.apply?.state === 'succeeded';
  if (!installed) throw new LifeboatError('VELERO_NOT_READY', 'Velero is not installed, so there is no destination to change.', 'Install it first.');
  return { ...w, mode: 'reconfigure', step: 'destination', validation: undefined, review: undefined, apply: undefined, verification: undefined };
}

// ------------------------------------------------------------------ apply transitions

/** An apply that succeeded or was interrupted is not started afresh (resume continues the latter). */
export function requireNoApply(w: SetupWizard): void {
  if (w.apply && (w.apply.state === 'succeeded' || w.apply.state === 'interrupted') && w.apply.kind !== 'uninstall') {
    throw new LifeboatError(
      'SETUP_IN_PROGRESS',
      w.apply.state === 'succeeded' ? 'This setup was already applied.' : 'An earlier apply was interrupted.',
      w.apply.state === 'succeeded' ? 'Use "Change destination" or "Start over" instead.' : 'Press "Resume" to continue it from where it stopped.',
    );
  }
}

export function phaseIds(mode: SetupMode): SetupPhase['id'][] {
  return mode === 'reconfigure'
    ? ['configure', 'wait-deployment', 'permissions', 'verify']
    : ['prepare', 'install', 'patch', 'wait-deployment', 'wait-node-agent', 'configure', 'wait-deployment', 'permissions', 'verify'];
}

export function startApply(w: SetupWizard, mode: SetupMode, server: string | undefined, at = new Date().toISOString()): SetupWizard {
  const ids = phaseIds(mode);
  const configureAt = ids.indexOf('configure');
  const apply: SetupApply = {
    kind: mode === 'reconfigure' ? 'reconfigure' : mode === 'upgrade' ? 'upgrade' : 'install',
    state: 'running',
    startedAt: at,
    server,
    phases: ids.map((id, i) => ({
      id,
      title: id === 'wait-deployment' && configureAt < i && configureAt >= 0 ? 'Wait for the Velero server after KOTS restarts it' : PHASE_TITLES[id],
      state: 'pending' as const,
    })),
    diagnosis: [],
  };
  return { ...w, step: 'apply', apply, verification: undefined };
}

export function startUninstall(w: SetupWizard, ns: string, server: string | undefined): SetupWizard {
  return {
    ...w,
    veleroNamespace: ns,
    step: 'apply',
    apply: {
      kind: 'uninstall',
      state: 'running',
      startedAt: new Date().toISOString(),
      server,
      phases: [{ id: 'uninstall', title: PHASE_TITLES.uninstall, state: 'pending' }],
      diagnosis: [],
    },
    verification: undefined,
  };
}

export function afterUninstall(w: SetupWizard): SetupWizard {
  return { ...w, step: 'preflight', mode: undefined, preflight: undefined, review: undefined, validation: undefined };
}

/** The phases a resume still has to run. */
export function phasesLeft(w: SetupWizard): SetupPhase['id'][] {
  return (w.apply?.phases ?? []).filter((p) => p.state !== 'succeeded' && p.state !== 'skipped').map((p) => p.id);
}

export function requireResumable(w: SetupWizard, held: { destination: boolean; registryPassword: boolean; destinationNeedsSecrets: boolean }): SetupApply {
  const a = w.apply;
  if (!a || !['interrupted', 'failed', 'cancelled'].includes(a.state))
    throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'There is no interrupted or failed apply to resume.', 'Start the apply from the Review step.');
  const left = phasesLeft(w);
  if (left.includes('configure') && w.destination && held.destinationNeedsSecrets && !held.destination) {
    throw new LifeboatError(
      'WIZARD_OUT_OF_ORDER',
      "Lifeboat no longer holds the destination's credentials (it was restarted); the KOTS configure step needs them.",
      'Enter them again on the Destination step (kept in memory only), then press "Resume".',
    );
  }
  if (left.includes('prepare') && w.registry?.username && !held.registryPassword) {
    throw new LifeboatError(
      'WIZARD_OUT_OF_ORDER',
      'Lifeboat no longer holds the registry password (it was restarted).',
      'Enter the registry again on the Images step, then press "Resume".',
    );
  }
  return a;
}

export function resumeApply(w: SetupWizard, a: SetupApply): SetupWizard {
  const phases = a.phases.map((p) =>
    p.state === 'succeeded' || p.state === 'skipped'
      ? p
      : { ...p, state: 'pending' as const, message: p.state === 'interrupted' ? 'Resumed after an interruption.' : undefined },
  );
  return { ...w, step: 'apply', apply: { ...a, state: 'running', finishedAt: undefined, error: undefined, nextStep: undefined, diagnosis: [], phases } };
}

export function withPhase(w: SetupWizard, i: number, patch: Partial<SetupPhase>): SetupWizard {
  const a = w.apply!;
  return { ...w, apply: { ...a, phases: a.phases.map((p, k) => (k === i ? { ...p, ...patch } : p)) } };
}

export function failApply(
  w: SetupWizard,
  f: { cancelled: boolean; error: { code: string; message: string; hint?: string }; diagnosis: string[]; nextStep: string },
): SetupWizard {
  return {
    ...w,
    apply: {
      ...w.apply!,
      state: f.cancelled ? 'cancelled' : 'failed',
      finishedAt: new Date().toISOString(),
      error: f.error,
      diagnosis: f.diagnosis,
      nextStep: f.nextStep,
    },
  };
}

/** All phases ran: done only when verified (an uninstall has nothing to verify). */
export function finishApply(w: SetupWizard): SetupWizard {
  const verified = w.apply!.kind === 'uninstall' || w.verification?.ok;
  const failed = {
    error: {
      code: 'SETUP_FAILED',
      message: 'Velero was set up, but the verification did not pass.',
      hint: 'See the failed checks below, fix them and press "Verify again".',
    },
  };
  return {
    ...w,
    step: verified ? 'done' : 'apply',
    apply: { ...w.apply!, state: verified ? 'succeeded' : 'failed', finishedAt: new Date().toISOString(), ...(verified ? {} : failed) },
  };
}

export function withVerification(w: SetupWizard, verification: NonNullable<SetupWizard['verification']>): SetupWizard {
  return { ...w, verification };
}

/** A passing "Verify again" completes an apply whose only unfinished phase was the verification. */
export function afterVerify(w: SetupWizard, ok: boolean): SetupWizard | undefined {
  const a = w.apply;
  if (!ok || !a || a.state === 'succeeded' || !a.phases.every((p) => p.id === 'verify' || p.state === 'succeeded' || p.state === 'skipped')) return undefined;
  return {
    ...w,
    step: 'done',
    apply: {
      ...a,
      state: 'succeeded',
      error: undefined,
      phases: a.phases.map((p) => (p.id === 'verify' ? { ...p, state: 'succeeded', message: 'Verified.' } : p)),
    },
  };
}

/** What one apply phase reports; the runner (applyRunner.ts) turns it into the phase's state. */
export interface PhaseResult {
  skipped?: boolean;
  message?: string;
  runId?: string;
}
