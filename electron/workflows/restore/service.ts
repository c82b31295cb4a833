/**
 * The disaster-recovery restore wizard as an explicit state machine:
 *
 *   situation → backup → type → confirm → run → verify → report
 *
 * The wizard (and the run with its ordered steps) is persisted in the data directory BEFORE each
 * step runs (state.ts), so closing Lifeboat mid-restore and opening it again re-attaches to the
 * Velero Restores already running and never starts a second restore.
 *
 * A run is one or two ordered steps, each one `kubectl kots restore` call followed through Velero:
 *   admin console  `--exclude-apps`           → Velero Restore <backup>.kotsadm
 *   application    `--exclude-admin-console`  → Velero Restore <backup>.<app-slug> (created by kotsadm)
 * A full restore runs both in that order, which is what the CLI itself does in one call; as two
 * steps each is persisted, followed and resumable on its own. The CLI's word is never trusted
 * (kots cmd/kots/cli/restore.go, pkg/snapshot/restore.go and pkg/kotsadmsnapshot/restore.go at
 * v1.131.4): success means the Velero Restores exist and ended Completed, and the admin console
 * and the application's workloads are ready afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  Check,
  RestoreBackup,
  RestoreImpact,
  RestoreObjectRef,
  RestoreProgress,
  RestoreRegistryArchive,
  RestoreRegistryPlan,
  RestoreRegistryStep,
  RestoreReport,
  RestoreRun,
  RestoreRunStep,
  RestoreSituation,
  RestoreStep,
  RestoreStorage,
  RestoreType,
  RestoreVerification,
  RestoreWizard,
} from '../../api/contract.js';
import { LifeboatError, toErrorData } from '../../api/errors.js';
import { parseRestoreOutput, restoreArgs } from '../../kots/restore.js';
import type { Services } from '../services.js';
import { sortBackups, type EligibilityContext } from './eligibility.js';
import { backupRows, describeRow, findBackupRow, rowChecks, type BackupRow } from './groups.js';
import { storeFetch } from '../../velero/storeFetch.js';
import { ADMIN_DELETE_CLUSTER_KINDS, ADMIN_DELETE_KINDS, APP_DELETE_KINDS, appsInRestore, computeImpact, parseResourceList, refKey, type ResourceList } from './impact.js';
import { journalClusterWrites } from '../../cluster/rest.js';
import { isNotFound, kubeJson, type KubeJson } from './kube.js';
import { buildReport } from './report.js';
import { registryNeed, SKIP_CONSEQUENCE, stepFromJob } from './registry-step.js';
import { registryService } from '../registry/handlers.js';
import type { RegistryService } from '../registry/service.js';
import { WizardStore, initialWizard, requireStep, runActive, stepIndex } from './state.js';
import { isTerminalRestore, VeleroReader, type VeleroBackup, type VeleroRestore } from './velero.js';
import { findKotsadm } from '../../environment/kotsadm.js';

export interface RestoreTimeouts {
  /** How long a step's Velero Restore may take to appear once the CLI is done (or on re-attach). */
  appearMs: number;
  /** How long one Velero Restore may run before Lifeboat stops waiting and says so. */
  restoreMs: number;
  /** The kubectl-kots call itself (it waits for the admin console restore with no timeout of its own). */
  cliMs: number;
  /** Waiting for the admin console and the workloads to be ready after the restore. */
  readyMs: number;
  pollMs: number;
}

export const DEFAULT_TIMEOUTS: RestoreTimeouts = {
  appearMs: 5 * 60_000,
  restoreMs: 4 * 60 * 60_000,
  cliMs: 4 * 60 * 60_000,
  readyMs: 10 * 60_000,
  pollMs: 2000,
};

const IN_PROGRESS_HINT = 'Wait for it to finish (Velero restores cannot be stopped halfway safely), then start again.';

export class RestoreService {
  private w: RestoreWizard;
  private readonly store: WizardStore;
  private readonly t: RestoreTimeouts;
  /** Bumped to detach the follower (disconnect, dispose); a stale follower writes nothing. */
  private gen = 0;
  private driving?: Promise<void>;
  private readonly offConnection: () => void;

  constructor(private readonly s: Services, opts: { timeouts?: Partial<RestoreTimeouts>; appVersion?: string } = {}) {
    this.store = new WizardStore(s.dataDir);
    this.w = this.store.load();
    if (this.w.registry?.state === 'running') {
      // The re-seed ran in a Lifeboat that closed: the step resumes from here when run again.
      this.w = this.store.save({ ...this.w, registry: { ...this.w.registry, state: 'interrupted', error: { code: 'REGISTRY_FAILED', message: 'Lifeboat was closed while the re-seed ran.', hint: 'Run it again: blobs already in the registry are skipped.' } } });
    }
    this.t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.appVersion = opts.appVersion ?? '0.0.0';
    this.offConnection = s.cluster.onConnectionChange((kc) => {
      this.gen++;
      this.driving = undefined;
      if (kc) this.attach();
    });
    if (s.cluster.isConnected()) this.attach();
  }

  private readonly appVersion: string;

  // ------------------------------------------------------------------ wizard steps

  state(): RestoreWizard {
    this.attach();
    return this.w;
  }

  setSituation(situation: RestoreSituation, readOnlyDuringRestore?: boolean): RestoreWizard {
    requireStep(this.w, 'situation');
    return this.save({ ...this.fresh(), situation, readOnlyDuringRestore: situation === 'new-cluster' ? (readOnlyDuringRestore ?? true) : false, step: 'backup' });
  }

  async storage(): Promise<RestoreStorage> {
    const env = this.s.detector.get();
    const checks: Check[] = [];
    const installed = !!env?.velero.installed;
    const ns = this.veleroNamespace();
    if (!installed) {
      checks.push({ ok: false, severity: 'error', title: 'Velero is not installed', reason: 'This cluster has no Velero yet, so it cannot see the backups.', fix: 'Install Velero against the same storage (bucket and prefix) on the Setup screen, then come back.' });
      return { veleroInstalled: false, backupCount: 0, ready: false, checks };
    }
    const velero = this.velero();
    const locations = await velero.locations();
    const loc = locations.find((l) => l.spec?.default) ?? locations.find((l) => l.metadata.name === 'default') ?? locations[0];
    // Counted as the list shows them: an improved-DR backup's two Velero Backups are one (groups.ts).
    const backups = loc ? backupRows((await velero.backups()).filter((b) => (b.spec?.storageLocation ?? loc.metadata.name) === loc.metadata.name)) : [];
    if (!loc) {
      checks.push({ ok: false, severity: 'error', title: 'No backup storage location', reason: 'Velero is installed but has no backup storage location.', fix: 'Configure the storage the backups were written to on the Setup screen.' });
    } else if (loc.status?.phase !== 'Available') {
      checks.push({ ok: false, severity: 'error', title: 'Storage not available', reason: `Storage location ${loc.metadata.name} is ${loc.status?.phase ?? 'not validated yet'}${loc.status?.message ? `: ${loc.status.message}` : '.'}`, fix: 'Check the bucket, prefix and credentials on the Setup screen. Velero re-checks every minute.' });
    } else if (!loc.status?.lastSyncedTime) {
      checks.push({ ok: true, severity: 'warning', title: 'Waiting for Velero to read the backups', reason: 'Velero has not synced the backups from the storage yet (it does so about once a minute).', fix: 'Wait a minute; this refreshes by itself.' });
    } else if (backups.length === 0) {
      checks.push({ ok: true, severity: 'warning', title: 'No backups found', reason: `Velero synced storage location ${loc.metadata.name} but found no backups in it.`, fix: 'Check that the bucket and prefix are the ones the old cluster wrote to.' });
    } else {
      checks.push({ ok: true, severity: 'ok', title: 'Backups visible', reason: `${backups.length} backup${backups.length === 1 ? '' : 's'} synced from ${loc.spec?.objectStorage?.bucket ?? loc.metadata.name}.` });
    }
    return {
      veleroInstalled: true,
      veleroNamespace: ns,
      veleroVersion: env?.velero.version,
      location: loc
        ? {
            name: loc.metadata.name,
            provider: loc.spec?.provider ?? '',
            bucket: loc.spec?.objectStorage?.bucket,
            prefix: loc.spec?.objectStorage?.prefix,
            phase: loc.status?.phase,
            accessMode: loc.spec?.accessMode === 'ReadOnly' ? 'ReadOnly' : 'ReadWrite',
            lastSyncedTime: loc.status?.lastSyncedTime,
            message: loc.status?.message,
          }
        : undefined,
      backupCount: backups.length,
      ready: !!loc && loc.status?.phase === 'Available' && !!loc.status?.lastSyncedTime,
      checks,
    };
  }

  async backups(): Promise<RestoreBackup[]> {
    const { list, ctx } = await this.readBackups();
    return sortBackups(backupRows(list).map((r) => describeRow(r, ctx)));
  }

  async selectBackup(name: string): Promise<RestoreWizard> {
    requireStep(this.w, 'backup');
    const { list, ctx } = await this.readBackups();
    // By the row's name, or a Velero Backup's (an improved-DR pair is refused as a whole).
    const row = findBackupRow(list, name);
    if (!row) throw new LifeboatError('BACKUP_NOT_RESTORABLE', `There is no backup named ${name} on this cluster.`, 'Refresh the list; on a new cluster wait for Velero to sync the backups.');
    this.refuseIneligible(row, ctx);
    const d = describeRow(row, ctx);
    const appSlug = d.apps[0]?.slug ?? this.s.detector.get()?.kots.apps[0]?.slug;
    return this.save({ ...this.w, backup: row.name, appSlug, type: undefined, registry: undefined, step: 'type', run: undefined });
  }

  async selectType(type: RestoreType): Promise<RestoreWizard> {
    requireStep(this.w, 'type');
    const env = this.s.detector.get();
    if (type === 'app' && env && !env.kots.found) {
      throw new LifeboatError('BAD_INPUT', 'There is no admin console on this cluster to restore the application into.', 'Choose a full restore, or restore the admin console first.');
    }
    if (type !== 'admin-console' && !this.w.appSlug) {
      throw new LifeboatError('BAD_INPUT', 'Lifeboat cannot tell which application this backup holds.', 'Choose "admin console only", or pick a backup that lists its application.');
    }
    // The rebuilt-cluster path: the cluster registry gets the images back before the application.
    let registry: RestoreRegistryStep | undefined;
    if (type !== 'admin-console') {
      const b = await this.velero().backup(this.w.backup!).catch(() => undefined);
      const reason = registryNeed(this.w.situation, env, b);
      if (reason) registry = this.w.registry && this.w.registry.state !== 'skipped' ? { ...this.w.registry, reason } : { reason, state: 'pending' };
    }
    return this.save({ ...this.w, type, registry, step: registry ? 'registry' : 'confirm' });
  }

  // ------------------------------------------------------------------ registry step (rebuilt cluster)

  private registry() {
    return registryService(this.s);
  }

  /** Exports Lifeboat made earlier that the step can push (newest first). */
  async registryArchives(): Promise<RestoreRegistryArchive[]> {
    return this.registry().finishedExports();
  }

  /** What of the archive the cluster registry lacks (changes nothing). */
  async registryPlan(source: string, caPath?: string): Promise<RestoreRegistryPlan> {
    requireStep(this.w, 'registry');
    const c = await this.registry().compareArchive({ source, caPath });
    return { source, ...c, missing: c.tags.filter((t) => !t.present).length };
  }

  /**
   * Push the archive into the cluster registry and verify every tag. The step (source, state
   * "running") is persisted BEFORE the job starts; a rerun after a close, failure or cancel pushes
   * only what is still missing (blobs the registry has are skipped).
   */
  async registryReseed(source: string, caPath?: string): Promise<RestoreWizard> {
    requireStep(this.w, 'registry');
    const cur = this.w.registry!;
    if (cur.state === 'running' && cur.jobId && this.registry().isRunning(cur.jobId)) {
      throw new LifeboatError('REGISTRY_BUSY', 'The registry re-seed is already running.', 'Follow its progress here, or cancel it.', { jobId: cur.jobId });
    }
    const pending: RestoreRegistryStep = { reason: cur.reason, state: 'running', source, caPath, startedAt: new Date().toISOString() };
    this.save({ ...this.w, step: 'registry', registry: pending });
    let started: Awaited<ReturnType<RegistryService['startReseedForRestore']>>;
    try {
      started = await this.registry().startReseedForRestore({ source, caPath });
    } catch (err) {
      const e = toErrorData(err);
      this.save({ ...this.w, registry: { ...pending, state: 'failed', finishedAt: new Date().toISOString(), error: { code: e.code, message: e.message, hint: e.hint } } });
      throw err;
    }
    const { job, done } = started;
    this.save({ ...this.w, registry: { ...pending, jobId: job.id, registry: job.registry } });
    void done.then((j) => {
      const r = this.w.registry;
      if (!r || r.jobId !== j.id) return; // the wizard moved on (reset, other backup)
      this.save({ ...this.w, registry: stepFromJob(r, j) });
    });
    return this.w;
  }

  /** Skip the step: only as an explicit choice, with its consequence recorded. */
  registrySkip(): RestoreWizard {
    requireStep(this.w, 'registry');
    const r = this.w.registry!;
    if (r.state === 'running' && r.jobId && this.registry().isRunning(r.jobId)) {
      throw new LifeboatError('REGISTRY_BUSY', 'The registry re-seed is running; cancel it before skipping the step.', 'Cancel the re-seed first.');
    }
    return this.save({ ...this.w, step: 'confirm', registry: { ...r, state: 'skipped', skippedConsequence: SKIP_CONSEQUENCE, finishedAt: new Date().toISOString() } });
  }

  /** After a verified re-seed: on to confirming the restore. */
  registryContinue(): RestoreWizard {
    requireStep(this.w, 'registry');
    if (this.w.registry!.state !== 'succeeded') {
      throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'The registry has not been re-seeded and verified yet.', 'Re-seed it (every tag must resolve to the archive\'s digest), or skip the step explicitly.');
    }
    return this.save({ ...this.w, step: 'confirm' });
  }

  back(step: RestoreStep): RestoreWizard {
    requireStep(this.w, step);
    if (step === 'registry' && this.w.registry?.state === 'skipped') {
      return this.save({ ...this.w, step, run: undefined, registry: { reason: this.w.registry.reason, state: 'pending' } });
    }
    if (stepIndex(step) > stepIndex(this.w.step)) throw new LifeboatError('WIZARD_OUT_OF_ORDER', `Step "${step}" is ahead of the current one.`, 'Use the buttons on the Restore screen.');
    return this.save({ ...this.w, step, run: undefined });
  }

  reset(): RestoreWizard {
    if (runActive(this.w)) requireStep(this.w, 'situation');
    return this.save(initialWizard());
  }

  async preview(): Promise<RestoreImpact> {
    requireStep(this.w, 'confirm');
    const { backup: name, type } = this.w;
    const velero = this.velero();
    const b = await velero.backup(name!);
    if (!b) throw new LifeboatError('BACKUP_NOT_RESTORABLE', `Backup ${name} is gone from this cluster.`, 'Pick another backup.');
    const kube = this.kube();
    const kotsadmNs = b.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] ?? this.s.detector.get()?.kots.namespace ?? 'default';
    const appNamespaces = (b.spec?.includedNamespaces ?? []).filter((n) => n !== kotsadmNs && n !== '*');
    const toDelete: RestoreObjectRef[] = [];
    const backupSlugs = this.appSlugsOf(b);
    const installedNow = type === 'app' || type === 'full' ? await this.installedApps(kube, backupSlugs) : undefined;
    // Application-only: KOTS undeploys the apps installed now, not the backup's (impact.ts appsInRestore).
    const slugs = type === 'admin-console' ? backupSlugs : appsInRestore(type!, backupSlugs, installedNow).restoreNames;
    if (type !== 'admin-console') {
      for (const ns of appNamespaces) {
        for (const k of APP_DELETE_KINDS) {
          for (const slug of slugs) {
            const list = await kube.getOrUndefined<{ items?: Array<{ metadata: { name: string } }> }>(`${k.path}/namespaces/${ns}/${k.plural}?labelSelector=${encodeURIComponent(`kots.io/app-slug=${slug}`)}`);
            for (const o of list?.items ?? []) toDelete.push({ kind: k.kind, namespace: ns, name: o.metadata.name });
          }
        }
      }
    }
    if (type !== 'app') {
      const sel = encodeURIComponent('kots.io/kotsadm=true');
      for (const k of ADMIN_DELETE_KINDS) {
        const list = await kube.getOrUndefined<{ items?: Array<{ metadata: { name: string } }> }>(`${k.path}/namespaces/${kotsadmNs}/${k.plural}?labelSelector=${sel}`);
        for (const o of list?.items ?? []) toDelete.push({ kind: k.kind, namespace: kotsadmNs, name: o.metadata.name });
      }
      for (const k of ADMIN_DELETE_CLUSTER_KINDS) {
        const list = await kube.getOrUndefined<{ items?: Array<{ metadata: { name: string } }> }>(`${k.path}/${k.plural}?labelSelector=${sel}`);
        for (const o of list?.items ?? []) toDelete.push({ kind: k.kind, name: o.metadata.name });
      }
    }
    let resourceList: ResourceList | undefined;
    let problem: string | undefined;
    try {
      const buf = await velero.download('BackupResourceList', name!);
      if (buf) resourceList = parseResourceList(buf.toString('utf8'));
      else problem = 'the backup storage has no resource list for this backup';
    } catch (e) {
      problem = e instanceof LifeboatError ? e.message : (e as Error).message;
    }
    const existing = new Set<string>(toDelete.map(refKey));
    if (resourceList) {
      // Which of the objects to restore exist now (only namespaces and the kinds we can list cheaply).
      for (const [gvk, items] of Object.entries(resourceList)) {
        const kind = gvk.slice(gvk.lastIndexOf('/') + 1);
        if (kind !== 'Namespace') continue;
        for (const n of items) if (await kube.getOrUndefined(`/api/v1/namespaces/${n}`)) existing.add(refKey({ kind, name: n }));
      }
      for (const ns of new Set(Object.values(resourceList).flat().filter((i) => i.includes('/')).map((i) => i.split('/')[0]))) {
        for (const k of APP_DELETE_KINDS) {
          const list = await kube.getOrUndefined<{ items?: Array<{ metadata: { name: string } }> }>(`${k.path}/namespaces/${ns}/${k.plural}`).catch(() => undefined);
          for (const o of list?.items ?? []) existing.add(refKey({ kind: k.kind, namespace: ns, name: o.metadata.name }));
        }
      }
    }
    return computeImpact({ backup: name!, type: type!, kotsadmNamespace: kotsadmNs, appSlugs: backupSlugs, installedNow, appNamespaces, resourceList, resourceListProblem: problem, toDelete, existing });
  }

  /** Starts the restore after every check; resolves once the run is persisted and started. */
  async start(confirm: string): Promise<RestoreWizard> {
    requireStep(this.w, 'run');
    this.checkConfirm(confirm);
    const { list, ctx } = await this.readBackups();
    const b = list.find((x) => x.metadata.name === this.w.backup);
    if (!b) throw new LifeboatError('BACKUP_NOT_RESTORABLE', `Backup ${this.w.backup} is gone from this cluster.`, 'Go back and pick another backup.');
    this.refuseIneligible(findBackupRow(list, b.metadata.name)!, ctx);
    await this.refuseInProgress();
    const env = this.s.detector.get();
    if (env && !env.velero.ready && env.velero.installed) {
      throw new LifeboatError('VELERO_NOT_READY', 'The Velero server is not ready, so nothing would restore.', 'Check the velero Deployment in the Overview, then try again.');
    }
    const type = this.w.type!;
    const kotsadmNamespace = b.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] ?? env?.kots.namespace ?? 'default';
    // KOTS creates `<backup>.<slug>` for the apps it decides on (impact.ts appsInRestore); the ones
    // verified afterwards are those that come back.
    const who = appsInRestore(type, this.appSlugsOf(b), type === 'app' ? await this.installedApps(this.kube(), this.appSlugsOf(b)) : undefined);
    const appSlugs = who.comesBack.length ? who.comesBack : this.appSlugsOf(b);
    const backup = b.metadata.name;
    const steps: RestoreRunStep[] = [];
    if (type !== 'app') steps.push({ component: 'admin-console', state: 'pending', restoreNames: [`${backup}.kotsadm`] });
    if (type !== 'admin-console') steps.push({ component: 'app', state: 'pending', restoreNames: who.restoreNames.map((s) => `${backup}.${s}`) });
    const run: RestoreRun = {
      id: `${backup}-${Date.now().toString(36)}`,
      backup,
      type,
      appSlugs,
      server: this.s.cluster.status().server,
      kotsadmNamespace,
      veleroNamespace: this.veleroNamespace(),
      startedAt: new Date().toISOString(),
      state: 'running',
      steps,
      restores: [],
    };
    this.save({ ...this.w, step: 'run', run });
    this.attach();
    return this.w;
  }

  /** Runs an interrupted or failed step again, after the operator confirms again. */
  async resume(confirm: string): Promise<RestoreWizard> {
    const run = this.w.run;
    if (!run || runActive(this.w)) {
      throw new LifeboatError(run ? 'RESTORE_IN_PROGRESS' : 'WIZARD_OUT_OF_ORDER', run ? 'The restore is still running.' : 'There is no restore to continue.', run ? IN_PROGRESS_HINT : 'Start a restore from the Restore screen.');
    }
    const idx = run.steps.findIndex((s) => s.state === 'interrupted' || s.state === 'failed');
    if (idx < 0) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Every step of this restore already finished.', 'Start a new restore if you need another one.');
    this.checkConfirm(confirm);
    await this.refuseInProgress();
    const steps = run.steps.map((s, i) => (i >= idx ? { ...s, state: 'pending' as const, message: undefined, runId: undefined, finishedAt: undefined } : s));
    this.save({ ...this.w, step: 'run', run: { ...run, state: 'running', steps, error: undefined, finishedAt: undefined, verification: undefined } });
    this.attach();
    return this.w;
  }

  async verify(): Promise<RestoreWizard> {
    const run = this.w.run;
    if (!run || runActive(this.w)) throw new LifeboatError('WIZARD_OUT_OF_ORDER', run ? 'The restore is still running; it is checked when it ends.' : 'There is no restore to check.', 'Wait for the restore to finish.');
    const gen = this.gen;
    const verification = await this.verifyRun(run, 0);
    if (gen !== this.gen) return this.w;
    const next = { ...run, verification, state: outcomeOf({ ...run, verification }) };
    this.save({ ...this.w, step: 'report', run: next });
    this.writeReport();
    return this.w;
  }

  report(): RestoreReport {
    const run = this.w.run;
    if (!run) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'There is no restore to report on yet.', 'Run a restore first.');
    const { data, markdown } = buildReport(this.w, run, { version: this.appVersion });
    const saved = this.writeReport();
    return { fileName: reportName(run), json: JSON.stringify(data, null, 2), markdown, savedTo: saved };
  }

  dispose(): void {
    this.gen++;
    this.driving = undefined;
    this.offConnection();
  }

  /** Resolves when the current follower stops (tests). */
  async settled(): Promise<void> {
    while (this.driving) await this.driving;
  }

  // ------------------------------------------------------------------ the run

  /** Starts following the persisted run if one is active and we are connected to its cluster. */
  private attach(): void {
    if (this.driving || !runActive(this.w) || !this.s.cluster.isConnected()) return;
    const run = this.w.run!;
    if (run.server && this.s.cluster.status().server && run.server !== this.s.cluster.status().server) return;
    const gen = this.gen;
    const p = this.drive(gen)
      .catch((err) => {
        if (gen !== this.gen) return;
        const e = toErrorData(err);
        const cur = this.w.run;
        if (cur) this.finish(gen, { ...cur, state: 'failed', error: { code: e.code, message: e.message, hint: e.hint } });
      })
      .finally(() => {
        if (this.driving === p) this.driving = undefined;
      });
    this.driving = p;
  }

  private async drive(gen: number): Promise<void> {
    let run = this.w.run!;
    if (run.state === 'running') {
      if (this.w.situation === 'new-cluster' && this.w.readOnlyDuringRestore && !run.readOnlyLocation) {
        run = await this.makeReadOnly(gen, run);
      }
      for (let i = 0; i < run.steps.length; i++) {
        if (gen !== this.gen) return;
        const step = this.w.run!.steps[i];
        if (step.state === 'succeeded' || step.state === 'attention') continue;
        if (step.state === 'failed' || step.state === 'interrupted') break;
        const result = await this.runStep(gen, i);
        if (gen !== this.gen) return;
        if (result === 'failed' || result === 'interrupted') {
          const cur = this.w.run!;
          const msg = cur.steps[i].message ?? `The ${cur.steps[i].component === 'app' ? 'application' : 'admin console'} step did not finish.`;
          const error = result === 'interrupted'
            ? { code: 'RESTORE_FAILED', message: msg, hint: 'Nothing was restored by that step. Choose "Run the step again" to continue.' }
            : { code: 'RESTORE_FAILED', message: msg, hint: 'Read the restore warnings and errors below and the command output in Activity. Fix the cause, then run the step again.' };
          await this.finish(gen, { ...cur, state: result, error });
          return;
        }
      }
      if (gen !== this.gen) return;
      this.save({ ...this.w, step: 'verify', run: { ...this.w.run!, state: 'verifying' } }, gen);
    }
    const verification = await this.verifyRun(this.w.run!, this.t.readyMs, gen);
    if (gen !== this.gen) return;
    const cur = { ...this.w.run!, verification };
    await this.finish(gen, { ...cur, state: outcomeOf(cur) });
  }

  private async finish(gen: number, run: RestoreRun): Promise<void> {
    if (gen !== this.gen) return;
    let next: RestoreRun = { ...run, finishedAt: new Date().toISOString() };
    if (next.readOnlyLocation && !next.readOnlyLocation.restored) {
      try {
        if (next.readOnlyLocation.previous !== 'ReadOnly') await this.velero(next.veleroNamespace).setAccessMode(next.readOnlyLocation.name, next.readOnlyLocation.previous);
        next = { ...next, readOnlyLocation: { ...next.readOnlyLocation, restored: true } };
      } catch {
        // left read-only: the report says so, with the fix
      }
    }
    this.save({ ...this.w, step: 'report', run: next }, gen);
    this.writeReport();
  }

  private async makeReadOnly(gen: number, run: RestoreRun): Promise<RestoreRun> {
    const velero = this.velero(run.veleroNamespace);
    const b = await velero.backup(run.backup);
    const name = b?.spec?.storageLocation ?? 'default';
    const loc = (await velero.locations()).find((l) => l.metadata.name === name);
    if (!loc) return run;
    const previous = loc.spec?.accessMode === 'ReadOnly' ? 'ReadOnly' : 'ReadWrite';
    // Persist what to set back BEFORE changing it.
    const next = { ...run, readOnlyLocation: { name, previous, restored: false } } as RestoreRun;
    this.save({ ...this.w, run: next }, gen);
    if (previous !== 'ReadOnly') await velero.setAccessMode(name, 'ReadOnly');
    return next;
  }

  private updateStep(gen: number, i: number, patch: Partial<RestoreRunStep>): RestoreRunStep {
    const run = this.w.run!;
    const steps = run.steps.map((s, j) => (j === i ? { ...s, ...patch } : s));
    this.save({ ...this.w, run: { ...run, steps } }, gen);
    return steps[i];
  }

  private async runStep(gen: number, i: number): Promise<RestoreRunStep['state']> {
    let step = this.w.run!.steps[i];
    const run = this.w.run!;
    const velero = this.velero(run.veleroNamespace);
    let cli: Promise<{ ok: boolean; message?: string }> | undefined;
    let cliResult: { ok: boolean; message?: string } | undefined;

    if (step.state === 'pending') {
      // Restores with our names from earlier runs are replaced by kots; remember them so they are not mistaken for ours.
      // kots deletes and recreates a Restore of the same name, but Velero takes a moment to delete one
      // (its files in the storage go too) and the create then fails; so Lifeboat removes finished
      // ones itself first and waits until they are gone. Their results are in that run's report.
      const ignoreUids: string[] = [];
      for (const n of step.restoreNames) {
        const r = await velero.restore(n);
        if (!r) continue;
        if (r.metadata.uid) ignoreUids.push(r.metadata.uid);
        if (isTerminalRestore(r.status?.phase)) await velero.deleteRestore(n, this.t.appearMs);
      }
      step = this.updateStep(gen, i, { state: 'starting', startedAt: new Date().toISOString(), ignoreUids });
      if (gen !== this.gen) return 'interrupted';
      const args = restoreArgs({ backup: run.backup, scope: step.component === 'app' ? 'app' : 'admin-console', veleroNamespace: run.veleroNamespace });
      const handle = await this.s.tools.start('kubectl-kots', args, {
        timeoutMs: this.t.cliMs,
        summary: `Restore ${step.component === 'app' ? 'the application' : 'the admin console'} from backup ${run.backup}`,
      });
      step = this.updateStep(gen, i, { state: 'running', runId: handle.runId });
      cli = handle.done.then(
        (r) => {
          const out = parseRestoreOutput(r.stdout);
          return out.success ? { ok: true } : { ok: false, message: `kubectl kots restore: ${out.error ?? 'failed without saying why'}` };
        },
        (err) => ({ ok: false, message: toErrorData(err).message }),
      );
      cli.then((r) => (cliResult = r));
    } else if (step.state === 'starting') {
      // Closed between persisting the step and starting the command (or while it ran): re-attach.
      step = this.updateStep(gen, i, { state: 'running' });
    }

    const ignore = new Set(step.ignoreUids ?? []);
    let appearDeadline = cli ? Infinity : Date.now() + this.t.appearMs;
    let cliSettledAt: number | undefined;
    const started = Date.now();
    for (;;) {
      if (gen !== this.gen) return 'interrupted';
      if (cli && cliResult && cliSettledAt === undefined) {
        cliSettledAt = Date.now();
        // The CLI waits for the admin console's Restore itself, and a failed CLI created nothing:
        // only an application step that kots accepted needs the long wait (kotsadm undeploys first).
        appearDeadline = Date.now() + (step.component === 'app' && cliResult.ok ? this.t.appearMs : Math.min(this.t.appearMs, 15_000));
      }
      const found: VeleroRestore[] = [];
      for (const n of step.restoreNames) {
        const r = await velero.restore(n).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        if (r && !(r.metadata.uid && ignore.has(r.metadata.uid))) found.push(r);
      }
      const progress = await Promise.all(found.map((r) => this.progressOf(velero, r, step)));
      this.mergeProgress(gen, progress);
      if (gen !== this.gen) return 'interrupted';

      const allThere = found.length === step.restoreNames.length;
      if (allThere && found.every((r) => isTerminalRestore(r.status?.phase))) {
        const failed = found.filter((r) => r.status?.phase === 'Failed' || r.status?.phase === 'FailedValidation');
        const partial = found.filter((r) => r.status?.phase === 'PartiallyFailed');
        if (failed.length) {
          const why = failed.map((r) => `${r.metadata.name} ${r.status?.phase}${r.status?.failureReason ? `: ${r.status.failureReason}` : ''}${r.status?.validationErrors?.length ? `: ${r.status.validationErrors.join('; ')}` : ''}`).join('; ');
          this.updateStep(gen, i, { state: 'failed', finishedAt: new Date().toISOString(), message: `Velero restore failed: ${why}.` });
          return 'failed';
        }
        if (partial.length) {
          this.updateStep(gen, i, { state: 'attention', finishedAt: new Date().toISOString(), message: `Velero restored with errors: ${partial.map((r) => `${r.metadata.name} (${r.status?.errors ?? 0} errors)`).join(', ')}. See the restore results.` });
          return 'attention';
        }
        const note = cliResult && !cliResult.ok ? ` The kots command reported: ${cliResult.message}` : '';
        this.updateStep(gen, i, { state: note ? 'attention' : 'succeeded', finishedAt: new Date().toISOString(), message: `Velero restored ${found.map((r) => `${r.metadata.name} (${r.status?.progress?.itemsRestored ?? 0} items)`).join(', ')}.${note}` });
        return note ? 'attention' : 'succeeded';
      }
      if (!allThere && Date.now() > appearDeadline) {
        const missing = step.restoreNames.filter((n) => !found.some((r) => r.metadata.name === n));
        if (cli && cliResult && !cliResult.ok) {
          this.updateStep(gen, i, { state: 'failed', finishedAt: new Date().toISOString(), message: `${cliResult.message}. No Velero restore was created (${missing.join(', ')}), so nothing was restored by this step.` });
          return 'failed';
        }
        if (cli) {
          this.updateStep(gen, i, {
            state: 'failed',
            finishedAt: new Date().toISOString(),
            message: `The kots CLI reported success, but Velero restore ${missing.join(', ')} never appeared: nothing was restored by this step.`,
          });
          return 'failed';
        }
        this.updateStep(gen, i, {
          state: 'interrupted',
          finishedAt: new Date().toISOString(),
          message: `Lifeboat was closed before Velero restore ${missing.join(', ')} was created, and it did not appear since. Nothing was restored by this step.`,
        });
        return 'interrupted';
      }
      if (Date.now() - started > this.t.restoreMs) {
        this.updateStep(gen, i, { state: 'failed', message: `Velero restore ${step.restoreNames.join(', ')} did not finish within ${Math.round(this.t.restoreMs / 60000)} minutes; Lifeboat stopped waiting (the restore may still be running in Velero).` });
        return 'failed';
      }
      await new Promise((r) => setTimeout(r, this.t.pollMs));
    }
  }

  private async progressOf(velero: VeleroReader, r: VeleroRestore, step: RestoreRunStep): Promise<RestoreProgress> {
    const pvrs = await velero.podVolumeRestores(r.metadata.name).catch(() => []);
    const slug = step.component === 'app' ? r.metadata.name.slice(this.w.run!.backup.length + 1) : undefined;
    return {
      name: r.metadata.name,
      component: step.component,
      ...(slug ? { appSlug: slug } : {}),
      phase: r.status?.phase || 'New',
      itemsRestored: r.status?.progress?.itemsRestored,
      totalItems: r.status?.progress?.totalItems,
      warnings: r.status?.warnings ?? 0,
      errors: r.status?.errors ?? 0,
      podVolumeRestores: {
        total: pvrs.length,
        completed: pvrs.filter((p) => p.status?.phase === 'Completed').length,
        failed: pvrs.filter((p) => p.status?.phase === 'Failed' || p.status?.phase === 'Canceled').length,
        bytesDone: pvrs.reduce((n, p) => n + (p.status?.progress?.bytesDone ?? 0), 0),
        totalBytes: pvrs.reduce((n, p) => n + (p.status?.progress?.totalBytes ?? 0), 0),
      },
      startedAt: r.status?.startTimestamp,
      completedAt: r.status?.completionTimestamp,
      failureReason: r.status?.failureReason,
      validationErrors: r.status?.validationErrors,
    };
  }

  private mergeProgress(gen: number, progress: RestoreProgress[]): void {
    if (!progress.length || gen !== this.gen) return;
    const run = this.w.run!;
    const restores = [...run.restores];
    let changed = false;
    for (const p of progress) {
      const i = restores.findIndex((r) => r.name === p.name);
      if (i < 0) restores.push(p);
      else if (JSON.stringify(restores[i]) !== JSON.stringify(p)) restores[i] = p;
      else continue;
      changed = true;
    }
    if (changed) this.save({ ...this.w, run: { ...run, restores } }, gen);
  }

  // ------------------------------------------------------------------ verification

  private async verifyRun(run: RestoreRun, waitMs: number, gen = this.gen): Promise<RestoreVerification> {
    const kube = this.kube();
    const checks: Check[] = [];
    const deadline = Date.now() + waitMs;
    const wantAdmin = run.type !== 'app';
    const wantApp = run.type !== 'admin-console';

    // Admin console: kotsadm ready (always checked: the app step needs it too). KOTS without MinIO
    // runs it as a StatefulSet, with MinIO as a Deployment (environment/kotsadm.ts): either counts.
    for (;;) {
      const ns = run.kotsadmNamespace;
      const [dep, sts] = await Promise.all([kube.getOrUndefined(`/apis/apps/v1/namespaces/${ns}/deployments/kotsadm`), kube.getOrUndefined(`/apis/apps/v1/namespaces/${ns}/statefulsets/kotsadm`)]);
      const admin = findKotsadm(dep ? [dep] : [], sts ? [sts] : [], ns);
      const ready = !!admin?.ready;
      if (ready || Date.now() >= deadline || gen !== this.gen) {
        checks.push(ready
          ? { ok: true, severity: 'ok', title: 'Admin console ready', reason: admin!.status }
          : { ok: !wantAdmin, severity: wantAdmin ? 'error' : 'warning', title: 'Admin console not ready', reason: admin ? admin.status : `There is no Deployment or StatefulSet named kotsadm in ${ns}.`, fix: 'Check the kotsadm pods (kubectl -n ' + ns + ' get pods) and their events; images may be missing in an air-gapped registry.' });
        break;
      }
      await new Promise((r) => setTimeout(r, this.t.pollMs));
    }

    // Application workloads: Deployments and StatefulSets labelled with the app slug, all ready.
    let workloads: RestoreVerification['workloads'] = [];
    if (wantApp) {
      for (;;) {
        workloads = [];
        for (const slug of run.appSlugs) {
          const sel = encodeURIComponent(`kots.io/app-slug=${slug}`);
          for (const kind of ['deployments', 'statefulsets'] as const) {
            const list = await kube.get<{ items?: any[] }>(`/apis/apps/v1/${kind}?labelSelector=${sel}`);
            for (const o of list.items ?? []) {
              const desired = o.spec?.replicas ?? 1;
              const ready = kind === 'deployments' ? Math.min(o.status?.availableReplicas ?? 0, o.status?.readyReplicas ?? 0) : (o.status?.readyReplicas ?? 0);
              workloads.push({ kind: kind === 'deployments' ? 'Deployment' : 'StatefulSet', namespace: o.metadata.namespace, name: o.metadata.name, ready, desired });
            }
          }
        }
        const allReady = workloads.length > 0 && workloads.every((w) => w.ready >= w.desired);
        if (allReady || Date.now() >= deadline || gen !== this.gen) break;
        await new Promise((r) => setTimeout(r, this.t.pollMs));
      }
      const notReady = workloads.filter((w) => w.ready < w.desired);
      if (!workloads.length) {
        checks.push({ ok: false, severity: 'error', title: 'Application not found', reason: `No Deployment or StatefulSet labelled kots.io/app-slug=${run.appSlugs.join(', ')} exists after the restore.`, fix: 'Check the application restore\'s results below and the admin console.' });
      } else if (notReady.length) {
        checks.push({ ok: true, severity: 'warning', title: 'Application not ready yet', reason: `${notReady.map((w) => `${w.kind} ${w.namespace}/${w.name} ${w.ready}/${w.desired}`).join(', ')}.`, fix: 'Pods may still be starting or pulling images; check their events, then "Check again".' });
      } else {
        checks.push({ ok: true, severity: 'ok', title: 'Application ready', reason: `${workloads.length} workload${workloads.length === 1 ? '' : 's'} of ${run.appSlugs.join(', ')} ready.` });
      }
    }

    // Each Velero Restore: its phase, its results (warnings/errors per namespace) and its log.
    const warnings: RestoreVerification['warnings'] = [];
    const errors: RestoreVerification['errors'] = [];
    const logExcerpts: RestoreVerification['logExcerpts'] = [];
    const velero = this.velero(run.veleroNamespace);
    for (const step of run.steps) {
      for (const name of step.restoreNames) {
        const p = run.restores.find((r) => r.name === name);
        if (!p) {
          if (step.state !== 'pending') checks.push({ ok: false, severity: 'error', title: `Restore ${name} missing`, reason: 'Velero never created this restore.', fix: 'Run the step again.' });
          continue;
        }
        checks.push(p.phase === 'Completed'
          ? { ok: true, severity: 'ok', title: `Velero restore ${name}`, reason: `Completed: ${p.itemsRestored ?? 0} of ${p.totalItems ?? '?'} items, ${p.warnings} warning(s).` }
          : { ok: p.phase === 'PartiallyFailed', severity: p.phase === 'PartiallyFailed' ? 'warning' : 'error', title: `Velero restore ${name}`, reason: `${p.phase}${p.failureReason ? `: ${p.failureReason}` : ''} (${p.errors} error(s), ${p.warnings} warning(s)).`, fix: 'Read the errors below; the full log is in the report.' });
        if (!isTerminalRestore(p.phase)) continue;
        try {
          const buf = await velero.download('RestoreResults', name);
          if (buf) {
            const res = JSON.parse(buf.toString('utf8')) as { errors?: unknown; warnings?: unknown };
            errors.push(...flattenResults(name, res.errors));
            warnings.push(...flattenResults(name, res.warnings));
          }
        } catch (e) {
          checks.push({ ok: true, severity: 'warning', title: `Results of ${name} unreadable`, reason: e instanceof Error ? e.message : String(e), fix: 'The counts above still hold; try "Check again" later.' });
        }
        try {
          const buf = await velero.download('RestoreLog', name);
          if (buf) logExcerpts.push({ restore: name, lines: logExcerpt(buf.toString('utf8')) });
        } catch {
          // the results already say what matters; a missing log is not a failure
        }
      }
    }
    return { checkedAt: new Date().toISOString(), checks, workloads, warnings: warnings.slice(0, 500), errors: errors.slice(0, 500), logExcerpts };
  }

  // ------------------------------------------------------------------ helpers

  private fresh(): RestoreWizard {
    return { ...initialWizard(), situation: this.w.situation };
  }

  private save(w: RestoreWizard, gen = this.gen): RestoreWizard {
    if (gen !== this.gen) return this.w;
    this.w = this.store.save(w);
    this.s.bus.emit('restore.changed', this.w);
    return this.w;
  }

  private writeReport(): string[] {
    const run = this.w.run;
    if (!run || runActive(this.w)) return [];
    try {
      const { data, markdown } = buildReport(this.w, run, { version: this.appVersion });
      const dir = join(this.s.dataDir, 'restore', 'reports');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const base = join(dir, reportName(run));
      writeFileSync(`${base}.json`, JSON.stringify(data, null, 2), { mode: 0o600 });
      writeFileSync(`${base}.md`, markdown, { mode: 0o600 });
      if (run.reportPath !== `${base}.md`) this.save({ ...this.w, run: { ...run, reportPath: `${base}.md` } });
      return [`${base}.json`, `${base}.md`];
    } catch {
      return [];
    }
  }

  private checkConfirm(confirm: string): void {
    const slug = this.w.type === 'admin-console' && !this.w.appSlug ? this.w.backup : this.w.appSlug;
    if (confirm.trim() !== slug) {
      throw new LifeboatError('CONFIRMATION_MISMATCH', `The confirmation does not match: type "${slug}" exactly to restore.`, 'This guards against restoring by accident; nothing was changed.');
    }
  }

  private refuseIneligible(row: BackupRow, ctx: EligibilityContext): void {
    const blocking = rowChecks(row, ctx).filter((c) => c.severity === 'error');
    if (blocking.length) {
      throw new LifeboatError(
        'BACKUP_NOT_RESTORABLE',
        `Backup ${row.name} cannot be restored here: ${blocking.map((c) => c.reason ?? c.title).join(' ')}`,
        blocking.map((c) => c.fix).filter(Boolean).join(' '),
        { checks: blocking },
      );
    }
  }

  private async refuseInProgress(): Promise<void> {
    if (runActive(this.w)) {
      throw new LifeboatError('RESTORE_IN_PROGRESS', `A restore from backup ${this.w.run!.backup} is already running.`, IN_PROGRESS_HINT);
    }
    const running = (await this.velero().restores()).filter((r) => !isTerminalRestore(r.status?.phase));
    if (running.length) {
      throw new LifeboatError(
        'RESTORE_IN_PROGRESS',
        `Velero is already running restore ${running.map((r) => `${r.metadata.name} (${r.status?.phase || 'New'})`).join(', ')}. Two restores at once could leave the cluster half one, half the other.`,
        IN_PROGRESS_HINT,
        { restores: running.map((r) => r.metadata.name) },
      );
    }
  }

  /**
   * The apps KOTS has installed on this cluster now, as far as the cluster shows them. KOTS's own list
   * is its database (store.ListInstalledApps, kots pkg/handlers/restore.go at v1.131.4), which the
   * cluster API does not expose; what it does show is the kots.io/app-slug label KOTS puts on
   * everything it deploys (pkg/operator/operator.go). An app of the backup whose workloads are gone
   * (the usual disaster) is still installed for KOTS, so the backup's apps always count as installed;
   * the label adds the apps installed since. Undefined when the workloads cannot be listed. Bounded:
   * one page of each kind.
   */
  private async installedApps(kube: KubeJson, backupApps: string[]): Promise<string[] | undefined> {
    const slugs = new Set<string>(backupApps);
    const sel = encodeURIComponent('kots.io/app-slug');
    try {
      for (const plural of ['deployments', 'statefulsets']) {
        const list = await kube.getOrUndefined<{ items?: Array<{ metadata: { labels?: Record<string, string> } }> }>(`/apis/apps/v1/${plural}?labelSelector=${sel}&limit=500`);
        if (!list) return undefined;
        for (const o of list.items ?? []) {
          const slug = o.metadata.labels?.['kots.io/app-slug'];
          if (slug) slugs.add(slug);
        }
      }
    } catch {
      return undefined;
    }
    return [...slugs].sort();
  }

  private appSlugsOf(b: VeleroBackup): string[] {
    try {
      const slugs = Object.keys(JSON.parse(b.metadata.annotations?.['kots.io/apps-versions'] ?? '{}') as object);
      if (slugs.length) return slugs;
    } catch {
      /* fall through */
    }
    return this.w.appSlug ? [this.w.appSlug] : [];
  }

  private async readBackups(): Promise<{ list: VeleroBackup[]; ctx: EligibilityContext }> {
    const env = this.s.detector.get();
    if (env && !env.velero.installed) {
      throw new LifeboatError('VELERO_NOT_READY', 'Velero is not installed on this cluster, so it cannot see any backups.', 'Install Velero against the storage the backups are in, on the Setup screen.');
    }
    const velero = this.velero();
    const [list, locations] = await Promise.all([velero.backups(), velero.locations()]);
    const ctx: EligibilityContext = {
      now: new Date(),
      // What the running admin console records as kots.io/is-airgap; undefined on a rebuilt cluster.
      outboundDisabled: env?.airgap.outboundDisabled,
      veleroVersion: env?.velero.version,
      locations: Object.fromEntries(locations.map((l) => [l.metadata.name, l.spec?.provider ?? ''])),
    };
    return { list, ctx };
  }

  private veleroNamespace(): string {
    return this.w.run?.veleroNamespace ?? this.s.detector.get()?.velero.namespace ?? 'velero';
  }

  private kube(): KubeJson {
    const kc: KubeConfig = this.s.cluster.kubeConfig();
    return kubeJson(kc, 30_000, journalClusterWrites(this.s.journal));
  }

  private velero(ns = this.veleroNamespace()): VeleroReader {
    return new VeleroReader(this.kube(), ns, storeFetch(this.s.cluster.kubeConfig()));
  }
}

function outcomeOf(run: RestoreRun): RestoreRun['state'] {
  if (run.steps.some((s) => s.state === 'failed')) return 'failed';
  if (run.steps.some((s) => s.state === 'interrupted')) return 'interrupted';
  const checks = run.verification?.checks ?? [];
  if (checks.some((c) => c.severity === 'error')) return 'failed';
  if (run.steps.some((s) => s.state === 'attention') || checks.some((c) => c.severity !== 'ok') || (run.verification?.errors.length ?? 0) > 0) return 'attention';
  return 'succeeded';
}

function reportName(run: RestoreRun): string {
  return `restore-${run.backup}-${run.startedAt.replace(/[:.]/g, '-')}`;
}

/** Velero's Result {velero:[], cluster:[], namespaces:{ns:[]}} → one entry per message. */
export function flattenResults(restore: string, r: unknown): Array<{ restore: string; scope: string; message: string }> {
  const out: Array<{ restore: string; scope: string; message: string }> = [];
  if (!r || typeof r !== 'object') return out;
  const msg = (m: unknown) => (typeof m === 'string' ? m : typeof m === 'object' && m && 'message' in m ? String((m as { message: unknown }).message) : JSON.stringify(m));
  const o = r as { velero?: unknown[]; cluster?: unknown[]; namespaces?: Record<string, unknown[]> };
  for (const m of o.velero ?? []) out.push({ restore, scope: 'Velero', message: msg(m) });
  for (const m of o.cluster ?? []) out.push({ restore, scope: 'cluster', message: msg(m) });
  for (const [ns, list] of Object.entries(o.namespaces ?? {})) for (const m of list ?? []) out.push({ restore, scope: `namespace ${ns}`, message: msg(m) });
  return out;
}

/** The log's warning and error lines, then its last lines; capped. */
export function logExcerpt(text: string, max = 200): string[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const bad = lines.filter((l) => /level=(warning|error|fatal)/.test(l));
  const tail = lines.slice(-20).filter((l) => !bad.includes(l));
  return [...bad.slice(0, max - tail.length), ...tail];
}
