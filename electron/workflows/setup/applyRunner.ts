/**
 * Drives an apply in the background: each phase is marked running (and persisted) before it runs,
 * so an interruption shows where it stopped; a failure or cancel records why and what to do next.
 */
import type { SetupPhase } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { type PhaseResult, type WizardMachine, failApply, finishApply, withPhase } from './machine.js';
import { Cancelled } from './waits.js';

export interface ApplyDeps {
  m: Pick<WizardMachine, 'w' | 'save'>;
  runPhase: (id: SetupPhase['id'], signal: AbortSignal, onRun: (runId: string) => void) => Promise<PhaseResult>;
  diagnose: () => Promise<string[]>;
  /** Stops a tool run (velero, kubectl kots) by its id. */
  cancelRun: (runId: string) => void;
}

export function nextStepFor(id: SetupPhase['id'], err: { code: string; message: string; hint?: string }, diagnosis: string[]): string {
  const pull = diagnosis.some((l) => /ErrImagePull|ImagePullBackOff|Failed to pull/i.test(l));
  if (pull)
    return 'The cluster cannot pull an image: go back to the Images step, check the image is in the registry (push it), check the pull secret\'s credentials, then press "Resume" — the pods retry on their own.';
  if (id === 'configure')
    return 'Fix what KOTS reports above (destination, credentials, registry), go back to the Destination step if needed, then press "Resume".';
  if (id === 'verify') return 'Velero is installed; press "Verify again" once the cause above is fixed.';
  return err.hint ?? 'Fix the cause above, then press "Resume".';
}

export class ApplyRunner {
  private running?: { ctl: AbortController; runId?: string; promise: Promise<void> };

  constructor(private readonly d: ApplyDeps) {}

  /** The apply in progress, if any (resolves when it ends, whatever the outcome). */
  get done(): Promise<void> | undefined {
    return this.running?.promise;
  }

  get active(): boolean {
    return !!this.running;
  }

  /** Runs the phases of the apply the wizard holds (already persisted as running). */
  drive(): void {
    const ctl = new AbortController();
    const run = { ctl, runId: undefined as string | undefined, promise: Promise.resolve() };
    this.running = run;
    run.promise = this.runPhases(ctl.signal, (id) => (run.runId = id)).finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }

  cancel(): void {
    if (!this.running) return;
    this.running.ctl.abort();
    if (this.running.runId) this.d.cancelRun(this.running.runId);
  }

  /** Stops following the apply without cancelling its tool run. */
  abort(): void {
    this.running?.ctl.abort();
  }

  private setPhase(i: number, patch: Partial<SetupPhase>): void {
    this.d.m.save(withPhase(this.d.m.w, i, patch));
  }

  private async runPhases(signal: AbortSignal, onRun: (id: string) => void): Promise<void> {
    const { m } = this.d;
    const count = m.w.apply!.phases.length;
    for (let i = 0; i < count; i++) {
      const phase = m.w.apply!.phases[i];
      if (phase.state === 'succeeded' || phase.state === 'skipped') continue;
      this.setPhase(i, { state: 'running', startedAt: new Date().toISOString(), message: undefined });
      try {
        if (signal.aborted) throw new Cancelled();
        const result = await this.d.runPhase(phase.id, signal, onRun);
        this.setPhase(i, {
          state: result.skipped ? 'skipped' : 'succeeded',
          finishedAt: new Date().toISOString(),
          message: result.message,
          runId: result.runId,
        });
      } catch (e) {
        await this.fail(i, phase.id, e, signal);
        return;
      }
    }
    m.save(finishApply(m.w));
  }

  private async fail(i: number, id: SetupPhase['id'], e: unknown, signal: AbortSignal): Promise<void> {
    const { m } = this.d;
    const cancelled = signal.aborted || e instanceof Cancelled || (e as LifeboatError).code === 'CANCELLED';
    const err = toErrorData(cancelled ? new LifeboatError('CANCELLED', 'Cancelled by the operator.') : e);
    const diagnosis = [
      ...((err.details?.lastLines as string[] | undefined) ?? []).filter((l) => l.trim()).slice(-12),
      ...(await this.d.diagnose().catch(() => [])),
    ];
    this.setPhase(i, { state: 'failed', finishedAt: new Date().toISOString(), message: err.message });
    const nextStep = cancelled
      ? 'Press "Resume" to continue from this phase; Lifeboat checks the cluster first and never installs twice.'
      : nextStepFor(id, err, diagnosis);
    m.save(failApply(m.w, { cancelled, error: { code: err.code, message: err.message, hint: err.hint }, diagnosis, nextStep }));
  }
}
