/**
 * The Velero setup wizard as an explicit state machine:
 *
 *   preflight → destination → images (air gap) → review → apply → done
 *
 * The wizard (and an apply with its ordered phases) is persisted in the data directory BEFORE each
 * step/phase runs (state.ts), secrets excepted (secrets.ts keeps them in memory). A closed app
 * resumes at the same step; an apply that was running shows as interrupted and resumes from its
 * phase — and before `velero install` runs, the cluster is asked too: a Velero Deployment already
 * there is never installed over (the persisted state AND the cluster guard against a second install).
 *
 * Apply (install):
 *   prepare          Namespace velero (with the labels velero install gives it) + Secret
 *                    registry-credentials for the private registry, so the first pods can pull
 *   install          velero install --no-default-backup-location --no-secret --use-node-agent
 *                    --use-volume-snapshots=false (KOTS's own instructions; install.ts says why)
 *   patch            imagePullSecrets + imagePullPolicy IfNotPresent on Deployment velero and
 *                    DaemonSet node-agent (Velero forces Always for a registry with a port; with a
 *                    pinned tag that only makes every KOTS restart depend on the registry)
 *   wait-deployment  Lifeboat's own wait (pull failures are reported from pod status and Events)
 *   wait-node-agent
 *   configure        kubectl kots velero configure-… (BSL default, cloud-credentials, restart)
 *   permissions      ensure-permissions (minimal-RBAC KOTS only)
 *   verify           BSL Available and synced, ServerStatusRequest answered, plugins listed
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readCaFileSync } from '../../localFile.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { Check, SetupApply, SetupDestination, SetupImage, SetupMode, SetupObjectChange, SetupPhase, SetupSecrets, SetupStep, SetupWizard } from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { configureArgs, ensurePermissionsArgs, locationMatches, parseConfigureOutput, type Destination } from '../../kots/configure.js';
import { validateDestination } from '../../storage/validate.js';
import { fileSystemDestinationCheck } from '../../environment/filesystem.js';
import { installArgs, pluginFor, refusesLvp, requiredImages, uninstallArgs, veleroPullPolicy, type PrivateRegistry } from '../../velero/install.js';
import { requestServerStatus } from '../../velero/serverStatus.js';
import type { Services } from '../services.js';
import { imagesLockFor } from '../../velero/imagesLock.js';
import { checkImages, imagesDir, planImages, pushImage, type RegistryAccess } from './images.js';
import { journalClusterWrites } from '../../cluster/rest.js';
import { KubeStatusError, objectPath, setupKube, type SetupKube } from './kube.js';
import { SecretKeeper } from './secrets.js';
import { Redactor } from '../../tools/redact.js';
import { RegistryNamespace } from '../../api/registryRef.js';
import { credentialsFor, parseDockerConfig } from '../../registry/credentials.js';
import { SetupStore, applyActive, markInterrupted, requireIdle, requireStep, upgradeOffer } from './state.js';

export interface SetupTimeouts {
  installMs: number;
  deploymentMs: number;
  nodeAgentMs: number;
  /** A pull failure that lasts this long fails the wait early (with the Events that explain it). */
  pullFailureMs: number;
  configureMs: number;
  locationMs: number;
  pollMs: number;
  /** How long a pod must have been Ready (and not restarted) before a wait counts it. */
  stableMs: number;
}

export const DEFAULT_TIMEOUTS: SetupTimeouts = {
  installMs: 5 * 60_000,
  deploymentMs: 5 * 60_000,
  nodeAgentMs: 3 * 60_000,
  pullFailureMs: 60_000,
  configureMs: 5 * 60_000,
  locationMs: 3 * 60_000,
  pollMs: 1000,
  stableMs: 10_000,
};

export const PULL_SECRET = 'registry-credentials';

const PHASE_TITLES: Record<SetupPhase['id'], string> = {
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

class Cancelled extends Error {}

export class SetupService {
  private w: SetupWizard;
  private readonly store: SetupStore;
  private readonly t: SetupTimeouts;
  readonly secrets: SecretKeeper;
  private running?: { ctl: AbortController; runId?: string; promise: Promise<void> };
  private pushing?: Promise<void>;

  constructor(private readonly s: Services, opts: { timeouts?: Partial<SetupTimeouts>; secrets?: SecretKeeper } = {}) {
    this.store = new SetupStore(s.dataDir);
    this.secrets = opts.secrets ?? new SecretKeeper(s.dataDir);
    this.t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    const loaded = this.store.load(this.secrets.summary());
    const fixed = markInterrupted(loaded);
    this.w = fixed === loaded ? loaded : this.store.save(fixed);
  }

  /** Waits for a background apply/push (tests). */
  async idle(): Promise<void> {
    await this.running?.promise;
    await this.pushing;
  }

  // ------------------------------------------------------------------ state

  state(): SetupWizard {
    return { ...this.w, credentials: this.secrets.summary() };
  }

  /** Lifeboat is closing: stop following the apply and write nothing more (the file keeps "running",
   * which the next start reads as interrupted). */
  dispose(): void {
    this.disposed = true;
    this.running?.ctl.abort();
  }

  private disposed = false;

  private save(next: SetupWizard): SetupWizard {
    if (this.disposed) return this.w;
    this.w = this.store.save({ ...next, credentials: this.secrets.summary() });
    this.s.bus.emit('setup.changed', this.w);
    return this.w;
  }

  private kube(): SetupKube {
    return setupKube(this.s.cluster.kubeConfig(), 30_000, journalClusterWrites(this.s.journal));
  }

  private env() {
    return this.s.detector.get();
  }

  // ------------------------------------------------------------------ 1. preflight

  async preflight(): Promise<SetupWizard> {
    requireIdle(this.w);
    const checks: Check[] = [];
    const status = this.s.cluster.status();
    if (status.state !== 'connected') {
      checks.push({ ok: false, severity: 'error', title: 'Cluster reachable', reason: status.error?.message ?? 'Lifeboat is not connected to a cluster.', fix: status.error?.hint ?? 'Connect on the Overview screen.' });
      return this.save({ ...this.w, step: 'preflight', preflight: { checks, at: new Date().toISOString(), airgap: false } });
    }
    checks.push({ ok: true, severity: 'ok', title: 'Cluster reachable', reason: `${status.server ?? ''} (Kubernetes ${status.kubernetesVersion ?? 'unknown'}), context ${status.context ?? 'default'}.` });
    const env = this.env() ?? (await this.s.detector.refresh().catch(() => null));
    const kube = this.kube();
    // Permissions to install Velero: cluster-wide objects.
    const need: Array<[string, string, string, string?]> = [
      ['create', 'apiextensions.k8s.io', 'customresourcedefinitions'],
      ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings'],
      ['create', '', 'namespaces'],
      ['create', 'apps', 'deployments', 'velero'],
      ['delete', '', 'pods', 'velero'],
    ];
    const denied: string[] = [];
    for (const [verb, group, resource, namespace] of need) {
      const r = await kube.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group, resource, namespace } } }).catch(() => undefined);
      if (!r?.status?.allowed) denied.push(`${verb} ${group ? `${resource}.${group}` : resource}${namespace ? ` in ${namespace}` : ''}`);
    }
    checks.push(denied.length
      ? { ok: false, severity: 'error', title: 'Permissions to install Velero', reason: `This kubeconfig may not: ${denied.join('; ')}.`, fix: 'Use a cluster-admin kubeconfig: velero install creates CRDs, a namespace and a cluster role binding.' }
      : { ok: true, severity: 'ok', title: 'Permissions to install Velero', reason: 'CRDs, cluster role bindings, namespaces, deployments: allowed.' });
    const kots = env?.kots;
    checks.push(kots?.found
      ? { ok: true, severity: 'ok', title: 'KOTS admin console found', reason: `Namespace ${kots.namespace}, version ${kots.version ?? 'unknown'}${kots.minimalRbac ? ' (minimal RBAC: ensure-permissions will run)' : ''}.` }
      : { ok: false, severity: 'error', title: 'KOTS admin console found', reason: 'No kotsadm Deployment or StatefulSet was found.', fix: 'Connect to the cluster that runs the KOTS admin console.' });
    const flavour = env?.flavour ?? 'unknown';
    checks.push(flavour === 'embedded-cluster'
      ? { ok: false, severity: 'error', title: 'Cluster flavour', reason: `${env?.flavourReason ?? ''} Embedded Cluster installs and manages Velero itself.`, fix: 'Use the admin console\'s disaster-recovery settings instead of installing Velero.' }
      : { ok: true, severity: flavour === 'unknown' ? 'warning' : 'ok', title: 'Cluster flavour', reason: `${flavour}: ${env?.flavourReason ?? ''}${flavour === 'kurl' ? ' kURL clusters often include Velero already.' : ''}` });
    const airgap = !!env?.airgap.airgapped;
    checks.push({ ok: true, severity: 'ok', title: airgap ? 'Air gap' : 'Online', reason: env?.airgap.reason ?? 'unknown' });
    const velero = env?.velero;
    const cliVersion = await this.s.binaries.version('velero').catch(() => undefined);
    let existingVelero: { namespace: string; version?: string } | undefined;
    if (velero?.installed) {
      existingVelero = { namespace: velero.namespace ?? 'velero', version: velero.version };
      const up = upgradeOffer(velero.version, cliVersion);
      checks.push({ ok: true, severity: 'warning', title: 'Velero already installed', reason: `Velero ${velero.version ?? '(version unknown)'} in namespace ${velero.namespace}. Lifeboat never reinstalls it silently. ${up.ok ? `Upgrade available: ${up.reason}` : up.reason}`, fix: up.ok ? 'Choose: keep it as it is, reconfigure its storage destination, or upgrade it to the bundled version (the review shows what changes first).' : 'Choose: keep it as it is, or reconfigure its storage destination.' });
    } else {
      checks.push({ ok: true, severity: 'ok', title: 'No Velero yet', reason: `Lifeboat will install Velero ${cliVersion ?? ''} (its bundled CLI).` });
    }
    // NFS / host path: said up front when KOTS would use the local-volume provider (the destination
    // is not chosen yet, so this only warns; validateDestination refuses). The Velero that counts
    // is the bundled one unless an existing Velero may be kept as it is.
    if (kots?.found && kots.fileSystemStore && kots.fileSystemStore.via !== 'minio') {
      const fs = fileSystemDestinationCheck(kots.fileSystemStore, 'either', velero?.installed ? { version: velero.version, plugins: velero.plugins } : { version: cliVersion });
      checks.push({ ...fs, ok: true, severity: fs.severity === 'ok' ? 'ok' : 'warning' });
    }
    const verdict = env?.compatibility;
    if (verdict) {
      const bad = verdict.verdict === 'incompatible';
      checks.push({ ok: !bad, severity: bad ? 'error' : verdict.verdict === 'compatible' ? 'ok' : 'warning', title: 'KOTS ↔ Velero compatibility', reason: verdict.reason, fix: verdict.fix });
    }
    const tools = await this.s.binaries.list();
    const broken = tools.filter((t) => t.status === 'missing' || t.status === 'tampered');
    checks.push(broken.length
      ? { ok: false, severity: 'error', title: 'Bundled tools', reason: broken.map((t) => `${t.name}: ${t.message ?? t.status}`).join(' '), fix: 'Reinstall Lifeboat.' }
      : { ok: true, severity: 'ok', title: 'Bundled tools', reason: tools.map((t) => `${t.name} ${t.version} (${t.status})`).join(', ') });
    return this.save({
      ...this.w,
      step: 'preflight',
      kotsNamespace: kots?.namespace,
      veleroVersion: cliVersion,
      veleroNamespace: existingVelero?.namespace ?? this.w.veleroNamespace ?? 'velero',
      preflight: { checks, at: new Date().toISOString(), existingVelero, minimalRbac: kots?.minimalRbac, airgap },
      mode: existingVelero ? (this.w.mode && this.w.mode !== 'install' ? this.w.mode : undefined) : 'install',
    });
  }

  chooseMode(mode: SetupMode): SetupWizard {
    requireIdle(this.w);
    const pf = this.w.preflight;
    if (!pf) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Run the preflight checks first.', 'Press "Check again".');
    const blocking = pf.checks.filter((c) => !c.ok && c.title !== 'KOTS ↔ Velero compatibility');
    if (blocking.length) throw new LifeboatError('WIZARD_OUT_OF_ORDER', `Preflight found ${blocking.length} problem(s): ${blocking.map((c) => c.title).join(', ')}.`, blocking[0]!.fix);
    if (pf.existingVelero && mode === 'install') throw new LifeboatError('VELERO_ALREADY_INSTALLED', `Velero is already installed in namespace ${pf.existingVelero.namespace}; Lifeboat does not install it a second time.`, 'Choose keep, reconfigure or upgrade.');
    if (!pf.existingVelero && mode !== 'install') throw new LifeboatError('BAD_INPUT', 'There is no Velero to keep, reconfigure or upgrade.', 'Choose install.');
    if (mode === 'upgrade') {
      const up = upgradeOffer(pf.existingVelero!.version, this.w.veleroVersion);
      if (!up.ok) throw new LifeboatError('BAD_INPUT', up.reason, 'Choose keep or reconfigure.');
    }
    if (mode === 'keep') return this.save({ ...this.w, mode, step: 'done' });
    return this.save({ ...this.w, mode, step: 'destination' });
  }

  // ------------------------------------------------------------------ 2. destination

  async validateDestination(destination: SetupDestination, secrets: SetupSecrets | undefined, remember = false): Promise<SetupWizard> {
    requireStep(this.w, 'destination');
    // Secrets are submitted once; a re-check with none uses those held.
    const held = secrets && Object.values(secrets).some(Boolean) ? secrets : this.secrets.getDestination() ?? {};
    const fsCheck = this.fileSystemCheck(destination);
    // The MinIO-only note validateForm adds for NFS/host path (given a version) would contradict a
    // destination KOTS configures through the local-volume provider: only pass it when that holds.
    const result = await validateDestination(destination as Destination, held, { veleroVersion: fsCheck ? undefined : this.w.veleroVersion });
    if (fsCheck) {
      result.checks.push(fsCheck);
      result.ok = result.ok && fsCheck.ok;
    }
    if (secrets && Object.values(secrets).some(Boolean)) this.secrets.setDestination(secrets, remember && this.secrets.rememberAvailable);
    const validation = { ...result, at: new Date().toISOString() };
    // Reconfigure changes no image: the air-gap images step is for install/upgrade only.
    const next: SetupStep = !result.ok ? 'destination' : this.w.preflight?.airgap && this.w.mode !== 'reconfigure' ? 'images' : 'review';
    const saved = this.save({ ...this.w, destination, validation, step: next, review: undefined, images: next === 'images' ? this.w.images : undefined });
    // With no Images step in between, the Review step opens with its commands already worked out
    // (it changes nothing: apply is a separate, explicit call). If they cannot be worked out (e.g.
    // this Velero lacks the provider's plugin), the step opens without them and the window asks
    // for the review itself, which shows that reason and its fix.
    if (next !== 'review') return saved;
    return this.review().catch(() => this.state());
  }

  /**
   * NFS / host path when KOTS would not put its MinIO in front (kots IsFileSystemMinioDisabled):
   * whether the Velero KOTS configures against takes the local-volume provider. That Velero is the
   * installed one when only the destination changes, else the bundled one Lifeboat installs.
   */
  private fileSystemCheck(d: SetupDestination): Check | undefined {
    if (d.provider !== 'nfs' && d.provider !== 'hostpath') return undefined;
    const store = this.env()?.kots.fileSystemStore;
    if (store?.via === 'minio') return undefined;
    const existing = this.w.mode === 'reconfigure' ? this.env()?.velero : undefined;
    return fileSystemDestinationCheck(store, d.provider, existing?.installed ? { version: existing.version ?? this.w.preflight?.existingVelero?.version, plugins: existing.plugins } : { version: this.w.veleroVersion });
  }

  forgetSecrets(): SetupWizard {
    this.secrets.forget();
    return this.save({ ...this.w });
  }

  // ------------------------------------------------------------------ 3. images

  private registryAccess(): RegistryAccess {
    const r = this.w.registry;
    if (!r) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Enter the private registry first.', 'Fill in the registry on the Images step.');
    const caPath = r.caPath || this.s.env.LIFEBOAT_REGISTRY_CA;
    let caPem: Buffer | undefined;
    if (caPath) {
      // A regular file of PEM size whose certificates parse (localFile.ts), never /dev/zero or a FIFO.
      caPem = readCaFileSync(caPath, 'registry CA');
    }
    return { host: r.host, namespace: r.namespace, username: r.username, password: this.secrets.getRegistryPassword(), caPem };
  }

  /** Prefill from KOTS (ConfigMap kotsadm-confg / Secret kotsadm-private-registry). */
  registryDefaults(): { host: string; namespace?: string; hasKotsCredentials: boolean } | undefined {
    const r = this.env()?.kots.registry;
    return r ? { host: r.host, namespace: r.namespace, hasKotsCredentials: r.hasCredentials } : undefined;
  }

  private async kotsRegistryCredentials(host: string): Promise<{ username: string; password: string } | undefined> {
    const ns = this.w.kotsNamespace ?? this.env()?.kots.namespace;
    if (!ns) return undefined;
    const secret = await this.kube().find(`/api/v1/namespaces/${ns}/secrets/kotsadm-private-registry`);
    const raw = secret?.data?.['.dockerconfigjson'];
    if (!raw) return undefined;
    // Only the entry issued for this very host: never another host's, never the license login.
    const c = credentialsFor(host, parseDockerConfig(Buffer.from(raw, 'base64').toString('utf8'))).find((e) => e.password);
    return c ? { username: c.username, password: c.password } : undefined;
  }

  async setRegistry(input: { host: string; namespace?: string; useKotsCredentials?: boolean; username?: string; password?: string; caPath?: string }): Promise<SetupWizard> {
    requireStep(this.w, 'images');
    const host = input.host.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) throw new LifeboatError('BAD_INPUT', `"${input.host}" is not a registry host (host or host:port).`, 'Enter e.g. registry.internal:5000, and the path under it in "Namespace".');
    const nsCheck = RegistryNamespace.safeParse(input.namespace ?? '');
    if (!nsCheck.success) throw new LifeboatError('BAD_INPUT', `"${input.namespace}" is not a registry namespace.`, nsCheck.error.issues[0]?.message ?? 'Use path segments such as lifeboat/velero.');
    const namespace = nsCheck.data.replace(/^\/+|\/+$/g, '') || undefined;
    let username = input.username;
    let credentials: 'kots' | 'entered' | 'none' = input.password ? 'entered' : 'none';
    if (input.useKotsCredentials) {
      const c = await this.kotsRegistryCredentials(host);
      if (!c) throw new LifeboatError('BAD_INPUT', `KOTS has no credentials issued for ${host} (Secret kotsadm-private-registry); credentials for other hosts are never sent to it.`, 'Enter the user name and password for this registry instead.');
      username = c.username;
      this.secrets.setRegistryPassword(c.password);
      credentials = 'kots';
    } else {
      this.secrets.setRegistryPassword(input.password);
    }
    const kotsReg = this.env()?.kots.registry;
    const source = kotsReg && kotsReg.host === host && (kotsReg.namespace ?? '') === (namespace ?? '') ? 'KOTS (ConfigMap kotsadm-confg, key kotsadm-registry)' : 'entered';
    const provider = this.w.destination?.provider ?? 's3-compatible';
    const images = planImages(this.w.veleroVersion ?? 'v1.18.3', provider, { host, namespace }, imagesDir(this.s.env, this.s.binaries.location), imagesLockFor(this.s.env));
    this.save({ ...this.w, registry: { host, namespace, username, credentials, caPath: input.caPath, source }, images, step: 'images', review: undefined });
    return this.checkImages();
  }

  async checkImages(): Promise<SetupWizard> {
    requireStep(this.w, 'images');
    const access = this.registryAccess();
    const images = this.w.images ?? [];
    this.save({ ...this.w, images: images.map((i) => ({ ...i, state: 'checking' as const })) });
    try {
      return this.save({ ...this.w, images: await checkImages(access, images) });
    } catch (e) {
      const err = toErrorData(e);
      this.save({ ...this.w, images: images.map((i) => ({ ...i, state: 'error' as const, message: err.message })) });
      throw e;
    }
  }

  async pushImages(): Promise<SetupWizard> {
    requireStep(this.w, 'images');
    if (this.pushing) throw new LifeboatError('SETUP_IN_PROGRESS', 'Images are being pushed already.', 'Wait for the push to finish.');
    const access = this.registryAccess();
    const missing = (this.w.images ?? []).filter((i) => i.state === 'missing' || i.state === 'error');
    if (!missing.length) return this.state();
    const unknown = missing.filter((i) => !i.archive);
    if (unknown.length) throw new LifeboatError('IMAGES_MISSING', `Lifeboat has no archive of ${unknown.map((i) => i.upstream).join(', ')}.`, 'Mirror them into the registry with your usual tool, then press "Check again".');
    const update = (target: string, patch: Partial<SetupImage>) => this.save({ ...this.w, images: (this.w.images ?? []).map((i) => (i.target === target ? { ...i, ...patch } : i)) });
    for (const m of missing) update(m.target, { state: 'pushing', bytesDone: 0, message: undefined });
    this.pushing = (async () => {
      for (const img of missing) {
        let last = 0;
        try {
          const done = await pushImage(access, img, (bytesDone, bytesTotal) => {
            if (Date.now() - last < 250 && bytesDone < bytesTotal) return;
            last = Date.now();
            update(img.target, { bytesDone, bytesTotal });
          });
          update(img.target, { ...done, state: 'pushed' });
        } catch (e) {
          update(img.target, { state: 'error', message: `${toErrorData(e).message} ${toErrorData(e).hint ?? ''}`.trim() });
        }
      }
    })().finally(() => {
      this.pushing = undefined;
    });
    return this.state();
  }

  // ------------------------------------------------------------------ 4. review

  private privateRegistry(): PrivateRegistry | undefined {
    return this.w.preflight?.airgap && this.w.registry ? { host: this.w.registry.host, namespace: this.w.registry.namespace } : undefined;
  }

  private configureCommand(files: { caCertFile?: string; jsonKeyFile?: string } = {}) {
    const d = this.w.destination as Destination;
    const reg = this.w.registry;
    return configureArgs({
      destination: d,
      secrets: this.secrets.getDestination() ?? {},
      kotsNamespace: this.w.kotsNamespace ?? 'kotsadm',
      registry: reg && this.w.preflight?.airgap ? { registry: reg.namespace ? `${reg.host}/${reg.namespace}` : reg.host, username: reg.username, password: this.secrets.getRegistryPassword() } : undefined,
      caCertFile: files.caCertFile ?? (d.provider === 's3-compatible' && d.caCertPem ? '<ca-cert.pem>' : undefined),
      jsonKeyFile: files.jsonKeyFile ?? (d.provider === 'gcp' ? '<service-account.json>' : undefined),
    });
  }

  private redact(args: string[], secrets: string[]): string {
    const set = new Set([...secrets, ...this.secrets.values()]);
    return args.map((a) => (set.has(a) ? '<redacted>' : /\s/.test(a) ? `'${a}'` : a)).join(' ');
  }

  async review(): Promise<SetupWizard> {
    requireStep(this.w, 'review');
    const mode = this.w.mode ?? 'install';
    const d = this.w.destination as Destination | undefined;
    if (!d) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Choose the storage destination first.', 'Go back to the Destination step.');
    if (!this.secrets.summary().held && needsSecrets(d)) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Lifeboat no longer holds the destination\'s credentials (it was restarted).', 'Enter them again on the Destination step; they are kept in memory only.');
    // Reconfigure installs no image (KOTS's configure takes the registry from kotsadm-confg).
    if (this.w.preflight?.airgap && mode !== 'reconfigure') {
      if (!this.w.registry) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Enter the private registry first.', 'Go back to the Images step.');
      const notThere = (this.w.images ?? []).filter((i) => i.state !== 'present' && i.state !== 'pushed');
      if (notThere.length) throw new LifeboatError('IMAGES_MISSING', `${notThere.length} image(s) are not in ${this.w.registry.host}: ${notThere.map((i) => i.target).join(', ')}.`, 'Push them on the Images step first (or check again after mirroring them yourself).');
    }
    const ns = this.w.veleroNamespace;
    const version = this.w.veleroVersion ?? 'v1.18.3';
    const reg = this.privateRegistry();
    const commands: Array<{ title: string; command: string; note?: string }> = [];
    const objects: SetupObjectChange[] = [];
    const notes: string[] = [];
    let manifests = '';
    const kube = this.kube();
    if (mode === 'install' || mode === 'upgrade') {
      const args = [...installArgs({ veleroVersion: version, provider: d.provider, namespace: ns, registry: reg, lock: imagesLockFor(this.s.env) }), ...(mode === 'upgrade' ? ['--apply'] : [])];
      if (reg && this.w.registry?.username) {
        commands.push({ title: 'Namespace and image pull secret (Lifeboat does this through the API)', command: `kubectl create namespace ${ns}\nkubectl -n ${ns} create secret docker-registry ${PULL_SECRET} --docker-server=${reg.host} --docker-username=${this.w.registry.username} --docker-password=<redacted>`, note: 'So the very first Velero pods can pull from the private registry; KOTS later updates the same Secret.' });
      }
      commands.push({ title: 'Install Velero', command: `velero ${args.join(' ')}`, note: 'As KOTS prints it: no storage location or secret here — KOTS\'s configure command creates them, so the admin console owns the destination.' });
      const dry = await this.s.tools.run('velero', [...installArgs({ veleroVersion: version, provider: d.provider, namespace: ns, registry: reg, dryRun: true, lock: imagesLockFor(this.s.env) })], { summary: 'Setup review: velero install --dry-run', timeoutMs: 60_000 });
      manifests = dry.stdout;
      for (const doc of parseAllDocuments(manifests)) {
        const o = doc.toJS() as any;
        const items = o?.kind === 'List' ? o.items ?? [] : o ? [o] : [];
        for (const it of items) {
          if (!it?.kind || !it.metadata?.name) continue;
          const exists = await kube.find(objectPath(it)).then((x) => !!x).catch(() => false);
          objects.push({ kind: it.kind, namespace: it.metadata.namespace, name: it.metadata.name, action: exists ? (mode === 'upgrade' ? 'change' : 'exists') : 'create', by: 'velero install' });
        }
      }
      if (reg) {
        const policy = veleroPullPolicy(`${reg.host}/x:y`);
        const patch = `{"spec":{"template":{"spec":{${this.w.registry?.username ? `"imagePullSecrets":[{"name":"${PULL_SECRET}"}],` : ''}"containers":[{"name":"velero","imagePullPolicy":"IfNotPresent"}]}}}}`;
        commands.push({ title: 'Image pull secret and pull policy (Lifeboat does this through the API)', command: `kubectl -n ${ns} patch deployment velero --type strategic -p '${patch}'\nkubectl -n ${ns} patch daemonset node-agent --type strategic -p '${patch.replace('"velero"', '"node-agent"')}'`, note: policy === 'Always' ? `Velero gives images on a registry with a port imagePullPolicy Always (velero pkg/install/deployment.go at v1.18.3). The tags are pinned, so Lifeboat sets IfNotPresent: otherwise every restart KOTS makes would depend on ${reg.host} being up.` : 'Pinned tags: IfNotPresent.' });
        objects.push({ kind: 'Deployment', namespace: ns, name: 'velero', action: 'change', by: 'Lifeboat (pull secret, IfNotPresent)' }, { kind: 'DaemonSet', namespace: ns, name: 'node-agent', action: 'change', by: 'Lifeboat (pull secret, IfNotPresent)' });
      }
      if (mode === 'upgrade') {
        const dep = await kube.find(`/apis/apps/v1/namespaces/${ns}/deployments/velero`).catch(() => undefined);
        const from = dep?.spec?.template?.spec;
        const newImages = requiredImages(version, d.provider).map((i) => (reg ? `${reg.host}/${reg.namespace ? `${reg.namespace}/` : ''}${i.repository.split('/').pop()}:${i.tag}` : `${i.repository}:${i.tag}`));
        notes.push(`Upgrade: ${upgradeOffer(this.w.preflight?.existingVelero?.version, version).reason} Server image ${from?.containers?.[0]?.image ?? 'unknown'} → ${newImages[0]}; plugins ${(from?.initContainers ?? []).map((c: any) => c.image).join(', ') || 'none'} → ${newImages.slice(1).join(', ')}.`);
      }
      if (mode === 'upgrade') notes.push('Upgrade uses velero install --apply (server-side apply, Velero 1.18+): existing objects are updated to the bundled version; KOTS\'s configure then re-applies its patches.');
    } else {
      // KOTS's configure refuses when the provider's plugin is not an init container of Deployment
      // velero (kots cmd/kots/cli/velero.go, ContainsPlugin over pkg/snapshot/velero.go DetectVelero's
      // init-container names, at v1.131.4): say so here, before anything changes.
      const dep = await kube.find(`/apis/apps/v1/namespaces/${ns}/deployments/velero`);
      if (!dep) throw new LifeboatError('VELERO_NOT_READY', `There is no Deployment velero in namespace ${ns} any more.`, 'Run the preflight checks again.');
      const plugin = `velero-plugin-for-${pluginFor(d.provider) === 'azure' ? 'microsoft-azure' : pluginFor(d.provider)}`;
      const inits: any[] = dep.spec?.template?.spec?.initContainers ?? [];
      if (!inits.some((c) => String(c.name).includes(plugin) || String(c.image).includes(plugin))) {
        throw new LifeboatError('VELERO_NOT_READY', `The installed Velero has no ${plugin} (its plugins: ${inits.map((c) => c.image).join(', ') || 'none'}), so KOTS cannot configure a ${d.provider} destination on it.`, 'Choose a destination its plugin serves, or go back to the preflight and choose upgrade to install Velero with that plugin.');
      }
      notes.push('Velero stays installed (no velero install runs); only the storage destination changes.', `Current location: ${bslSummary(await kube.find(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`).catch(() => undefined))}.`, 'KOTS restarts the Velero pods when the destination changes: backups running at that moment fail.');
    }
    const cfg = this.configureCommand();
    commands.push({ title: 'Configure the destination through KOTS', command: `${Object.keys(cfg.env).map((k) => `${k}=<redacted> `).join('')}kubectl kots ${this.redact(cfg.args, cfg.secrets)}`, note: cfg.effects.join(' ') });
    const bsl = await kube.find(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`).catch(() => undefined);
    objects.push(
      { kind: 'BackupStorageLocation', namespace: ns, name: 'default', action: bsl ? 'change' : 'create', by: 'kubectl kots velero configure' },
      { kind: 'Secret', namespace: ns, name: 'cloud-credentials', action: 'change', by: 'kubectl kots velero configure' },
    );
    if (cfg.env.KOTS_REGISTRY_PASSWORD) objects.push({ kind: 'Secret', namespace: ns, name: PULL_SECRET, action: 'change', by: 'kubectl kots velero configure' });
    if (this.w.preflight?.minimalRbac) {
      const p = ensurePermissionsArgs(this.w.kotsNamespace ?? 'kotsadm', ns);
      commands.push({ title: 'Grant the admin console access to Velero (minimal RBAC)', command: `kubectl kots ${p.args.join(' ')}`, note: p.effects.join(' ') });
    }
    if (d.provider === 'nfs' || d.provider === 'hostpath') {
      notes.push(refusesLvp(version)
        ? `Velero ${version}: KOTS only supports ${d.provider === 'nfs' ? 'NFS' : 'host path'} through its own MinIO (kotsadm-fs-minio); local-volume-provider is refused from Velero 1.17.`
        : 'KOTS deploys kotsadm-fs-minio in front of the file system.');
    }
    if ((d.provider === 'gcp' || d.provider === 'azure') && d.endpoint) {
      notes.push(`The custom API endpoint ${d.endpoint} was used by Lifeboat's check only: kubectl kots velero configure-${d.provider} has no endpoint flag, so Velero in the cluster uses the ${d.provider === 'gcp' ? 'Google' : 'Azure'} endpoint the cluster's DNS resolves (a private endpoint needs its private DNS zone there).`);
    }
    notes.push(configureSecretsNote(cfg));
    const runbook = [`# Velero setup runbook (${new Date().toISOString()})`, '', ...commands.flatMap((c) => [`## ${c.title}`, ...(c.note ? [c.note, ''] : []), '```sh', c.command, '```', '']), '## Verify', '```sh', `kubectl -n ${ns} get backupstoragelocations default -o jsonpath='{.status.phase} {.status.lastSyncedTime}'`, `velero version -n ${ns}`, `velero plugin get -n ${ns}`, '```', ''].join('\n');
    return this.save({ ...this.w, step: 'review', review: { commands, objects, manifests, notes, runbook, at: new Date().toISOString() } });
  }

  back(step: 'preflight' | 'destination' | 'images' | 'review'): SetupWizard {
    requireIdle(this.w);
    if (step === 'images' && !this.w.preflight?.airgap) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'This cluster is not air-gapped: there is no images step.', 'Go back to the destination instead.');
    if (step === 'images' && this.w.mode === 'reconfigure') throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Changing the destination installs no image: there is no images step.', 'Go back to the destination instead.');
    return this.save({ ...this.w, step });
  }

  reset(): SetupWizard {
    requireIdle(this.w);
    return this.save({ step: 'preflight', veleroNamespace: 'velero', credentials: this.secrets.summary(), updatedAt: new Date().toISOString() });
  }

  changeDestination(): SetupWizard {
    requireIdle(this.w);
    const installed = this.env()?.velero.installed || this.w.apply?.state === 'succeeded';
    if (!installed) throw new LifeboatError('VELERO_NOT_READY', 'Velero is not installed, so there is no destination to change.', 'Install it first.');
    return this.save({ ...this.w, mode: 'reconfigure', step: 'destination', validation: undefined, review: undefined, apply: undefined, verification: undefined });
  }

  // ------------------------------------------------------------------ 5. apply

  private async veleroDeployed(): Promise<boolean> {
    return !!(await this.kube().find(`/apis/apps/v1/namespaces/${this.w.veleroNamespace}/deployments/velero`));
  }

  async apply(): Promise<SetupWizard> {
    requireStep(this.w, 'apply');
    const mode = this.w.mode ?? 'install';
    if (this.w.apply && (this.w.apply.state === 'succeeded' || this.w.apply.state === 'interrupted') && this.w.apply.kind !== 'uninstall') {
      throw new LifeboatError('SETUP_IN_PROGRESS', this.w.apply.state === 'succeeded' ? 'This setup was already applied.' : 'An earlier apply was interrupted.', this.w.apply.state === 'succeeded' ? 'Use "Change destination" or "Start over" instead.' : 'Press "Resume" to continue it from where it stopped.');
    }
    if (mode === 'install' && (await this.veleroDeployed())) {
      throw new LifeboatError('VELERO_ALREADY_INSTALLED', `Velero is already installed in namespace ${this.w.veleroNamespace}; Lifeboat does not start a second install.`, 'Run the preflight again and choose reconfigure or upgrade.');
    }
    const ids: SetupPhase['id'][] = mode === 'reconfigure'
      ? ['configure', 'wait-deployment', 'permissions', 'verify']
      : ['prepare', 'install', 'patch', 'wait-deployment', 'wait-node-agent', 'configure', 'wait-deployment', 'permissions', 'verify'];
    const apply: SetupApply = {
      kind: mode === 'reconfigure' ? 'reconfigure' : mode === 'upgrade' ? 'upgrade' : 'install',
      state: 'running',
      startedAt: new Date().toISOString(),
      server: this.s.cluster.status().server,
      phases: ids.map((id, i) => ({ id, title: id === 'wait-deployment' && ids.indexOf('configure') < i && ids.indexOf('configure') >= 0 ? 'Wait for the Velero server after KOTS restarts it' : PHASE_TITLES[id], state: 'pending' as const })),
      diagnosis: [],
    };
    this.save({ ...this.w, step: 'apply', apply, verification: undefined });
    this.drive();
    return this.state();
  }

  async resume(): Promise<SetupWizard> {
    requireIdle(this.w);
    const a = this.w.apply;
    if (!a || !['interrupted', 'failed', 'cancelled'].includes(a.state)) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'There is no interrupted or failed apply to resume.', 'Start the apply from the Review step.');
    const left = a.phases.filter((p) => p.state !== 'succeeded' && p.state !== 'skipped').map((p) => p.id);
    if (left.includes('configure') && this.w.destination && needsSecrets(this.w.destination as Destination) && !this.secrets.summary().held) {
      throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Lifeboat no longer holds the destination\'s credentials (it was restarted); the KOTS configure step needs them.', 'Enter them again on the Destination step (kept in memory only), then press "Resume".');
    }
    if (left.includes('prepare') && this.w.registry?.username && !this.secrets.getRegistryPassword()) {
      throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Lifeboat no longer holds the registry password (it was restarted).', 'Enter the registry again on the Images step, then press "Resume".');
    }
    this.save({ ...this.w, step: 'apply', apply: { ...a, state: 'running', finishedAt: undefined, error: undefined, nextStep: undefined, diagnosis: [], phases: a.phases.map((p) => (p.state === 'succeeded' || p.state === 'skipped' ? p : { ...p, state: 'pending', message: p.state === 'interrupted' ? 'Resumed after an interruption.' : undefined })) } });
    this.drive();
    return this.state();
  }

  cancel(): SetupWizard {
    if (!this.running) return this.state();
    this.running.ctl.abort();
    if (this.running.runId) this.s.runner.cancel(this.running.runId);
    return this.state();
  }

  private drive(): void {
    const ctl = new AbortController();
    const run = { ctl, runId: undefined as string | undefined, promise: Promise.resolve() };
    this.running = run;
    run.promise = this.runPhases(ctl.signal, (id) => (run.runId = id)).finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }

  private setPhase(i: number, patch: Partial<SetupPhase>): void {
    const a = this.w.apply!;
    this.save({ ...this.w, apply: { ...a, phases: a.phases.map((p, k) => (k === i ? { ...p, ...patch } : p)) } });
  }

  private async runPhases(signal: AbortSignal, onRun: (id: string) => void): Promise<void> {
    const a0 = this.w.apply!;
    for (let i = 0; i < a0.phases.length; i++) {
      const phase = this.w.apply!.phases[i]!;
      if (phase.state === 'succeeded' || phase.state === 'skipped') continue;
      this.setPhase(i, { state: 'running', startedAt: new Date().toISOString(), message: undefined });
      try {
        if (signal.aborted) throw new Cancelled();
        const result = await this.runPhase(phase.id, signal, onRun);
        this.setPhase(i, { state: result.skipped ? 'skipped' : 'succeeded', finishedAt: new Date().toISOString(), message: result.message, runId: result.runId });
      } catch (e) {
        const cancelled = signal.aborted || e instanceof Cancelled || (e as LifeboatError).code === 'CANCELLED';
        const err = toErrorData(cancelled ? new LifeboatError('CANCELLED', 'Cancelled by the operator.') : e);
        const diagnosis = [...((err.details?.lastLines as string[] | undefined) ?? []).filter((l) => l.trim()).slice(-12), ...(await this.diagnose().catch(() => []))];
        this.setPhase(i, { state: 'failed', finishedAt: new Date().toISOString(), message: err.message });
        this.save({
          ...this.w,
          apply: { ...this.w.apply!, state: cancelled ? 'cancelled' : 'failed', finishedAt: new Date().toISOString(), error: { code: err.code, message: err.message, hint: err.hint }, diagnosis, nextStep: cancelled ? 'Press "Resume" to continue from this phase; Lifeboat checks the cluster first and never installs twice.' : nextStepFor(phase.id, err, diagnosis) },
        });
        return;
      }
    }
    const verified = this.w.apply!.kind === 'uninstall' || this.w.verification?.ok;
    this.save({ ...this.w, step: verified ? 'done' : 'apply', apply: { ...this.w.apply!, state: verified ? 'succeeded' : 'failed', finishedAt: new Date().toISOString(), ...(verified ? {} : { error: { code: 'SETUP_FAILED', message: 'Velero was set up, but the verification did not pass.', hint: 'See the failed checks below, fix them and press "Verify again".' } }) } });
  }

  private async runPhase(id: SetupPhase['id'], signal: AbortSignal, onRun: (id: string) => void): Promise<{ skipped?: boolean; message?: string; runId?: string }> {
    const ns = this.w.veleroNamespace;
    const kube = this.kube();
    const d = this.w.destination as Destination;
    const reg = this.privateRegistry();
    const secrets = this.secrets.values();
    switch (id) {
      case 'prepare': {
        const msgs: string[] = [];
        if (!(await kube.find(`/api/v1/namespaces/${ns}`))) {
          await kube.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { component: 'velero', 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/audit': 'privileged', 'pod-security.kubernetes.io/audit-version': 'latest', 'pod-security.kubernetes.io/warn': 'privileged', 'pod-security.kubernetes.io/warn-version': 'latest' } } });
          msgs.push(`Created namespace ${ns}.`);
        }
        const user = this.w.registry?.username;
        const pass = this.secrets.getRegistryPassword();
        if (reg && user && pass) {
          const body = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: PULL_SECRET, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'lifeboat' } }, data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [reg.host]: { username: user, password: pass, auth: Buffer.from(`${user}:${pass}`).toString('base64') } } })).toString('base64') } };
          try {
            await kube.post(`/api/v1/namespaces/${ns}/secrets`, body);
          } catch (e) {
            if (!(e instanceof KubeStatusError && e.status === 409)) throw e;
            await kube.patch(`/api/v1/namespaces/${ns}/secrets/${PULL_SECRET}`, { data: body.data });
          }
          msgs.push(`Secret ${PULL_SECRET} for ${reg.host}.`);
        } else if (reg) {
          msgs.push('No registry credentials: the registry must allow anonymous pulls.');
        }
        return { message: msgs.join(' ') || 'Nothing to prepare.' };
      }
      case 'install': {
        if (this.w.apply!.kind === 'install' && (await this.veleroDeployed())) {
          return { skipped: true, message: `Deployment velero already exists in ${ns} (an earlier run got this far): not installed again.` };
        }
        const args = [...installArgs({ veleroVersion: this.w.veleroVersion ?? 'v1.18.3', provider: d.provider, namespace: ns, registry: reg, lock: imagesLockFor(this.s.env) }), ...(this.w.apply!.kind === 'upgrade' ? ['--apply'] : [])];
        const h = await this.s.tools.start('velero', args, { summary: 'Setup: velero install', timeoutMs: this.t.installMs, secrets });
        onRun(h.runId);
        this.setPhase(this.w.apply!.phases.findIndex((p) => p.state === 'running'), { runId: h.runId });
        const r = await h.done;
        if (!/Velero is installed/.test(r.stdout + r.stderr)) throw new LifeboatError('SETUP_FAILED', 'velero install exited without saying Velero is installed.', 'Its output is in Activity.', { lastLines: (r.stdout + '\n' + r.stderr).split('\n').slice(-12) });
        if (!(await this.veleroDeployed())) throw new LifeboatError('SETUP_FAILED', `velero install reported success, but Deployment velero is not in ${ns}.`, 'Check the namespace flag and the output in Activity.');
        return { message: 'Velero objects created.', runId: h.runId };
      }
      case 'patch': {
        if (!reg) return { skipped: true, message: 'Public images: Velero\'s own pull policy is kept.' };
        const withSecret = !!this.w.registry?.username && !!this.secrets.getRegistryPassword();
        for (const [kind, name] of [['deployments', 'velero'], ['daemonsets', 'node-agent']] as const) {
          const path = `/apis/apps/v1/namespaces/${ns}/${kind}/${name}`;
          const obj = await kube.find(path);
          if (!obj) continue;
          const spec = obj.spec.template.spec;
          await kube.patch(path, {
            spec: { template: { spec: {
              ...(withSecret ? { imagePullSecrets: [{ name: PULL_SECRET }] } : {}),
              containers: (spec.containers ?? []).map((c: any) => ({ name: c.name, imagePullPolicy: 'IfNotPresent' })),
              ...(spec.initContainers?.length ? { initContainers: spec.initContainers.map((c: any) => ({ name: c.name, imagePullPolicy: 'IfNotPresent' })) } : {}),
            } } },
          }, 'strategic');
        }
        return { message: `imagePullPolicy IfNotPresent (Velero chose ${veleroPullPolicy(`${reg.host}/x:y`)} for a registry ${reg.host.includes(':') ? 'with a port' : ''})${withSecret ? `, imagePullSecrets ${PULL_SECRET}` : ''}.` };
      }
      case 'wait-deployment': {
        // After KOTS's configure, the pods it deleted still look Ready for a moment: only pods
        // created after configure started count.
        const cfg = this.w.apply!.phases.find((p) => p.id === 'configure' && p.state === 'succeeded');
        return this.waitFor('Deployment velero', `/apis/apps/v1/namespaces/${ns}/deployments/velero`, (o) => {
          const s = o?.status ?? {};
          return (s.observedGeneration ?? 0) >= (o?.metadata?.generation ?? 1) && (s.updatedReplicas ?? 0) >= (o?.spec?.replicas ?? 1) && (s.availableReplicas ?? 0) >= 1 && !(s.unavailableReplicas > 0);
        }, 'deploy=velero', this.t.deploymentMs, signal, cfg?.startedAt);
      }
      case 'wait-node-agent':
        return this.waitFor('DaemonSet node-agent', `/apis/apps/v1/namespaces/${ns}/daemonsets/node-agent`, (o) => {
          const s = o?.status ?? {};
          return (s.observedGeneration ?? 0) >= (o?.metadata?.generation ?? 1) && s.desiredNumberScheduled > 0 && s.numberAvailable === s.desiredNumberScheduled && (s.updatedNumberScheduled ?? 0) === s.desiredNumberScheduled;
        }, 'name=node-agent', this.t.nodeAgentMs, signal);
      case 'configure': {
        const dir = mkdtempSync(join(tmpdir(), 'lifeboat-setup-'));
        try {
          const files: { caCertFile?: string; jsonKeyFile?: string } = {};
          if (d.provider === 's3-compatible' && d.caCertPem) writeFileSync((files.caCertFile = join(dir, 'ca.pem')), d.caCertPem, { mode: 0o600 });
          if (d.provider === 'gcp' && d.auth === 'service-account') writeFileSync((files.jsonKeyFile = join(dir, 'key.json')), this.secrets.getDestination()?.serviceAccountJson ?? '', { mode: 0o600 });
          const cfg = this.configureCommand(files);
          const h = await this.s.tools.start('kubectl-kots', cfg.args, { summary: `Setup: kubectl kots velero ${cfg.args[1]}`, timeoutMs: this.t.configureMs, env: cfg.env, secrets: [...cfg.secrets, ...secrets] });
          onRun(h.runId);
          const r = await h.done;
          // Success is the exit status (the runner throws on any other) and the location KOTS
          // leaves, not its words: configure-nfs/-hostpath print no success line at all.
          const out = parseConfigureOutput(r.stdout, r.stderr);
          // RunResult is the raw output, and the instructions KOTS prints when it finds no Velero end
          // with its own argv (strings.Join(os.Args, " "), kots cmd/kots/cli/velero.go at v1.131.4),
          // access keys included: the lines quoted in an error are redacted like Activity's.
          const quoted = new Redactor([...cfg.secrets, ...secrets]);
          if (out.printedInstructions) throw new LifeboatError('SETUP_FAILED', 'KOTS did not find Velero and only printed install instructions (nothing was configured).', 'Check that the Velero server is running, then resume.', { lastLines: quoted.redactArgs(r.stdout.split('\n').slice(-12)) });
          const bsl = await kube.find(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`);
          const match = locationMatches(bsl?.spec, d, this.w.kotsNamespace ?? 'kotsadm');
          if (!match.ok) throw new LifeboatError('SETUP_FAILED', `kubectl kots exited 0, but ${match.reason}.`, 'See the tool output below; its full output is in Activity. Check the destination, then resume.', { lastLines: quoted.redactArgs((r.stdout + '\n' + r.stderr).split('\n').slice(-12)) });
          return { message: 'KOTS configured the destination (BackupStorageLocation "default" points at it) and restarted Velero.', runId: h.runId };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      case 'permissions': {
        if (!this.w.preflight?.minimalRbac) return { skipped: true, message: 'KOTS has cluster-wide access: not needed.' };
        const p = ensurePermissionsArgs(this.w.kotsNamespace ?? 'kotsadm', ns);
        const r = await this.s.tools.run('kubectl-kots', p.args, { summary: 'Setup: kubectl kots velero ensure-permissions', timeoutMs: 120_000 });
        return { message: 'Role and RoleBinding for kotsadm created.', runId: r.runId };
      }
      case 'verify': {
        const v = await this.verifyNow(signal, this.t.locationMs);
        if (!v.ok) throw new LifeboatError('SETUP_FAILED', `Verification failed: ${v.checks.filter((c) => !c.ok).map((c) => `${c.title} — ${c.reason ?? ''}`).join('; ')}`, v.checks.find((c) => !c.ok)?.fix);
        return { message: `Velero ${v.serverVersion ?? ''} answered; storage location Available and synced.` };
      }
      case 'uninstall': {
        const h = await this.s.tools.start('velero', uninstallArgs(ns), { summary: 'Setup: velero uninstall', timeoutMs: 10 * 60_000 });
        onRun(h.runId);
        await h.done;
        const left = await kube.find(`/api/v1/namespaces/${ns}`);
        const crds = await kube.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions?labelSelector=component%3Dvelero').catch(() => ({ items: [] }));
        if (crds.items?.length) throw new LifeboatError('SETUP_FAILED', `${crds.items.length} Velero CRD(s) are still there after the uninstall.`, 'Run it again, or delete them with kubectl.');
        return { message: left ? `Namespace ${ns} is terminating.` : `Namespace ${ns} and the Velero CRDs are gone.`, runId: h.runId };
      }
    }
  }

  private async waitFor(what: string, path: string, ready: (o: any) => boolean, selector: string, timeoutMs: number, signal: AbortSignal, podsSince?: string): Promise<{ message: string }> {
    const kube = this.kube();
    const start = Date.now();
    let stuckSince: number | undefined;
    let stuckReason = '';
    // Ready must hold over several polls with no pod crashing (Velero's own --wait wants > 4
    // observations): a server that starts and exits looks Available for a moment.
    let readyPolls = 0;
    for (;;) {
      if (signal.aborted) throw new Cancelled();
      const o = await kube.find(path);
      if (!o) throw new LifeboatError('SETUP_FAILED', `${what} does not exist.`, 'The install did not create it; see its output in Activity.');
      const pods = await kube.get(`/api/v1/namespaces/${this.w.veleroNamespace}/pods?labelSelector=${encodeURIComponent(selector)}`).catch(() => ({ items: [] }));
      const waiting = (pods.items ?? []).flatMap((p: any) => [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((c: any) => c.state?.waiting?.reason).filter(Boolean)) as string[];
      const stuck = waiting.find((r) => ['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'CreateContainerConfigError', 'InvalidImageName'].includes(r));
      const items = (pods.items ?? []) as any[];
      const fresh = !podsSince || (items.length > 0 && items.every((p) => !p.metadata?.deletionTimestamp && String(p.metadata?.creationTimestamp ?? '') >= podsSince.slice(0, 19)) && items.some((p) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')));
      // Like velero install --wait: Ready must have held for a while (a server that exits at once
      // looks Ready for a second), and no container may have restarted meanwhile.
      const stable = items.length > 0 && items.every((p) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True' && Date.now() - Date.parse(c.lastTransitionTime ?? '') >= this.t.stableMs));
      readyPolls = ready(o) && !stuck && fresh && stable ? readyPolls + 1 : 0;
      if (readyPolls >= 3) return { message: `${what} ready after ${Math.round((Date.now() - start) / 1000)} s.` };
      stuckSince = stuck ? stuckSince ?? Date.now() : undefined;
      stuckReason = stuck ?? '';
      if (stuckSince && Date.now() - stuckSince > this.t.pullFailureMs) {
        const pull = /Pull|Image/.test(stuckReason);
        throw new LifeboatError('SETUP_FAILED', pull ? `${what}: the cluster cannot pull its image (${stuckReason} for ${Math.round((Date.now() - stuckSince) / 1000)} s).` : `${what}: its container keeps failing (${stuckReason} for ${Math.round((Date.now() - stuckSince) / 1000)} s).`, pull ? 'The pod status and Events below say which image and why.' : 'The pod status and Events below say why; the container log has the details (kubectl logs).');
      }
      if (Date.now() - start > timeoutMs) throw new LifeboatError('SETUP_FAILED', `${what} was not ready within ${Math.round(timeoutMs / 1000)} s.`, 'The pod status and Events below say why.');
      await sleep(this.t.pollMs, signal);
    }
  }

  /** Pod waiting reasons and Warning Events in the Velero namespace: why pods are not running. */
  async diagnose(): Promise<string[]> {
    const kube = this.kube();
    const ns = this.w.veleroNamespace;
    const out: string[] = [];
    const pods = await kube.get(`/api/v1/namespaces/${ns}/pods`).catch(() => ({ items: [] }));
    for (const p of pods.items ?? []) {
      for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
        const w = c.state?.waiting;
        if (w?.reason && !['PodInitializing', 'ContainerCreating'].includes(w.reason)) out.push(`Pod ${p.metadata.name}, container ${c.name}: ${w.reason}${w.message ? ` — ${w.message}` : ''}`);
      }
    }
    const events = await kube.get(`/api/v1/namespaces/${ns}/events`).catch(() => ({ items: [] }));
    const warn = (events.items ?? []).filter((e: any) => e.type === 'Warning').sort((a: any, b: any) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')));
    const seen = new Set<string>();
    for (const e of warn.slice(-20)) {
      const line = `Event ${e.reason} on ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.message}`;
      if (!seen.has(line)) out.push(line);
      seen.add(line);
    }
    return out.slice(-16);
  }

  // ------------------------------------------------------------------ verification

  private async verifyNow(signal?: AbortSignal, waitMs = 0): Promise<NonNullable<SetupWizard['verification']>> {
    const ns = this.w.veleroNamespace;
    const kube = this.kube();
    const deadline = Date.now() + waitMs;
    let bsl: any;
    for (;;) {
      bsl = await kube.find(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`);
      if (bsl?.status?.phase === 'Available' && bsl?.status?.lastSyncedTime) break;
      if (Date.now() >= deadline || signal?.aborted) break;
      await sleep(this.t.pollMs * 2, signal).catch(() => undefined);
    }
    const checks: Check[] = [];
    const phase = bsl?.status?.phase;
    checks.push(!bsl
      ? { ok: false, severity: 'error', title: 'Storage location "default"', reason: 'There is no BackupStorageLocation "default".', fix: 'Run the KOTS configure step again.' }
      : phase === 'Available'
        ? { ok: true, severity: 'ok', title: 'Storage location "default"', reason: `Available (${bsl.spec?.provider} ${bsl.spec?.objectStorage?.bucket}${bsl.spec?.objectStorage?.prefix ? `/${bsl.spec.objectStorage.prefix}` : ''}), validated ${bsl.status?.lastValidationTime ?? ''}.` }
        : { ok: false, severity: 'error', title: 'Storage location "default"', reason: `Phase ${phase ?? 'not set yet'}${bsl.status?.message ? `: ${bsl.status.message}` : ''}.`, fix: 'Velero cannot reach the destination from the cluster: check the endpoint, credentials and CA from inside the cluster network.' });
    checks.push(bsl?.status?.lastSyncedTime
      ? { ok: true, severity: 'ok', title: 'Backups synced from storage', reason: `Last synced ${bsl.status.lastSyncedTime}.` }
      : { ok: false, severity: 'error', title: 'Backups synced from storage', reason: 'Velero has not synced with the storage location yet.', fix: 'Wait a minute and verify again; Velero syncs every minute.' });
    let serverVersion: string | undefined;
    let plugins: string[] = [];
    try {
      const st = await requestServerStatus(this.s.cluster.kubeConfig().makeApiClient(CustomObjectsApi), ns, { timeoutMs: 20_000 });
      serverVersion = st.serverVersion;
      plugins = st.plugins.map((p) => `${p.name} (${p.kind})`);
      checks.push({ ok: true, severity: 'ok', title: 'Velero server answers', reason: `ServerStatusRequest processed: version ${st.serverVersion}.` });
      const needed = pluginKindFor(this.w.destination?.provider);
      checks.push(st.plugins.some((p) => p.name === needed && p.kind === 'ObjectStore')
        ? { ok: true, severity: 'ok', title: 'Object-store plugin loaded', reason: `${needed} is registered.` }
        : { ok: false, severity: 'error', title: 'Object-store plugin loaded', reason: `The server lists no ${needed} ObjectStore plugin.`, fix: 'Check the plugin init container\'s image and the velero pod\'s logs.' });
    } catch (e) {
      const err = toErrorData(e);
      checks.push({ ok: false, severity: 'error', title: 'Velero server answers', reason: err.message, fix: err.hint });
    }
    const v = { ok: checks.every((c) => c.ok), checks, serverVersion, plugins, location: bsl ? { phase, lastSyncedTime: bsl.status?.lastSyncedTime, message: bsl.status?.message } : undefined, at: new Date().toISOString() };
    this.save({ ...this.w, verification: v });
    return v;
  }

  async verify(): Promise<SetupWizard> {
    requireIdle(this.w);
    const v = await this.verifyNow();
    if (v.ok && this.w.apply && this.w.apply.state !== 'succeeded' && this.w.apply.phases.every((p) => p.id === 'verify' || p.state === 'succeeded' || p.state === 'skipped')) {
      return this.save({ ...this.w, step: 'done', apply: { ...this.w.apply, state: 'succeeded', error: undefined, phases: this.w.apply.phases.map((p) => (p.id === 'verify' ? { ...p, state: 'succeeded', message: 'Verified.' } : p)) } });
    }
    return this.state();
  }

  // ------------------------------------------------------------------ 6. uninstall

  async uninstall(confirm: string): Promise<SetupWizard> {
    requireIdle(this.w);
    const ns = this.env()?.velero.namespace ?? this.w.veleroNamespace;
    if (confirm !== ns) throw new LifeboatError('CONFIRMATION_MISMATCH', `Type the Velero namespace "${ns}" to confirm removing Velero.`, 'Removing Velero deletes its CRDs (Backups, Restores, Schedules objects — not the data in storage) and the namespace.');
    this.save({
      ...this.w,
      veleroNamespace: ns,
      step: 'apply',
      apply: { kind: 'uninstall', state: 'running', startedAt: new Date().toISOString(), server: this.s.cluster.status().server, phases: [{ id: 'uninstall', title: PHASE_TITLES.uninstall, state: 'pending' }], diagnosis: [] },
      verification: undefined,
    });
    this.drive();
    await this.running?.promise;
    if (this.w.apply?.state === 'succeeded') return this.save({ ...this.w, step: 'preflight', mode: undefined, preflight: undefined, review: undefined, validation: undefined });
    return this.state();
  }
}

/**
 * What the review says about where the configure command's secrets travel (kots/configure.ts header:
 * kots's viper reads KOTS_<FLAG> only for flags absent from argv, and the access keys and the Azure
 * client secret are required flags).
 */
export function configureSecretsNote(cfg: { env: Record<string, string>; secretFlagsInArgv: string[] }): string {
  const env = Object.keys(cfg.env);
  const inEnv = env.length ? ` ${env.join(', ')} ${env.length > 1 ? 'go' : 'goes'} to kubectl kots as an environment variable, which only your user and root can read.` : '';
  if (!cfg.secretFlagsInArgv.length) return `Secrets are shown as <redacted>. No secret is on kubectl kots's command line.${inEnv} Lifeboat redacts them from its activity log.`;
  return `Secrets are shown as <redacted>. ${cfg.secretFlagsInArgv.join(' and ')} must be on kubectl kots's command line: KOTS v1.131.4 marks ${cfg.secretFlagsInArgv.length > 1 ? 'them' : 'it'} required and then ignores its KOTS_ environment variable, and has no file option for ${cfg.secretFlagsInArgv.length > 1 ? 'them' : 'it'} (kots cmd/kots/cli/velero.go at v1.131.4). While the command runs, any user logged in to the computer running Lifeboat (the app, or the web-mode server) can read ${cfg.secretFlagsInArgv.length > 1 ? 'these values' : 'this value'} in the process list (ps, /proc/<pid>/cmdline). Run it where no one else is logged in, or rotate the credential afterwards.${inEnv} Lifeboat redacts every secret from its activity log.`;
}

function needsSecrets(d: Destination): boolean {
  return d.provider === 's3-compatible' || d.provider === 'azure' || (d.provider === 'aws' && d.auth === 'access-key') || (d.provider === 'gcp' && d.auth === 'service-account');
}

function bslSummary(bsl: any): string {
  if (!bsl) return 'none';
  const o = bsl.spec?.objectStorage ?? {};
  return `${bsl.spec?.provider} ${o.bucket}${o.prefix ? `/${o.prefix}` : ''}${bsl.spec?.config?.s3Url ? ` at ${bsl.spec.config.s3Url}` : ''} (${bsl.status?.phase ?? 'no phase'})`;
}

function pluginKindFor(provider: SetupDestination['provider'] | undefined): string {
  if (provider === 'gcp') return 'velero.io/gcp';
  if (provider === 'azure') return 'velero.io/azure';
  return 'velero.io/aws';
}

function nextStepFor(id: SetupPhase['id'], err: { code: string; message: string; hint?: string }, diagnosis: string[]): string {
  const pull = diagnosis.some((l) => /ErrImagePull|ImagePullBackOff|Failed to pull/i.test(l));
  if (pull) return 'The cluster cannot pull an image: go back to the Images step, check the image is in the registry (push it), check the pull secret\'s credentials, then press "Resume" — the pods retry on their own.';
  if (id === 'configure') return 'Fix what KOTS reports above (destination, credentials, registry), go back to the Destination step if needed, then press "Resume".';
  if (id === 'verify') return 'Velero is installed; press "Verify again" once the cause above is fixed.';
  return err.hint ?? 'Fix the cause above, then press "Resume".';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Cancelled());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

