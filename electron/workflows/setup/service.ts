/**
 * The Velero setup wizard's service: one method per contract call (handlers.ts), composing the
 * modules that do the work. The state machine and its persistence are machine.ts; each step is its
 * own module (preflight, destination, registryStep, review; the apply: applyRunner, phases,
 * kotsConfigure, waits, verify), with credentials.ts and secrets.ts for what is never persisted.
 */
import type { SetupDestination, SetupMode, SetupSecrets, SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { requestServerStatus } from '../../velero/serverStatus.js';
import type { Services } from '../services.js';
import { ApplyRunner } from './applyRunner.js';
import { kotsRegistryCredentials, needsSecrets } from './credentials.js';
import { checkDestination } from './destination.js';
import { setupKube, type SetupKube } from '../../cluster/rest.js';
import * as machine from './machine.js';
import { DEFAULT_TIMEOUTS, refuseSecondInstall, runPhase, type PhaseDeps, type SetupTimeouts } from './phases.js';
import { preflightChecks } from './preflight.js';
import { RegistryStep, type RegistryInput } from './registryStep.js';
import { buildReview } from './review.js';
import { SecretKeeper } from './secrets.js';
import { SetupStore, requireIdle, requireStep } from './state.js';
import { diagnose } from './waits.js';
import { verifyVelero, type Verification } from './verify.js';

export type { SetupTimeouts } from './phases.js';
export { configureSecretsNote } from './kotsConfigure.js';

export class SetupService {
  readonly secrets: SecretKeeper;
  private readonly m: machine.WizardMachine;
  private readonly t: SetupTimeouts;
  private readonly registry: RegistryStep;
  private readonly runner: ApplyRunner;

  constructor(
    private readonly s: Services,
    opts: { timeouts?: Partial<SetupTimeouts>; secrets?: SecretKeeper } = {},
  ) {
    this.secrets = opts.secrets ?? new SecretKeeper(s.dataDir);
    this.t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.m = new machine.WizardMachine(new SetupStore(s.dataDir), () => this.secrets.summary(), s.bus);
    this.registry = new RegistryStep({
      m: this.m,
      secrets: this.secrets,
      env: () => this.env(),
      processEnv: s.env,
      resources: () => s.binaries.location,
      kotsCredentials: (host) => this.kotsRegistryCredentials(host),
    });
    this.runner = new ApplyRunner({
      m: this.m,
      runPhase: (id, signal, onRun) => runPhase(this.phaseDeps(), id, signal, onRun),
      diagnose: () => this.diagnose(),
      cancelRun: (id) => this.s.runner.cancel(id),
    });
  }

  /** Waits for a background apply/push (tests). */
  async idle(): Promise<void> {
    await this.runner.done;
    await this.registry.pushing;
  }

  state(): SetupWizard {
    return this.m.state();
  }

  /** Lifeboat is closing: stop following the apply and write nothing more (the file keeps "running",
   * which the next start reads as interrupted). */
  dispose(): void {
    this.m.dispose();
    this.runner.abort();
  }

  private kube(): SetupKube {
    return setupKube(this.s.cluster.kubeConfig(), 30_000, this.s.journal);
  }

  private env() {
    return this.s.detector.get();
  }

  private phaseDeps(): PhaseDeps {
    return {
      m: this.m,
      kube: () => this.kube(),
      tools: this.s.tools,
      secrets: this.secrets,
      processEnv: this.s.env,
      t: this.t,
      verify: (signal, waitMs) => this.verifyNow(signal, waitMs),
    };
  }

  // ------------------------------------------------------------------ 1. preflight

  async preflight(): Promise<SetupWizard> {
    requireIdle(this.m.w);
    const result = await preflightChecks({ cluster: this.s.cluster, detector: this.s.detector, binaries: this.s.binaries, kube: () => this.kube() });
    return this.m.save(machine.afterPreflight(this.m.w, result));
  }

  chooseMode(mode: SetupMode): SetupWizard {
    requireIdle(this.m.w);
    return this.m.save(machine.chooseMode(this.m.w, mode));
  }

  // ------------------------------------------------------------------ 2. destination

  async validateDestination(destination: SetupDestination, secrets: SetupSecrets | undefined, remember = false): Promise<SetupWizard> {
    requireStep(this.m.w, 'destination');
    const validation = await checkDestination({ secrets: this.secrets, env: () => this.env() }, this.m.w, destination, secrets, remember);
    const next = machine.afterValidation(this.m.w, destination, validation);
    const saved = this.m.save(next);
    // With no Images step in between, the Review step opens with its commands already worked out
    // (it changes nothing: apply is a separate, explicit call). If they cannot be worked out (e.g.
    // this Velero lacks the provider's plugin), the step opens without them and the window asks
    // for the review itself, which shows that reason and its fix.
    if (next.step !== 'review') return saved;
    return this.review().catch(() => this.state());
  }

  forgetSecrets(): SetupWizard {
    this.secrets.forget();
    return this.m.save({ ...this.m.w });
  }

  // ------------------------------------------------------------------ 3. images

  /** Prefill from KOTS (ConfigMap kotsadm-confg / Secret kotsadm-private-registry). */
  registryDefaults(): { host: string; namespace?: string; hasKotsCredentials: boolean } | undefined {
    return this.registry.defaults();
  }

  private async kotsRegistryCredentials(host: string): Promise<{ username: string; password: string } | undefined> {
    return kotsRegistryCredentials(() => this.kube(), this.m.w.kotsNamespace ?? this.env()?.kots.namespace, host);
  }

  async setRegistry(input: RegistryInput): Promise<SetupWizard> {
    return this.registry.set(input);
  }

  async checkImages(): Promise<SetupWizard> {
    return this.registry.check();
  }

  async pushImages(): Promise<SetupWizard> {
    return this.registry.push();
  }

  // ------------------------------------------------------------------ 4. review

  async review(): Promise<SetupWizard> {
    requireStep(this.m.w, 'review');
    const review = await buildReview({ tools: this.s.tools, kube: () => this.kube(), secrets: this.secrets, processEnv: this.s.env }, this.m.w);
    return this.m.save(machine.reviewed(this.m.w, review));
  }

  back(step: 'preflight' | 'destination' | 'images' | 'review'): SetupWizard {
    requireIdle(this.m.w);
    return this.m.save(machine.back(this.m.w, step));
  }

  reset(): SetupWizard {
    requireIdle(this.m.w);
    return this.m.save(machine.reset(this.secrets.summary()));
  }

  changeDestination(): SetupWizard {
    requireIdle(this.m.w);
    return this.m.save(machine.changeDestination(this.m.w, !!this.env()?.velero.installed));
  }

  // ------------------------------------------------------------------ 5. apply

  async apply(): Promise<SetupWizard> {
    requireStep(this.m.w, 'apply');
    const mode = this.m.w.mode ?? 'install';
    machine.requireNoApply(this.m.w);
    if (mode === 'install') await refuseSecondInstall(this.kube(), this.m.w.veleroNamespace);
    this.m.save(machine.startApply(this.m.w, mode, this.s.cluster.status().server));
    this.runner.drive();
    return this.state();
  }

  async resume(): Promise<SetupWizard> {
    requireIdle(this.m.w);
    const w = this.m.w;
    const a = machine.requireResumable(w, {
      destination: this.secrets.summary().held,
      registryPassword: !!this.secrets.getRegistryPassword(),
      destinationNeedsSecrets: !!w.destination && needsSecrets(w.destination),
    });
    this.m.save(machine.resumeApply(w, a));
    this.runner.drive();
    return this.state();
  }

  cancel(): SetupWizard {
    this.runner.cancel();
    return this.state();
  }

  /** Pod waiting reasons and Warning Events in the Velero namespace: why pods are not running. */
  async diagnose(): Promise<string[]> {
    return diagnose(this.kube(), this.m.w.veleroNamespace);
  }

  // ------------------------------------------------------------------ verification

  private async verifyNow(signal?: AbortSignal, waitMs = 0): Promise<Verification> {
    const serverStatus = (ns: string) => requestServerStatus(this.kube(), ns, { timeoutMs: 20_000 });
    const v = await verifyVelero({ kube: this.kube(), serverStatus, pollMs: this.t.pollMs }, this.m.w, signal, waitMs);
    this.m.save(machine.withVerification(this.m.w, v));
    return v;
  }

  async verify(): Promise<SetupWizard> {
    requireIdle(this.m.w);
    const v = await this.verifyNow();
    const done = machine.afterVerify(this.m.w, v.ok);
    return done ? this.m.save(done) : this.state();
  }

  // ------------------------------------------------------------------ 6. uninstall

  async uninstall(confirm: string): Promise<SetupWizard> {
    requireIdle(this.m.w);
    const ns = this.env()?.velero.namespace ?? this.m.w.veleroNamespace;
    if (confirm !== ns)
      throw new LifeboatError(
        'CONFIRMATION_MISMATCH',
        `Type the Velero namespace "${ns}" to confirm removing Velero.`,
        'Removing Velero deletes its CRDs (Backups, Restores, Schedules objects — not the data in storage) and the namespace.',
      );
    this.m.save(machine.startUninstall(this.m.w, ns, this.s.cluster.status().server));
    this.runner.drive();
    await this.runner.done;
    if (this.m.w.apply?.state === 'succeeded') return this.m.save(machine.afterUninstall(this.m.w));
    return this.state();
  }
}
