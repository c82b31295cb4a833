/**
 * Admin console (kotsadm API) stand-in for the lab: the part of kotsadm that `kubectl kots backup`
 * and `kubectl kots restore` talk to, plus the instance snapshot schedule/retention API and the
 * 60-second snapshot scheduler (docs/kots-contract.md#full-instance-backups, #restore, #schedule-and-retention).
 *
 * Start (the lab does this):
 *   tsx test/lab/kots/admin-console.ts --lab-dir <dir> --port <port> --kubeconfig <admin kubeconfig> \
 *       --namespace <kotsadm ns> [--scheduler-interval 60] [--restore-interval 2] [--host 127.0.0.1] \
 *       [--flavour existing|existing-airgap|kurl|embedded-cluster] [--kotsadm-image IMG] [--minimal-rbac]
 *
 * WHAT THE LAB MUST SEED in the kotsadm namespace:
 *   - ConfigMap `kotsadm-apps`, data key `apps.json` =
 *       [{"slug":"sample-app","namespace":"sample-app","versionLabel":"1.0.0","sequence":1,
 *         "backupSpec":"<YAML of the vendor velero.io/v1 Backup, may be empty>"}]
 *     (optional per app: "additionalNamespaces": [..]). Label it kots.io/kotsadm=true and
 *     kots.io/backup=velero so it is backed up/restored with the admin console, like kotsadm's
 *     database. The last list read is cached in the state file for the window in which a restore
 *     has deleted it.
 *   - Deployment (or StatefulSet) `kotsadm` with a container named `kotsadm` whose image becomes
 *     kots.io/kotsadm-image; pods labelled app=kotsadm (kubectl kots restore waits for one to be
 *     Running+Ready). Without it, --kotsadm-image (default kotsadm/kotsadm:v1.131.4) is used.
 *   - Secret `kotsadm-authstring` is created on demand (by the CLI or here), as the real one does.
 * App objects must carry the labels KOTS's kustomize transformer adds: kots.io/backup=velero and
 * kots.io/app-slug=<slug> (also on pod templates).
 *
 * State (schedule, TTL, pending scheduled snapshot, restores in progress) is kept in
 * <lab-dir>/admin-console-state.json.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs, type CommandSpec, type FlagSpec } from './args.js';
import { deleteLabelled, isNotFound, Kube, kubeErrorMessage } from './kube.js';
import {
  buildAppRestore,
  buildInstanceBackup,
  cronNext,
  embeddedRegistryHost,
  formatTTL,
  isInstanceBackup,
  instanceBackupType,
  parseCronStandard,
  parseVendorBackup,
  snapshotConfig,
  type EmbeddedClusterInfo,
  type LabApp,
  type VeleroBackup,
  type VeleroRestore,
} from './snapshot.js';

export const KOTSADM_VERSION = '1.131.4';

// ---------------------------------------------------------------------------------------------
// Persistent state

export interface AppRestoreState {
  backupName: string;
  /** restore_undeploy_status: '' → in-process → completed | failed */
  undeployStatus: '' | 'in-process' | 'completed' | 'failed';
  error?: string;
}

export interface AdminConsoleState {
  snapshotSchedule: string;
  snapshotTTL: string;
  /** The one pending row of scheduled_instance_snapshots. */
  pendingScheduled?: { id: string; scheduledTimestamp: string };
  /** app.restore_in_progress_name per app slug. */
  restores: Record<string, AppRestoreState>;
  /** Deployed sequence per app (set when a restore completes). */
  deployedSequences: Record<string, number>;
  lastApps?: LabApp[];
}

export function emptyState(): AdminConsoleState {
  return { snapshotSchedule: '', snapshotTTL: '', restores: {}, deployedSequences: {} };
}

export function loadState(file: string): AdminConsoleState {
  if (!existsSync(file)) return emptyState();
  try {
    return { ...emptyState(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<AdminConsoleState>) };
  } catch {
    return emptyState();
  }
}

function saveState(file: string, s: AdminConsoleState): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(s, null, 2));
  renameSync(tmp, file);
}

// ---------------------------------------------------------------------------------------------
// Pure pieces (unit-tested)

/** PUT /api/v1/snapshot/schedule: returns the new schedule state or a 400 message. */
export function applyScheduleRequest(
  state: AdminConsoleState,
  body: { schedule?: unknown; autoEnabled?: unknown },
  now: Date,
): { status: number; body: { success: boolean; error?: string } } {
  if (!body.autoEnabled) {
    state.snapshotSchedule = '';
    delete state.pendingScheduled;
    return { status: 200, body: { success: true } };
  }
  const schedule = typeof body.schedule === 'string' ? body.schedule : '';
  try {
    parseCronStandard(schedule);
  } catch {
    return { status: 400, body: { success: false, error: `Invalid cron schedule expression: ${schedule}` } };
  }
  if (schedule !== state.snapshotSchedule) {
    state.snapshotSchedule = schedule;
    state.pendingScheduled = { id: randomBytes(16).toString('hex'), scheduledTimestamp: cronNext(schedule, now).toISOString() };
  }
  return { status: 200, body: { success: true } };
}

/** PUT /api/v1/snapshot/retention. */
export function applyRetentionRequest(
  state: AdminConsoleState,
  body: { inputValue?: unknown; inputTimeUnit?: unknown },
): { status: number; body: { success: boolean; error?: string } } {
  const v = typeof body.inputValue === 'string' ? body.inputValue : body.inputValue === undefined ? '' : String(body.inputValue);
  const u = typeof body.inputTimeUnit === 'string' ? body.inputTimeUnit : '';
  try {
    state.snapshotTTL = formatTTL(v, u);
  } catch {
    return { status: 400, body: { success: false, error: `Invalid instance snapshot retention: ${v} ${u}` } };
  }
  return { status: 200, body: { success: true } };
}

export interface RestoreDetail {
  name: string;
  phase: string;
  volumes: unknown[];
  errors: Array<{ title: string; message: string; namespace: string }>;
  warnings: Array<{ title: string; message: string; namespace: string }>;
}

/**
 * RestoreDetail for apps-restore-status. The real one parses the restore results log; here the
 * Restore's status counters become that many entries (the CLI only counts them).
 */
export function restoreDetail(name: string, r: VeleroRestore | undefined): RestoreDetail {
  if (!r) return { name, phase: 'New', volumes: [], errors: [], warnings: [] };
  const n = (k: number | undefined, title: string) =>
    Array.from({ length: k ?? 0 }, (_, i) => ({ title, message: `${title} ${i + 1} of ${k} (see the Velero restore results for ${name})`, namespace: '' }));
  return { name, phase: r.status?.phase || 'New', volumes: [], errors: n(r.status?.errors, 'error'), warnings: n(r.status?.warnings, 'warning') };
}

const UNFINISHED = new Set([
  '',
  'New',
  'Queued',
  'ReadyToStart',
  'InProgress',
  'WaitingForPluginOperations',
  'WaitingForPluginOperationsPartiallyFailed',
  'Finalizing',
  'FinalizingPartiallyFailed',
]);
export function isUnfinishedBackup(b: VeleroBackup): boolean {
  return UNFINISHED.has(b.status?.phase ?? '');
}

// ---------------------------------------------------------------------------------------------
// Server

export interface ServerOptions {
  labDir: string;
  port: number;
  host: string;
  kubeconfig: string;
  namespace: string;
  schedulerIntervalMs: number;
  restoreIntervalMs: number;
  flavour: string;
  kotsadmImage: string;
  minimalRbac: boolean;
  airgap: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}

export class AdminConsole {
  readonly kube: Kube;
  readonly stateFile: string;
  state: AdminConsoleState;
  private busyRestore = new Set<string>();
  private timers: NodeJS.Timeout[] = [];

  constructor(readonly opts: ServerOptions) {
    this.kube = new Kube({ kubeconfig: opts.kubeconfig });
    this.stateFile = join(opts.labDir, 'admin-console-state.json');
    this.state = loadState(this.stateFile);
  }

  save(): void {
    saveState(this.stateFile, this.state);
  }

  async apps(): Promise<LabApp[]> {
    const cm = await this.kube.getConfigMap(this.opts.namespace, 'kotsadm-apps').catch(() => undefined);
    const raw = cm?.data?.['apps.json'];
    if (!raw) return this.state.lastApps ?? [];
    const apps = JSON.parse(raw) as LabApp[];
    if (JSON.stringify(apps) !== JSON.stringify(this.state.lastApps)) {
      this.state.lastApps = apps;
      this.save();
    }
    return apps;
  }

  async checkAuth(req: IncomingMessage): Promise<void> {
    const got = req.headers.authorization ?? '';
    const s = await this.kube.getSecret(this.opts.namespace, 'kotsadm-authstring').catch(() => undefined);
    const want = s?.data?.['kotsadm-authstring'] ? Buffer.from(s.data['kotsadm-authstring'], 'base64').toString('utf8') : '';
    if (!want || got !== want) throw new HttpError(401, { error: 'Unauthorized' });
  }

  /** requiresKotsadmVeleroAccess (minimal RBAC only). */
  async checkVeleroAccess(): Promise<void> {
    if (!this.opts.minimalRbac) return;
    const deny = () =>
      new HttpError(409, {
        success: false,
        error: 'kotsadm does not have access to velero',
        kotsadmNamespace: this.opts.namespace,
        kotsadmRequiresVeleroAccess: true,
      });
    const cm = await this.kube.getConfigMap(this.opts.namespace, 'kotsadm-velero-namespace').catch(() => undefined);
    const vns = cm?.data?.veleroNamespace;
    if (!vns) throw deny();
    try {
      const bsls = await this.kube.listVelero('backupstoragelocations', vns);
      if (!bsls.some((b: any) => b.metadata?.name === 'default')) throw deny();
      await this.kube.rbac.readNamespacedRole({ namespace: vns, name: 'kotsadm-role' });
      await this.kube.rbac.readNamespacedRoleBinding({ namespace: vns, name: 'kotsadm-rolebinding' });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw deny();
    }
  }

  async veleroNamespaceOfDefaultBsl(): Promise<string> {
    const bsl = await this.kube.findDefaultBsl(this.opts.namespace);
    if (!bsl) throw new Error('no backup store location found');
    return bsl.metadata.namespace as string;
  }

  async kotsadmImage(): Promise<string> {
    const ns = this.opts.namespace;
    const d = await this.kube.getDeployment(ns, 'kotsadm').catch(() => undefined);
    const s = d ? undefined : await this.kube.getStatefulSet(ns, 'kotsadm').catch(() => undefined);
    const c = (d?.spec?.template.spec?.containers ?? s?.spec?.template.spec?.containers ?? []).find((x) => x.name === 'kotsadm');
    return c?.image ?? this.opts.kotsadmImage;
  }

  async embeddedRegistry(): Promise<string | undefined> {
    for (const ns of [this.opts.namespace, 'default', 'kotsadm']) {
      const s = await this.kube.getSecret(ns, 'registry-creds').catch(() => undefined);
      const raw = s?.data?.['.dockerconfigjson'];
      const host = embeddedRegistryHost(raw ? Buffer.from(raw, 'base64').toString('utf8') : undefined);
      if (host) return host;
    }
    return undefined;
  }

  ecInfo(): EmbeddedClusterInfo | undefined {
    if (this.opts.flavour !== 'embedded-cluster') return undefined;
    return {
      id: process.env.EMBEDDED_CLUSTER_ID ?? 'lab-embedded-cluster',
      version: process.env.EMBEDDED_CLUSTER_VERSION ?? '2.0.0+k8s-1.36',
      isHA: false,
      isAirgap: this.opts.airgap,
      podCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      adminConsolePort: 30000,
      localArtifactMirrorPort: 50000,
      dataDir: '/var/lib/embedded-cluster',
    };
  }

  /** excludeShutdownPodsFromBackup: Failed pods with reason Shutdown get velero.io/exclude-from-backup=true. */
  async excludeShutdownPods(namespaces: string[]): Promise<void> {
    for (const ns of namespaces) {
      if (ns === '*') continue;
      const pods = await this.kube.core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Failed' }).catch(() => ({ items: [] }));
      for (const p of pods.items) {
        if (p.status?.reason !== 'Shutdown') continue;
        p.metadata!.labels = { ...(p.metadata!.labels ?? {}), 'velero.io/exclude-from-backup': 'true' };
        await this.kube.core.replaceNamespacedPod({ namespace: ns, name: p.metadata!.name!, body: p }).catch(() => undefined);
      }
    }
  }

  /** CreateInstanceBackup: returns the Velero Backup name. */
  async createInstanceBackup(scheduled: boolean): Promise<string> {
    const veleroNamespace = await this.veleroNamespaceOfDefaultBsl();
    const backup = buildInstanceBackup({
      kotsadmNamespace: this.opts.namespace,
      veleroNamespace,
      isKurl: await this.kube.isKurl(),
      kotsadmClusterScoped: !this.opts.minimalRbac,
      apps: await this.apps(),
      kotsadmImage: await this.kotsadmImage(),
      isAirgap: this.opts.airgap,
      embeddedRegistryHost: await this.embeddedRegistry(),
      ec: this.ecInfo(),
      ttl: this.state.snapshotTTL || undefined,
      scheduled,
      requestedAt: new Date(),
    });
    await this.excludeShutdownPods(backup.spec.includedNamespaces ?? []);
    const created = await this.kube.createVelero<VeleroBackup>('backups', veleroNamespace, backup);
    log(`created ${scheduled ? 'scheduled' : 'manual'} instance backup ${created.metadata.name}`);
    return created.metadata.name!;
  }

  /** CreateApplicationBackup: the vendor Backup, scoped to one app (docs/kots-contract.md#partial-application-backups). */
  async createApplicationBackup(app: LabApp): Promise<string> {
    const veleroNamespace = await this.veleroNamespaceOfDefaultBsl();
    const vendor = parseVendorBackup(app.backupSpec);
    if (!vendor) throw new Error('no backup spec found for the current app version');
    const included = [...new Set([app.namespace, ...(vendor.spec.includedNamespaces ?? []), ...(app.additionalNamespaces ?? [])].filter(Boolean))];
    const backup: VeleroBackup = {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: {
        generateName: `${app.slug}-`,
        namespace: veleroNamespace,
        annotations: {
          ...(vendor.metadata.annotations ?? {}),
          'kots.io/snapshot-trigger': 'manual',
          'kots.io/app-id': app.slug,
          'kots.io/app-sequence': String(app.sequence),
          'kots.io/snapshot-requested': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      },
      spec: {
        ...vendor.spec,
        storageLocation: 'default',
        includedNamespaces: included,
        includeClusterResources: vendor.spec.includeClusterResources ?? true,
        labelSelector: {
          ...(vendor.spec.labelSelector ?? {}),
          matchLabels: { ...(vendor.spec.labelSelector?.matchLabels ?? {}), 'kots.io/app-slug': app.slug },
        },
      },
    };
    const created = await this.kube.createVelero<VeleroBackup>('backups', veleroNamespace, backup);
    log(`created application backup ${created.metadata.name} of ${app.slug}`);
    return created.metadata.name!;
  }

  async getBackup(name: string): Promise<VeleroBackup> {
    const ns = await this.veleroNamespaceOfDefaultBsl();
    const b = await this.kube.getVelero<VeleroBackup>('backups', ns, name);
    if (!b) throw new Error(`failed to get backup: backups.velero.io "${name}" not found`);
    return b;
  }

  // -- scheduler ---------------------------------------------------------------------------
  async schedulerTick(now = new Date()): Promise<void> {
    const sched = this.state.snapshotSchedule;
    if (!sched) return;
    if (!this.state.pendingScheduled) {
      this.state.pendingScheduled = { id: randomBytes(16).toString('hex'), scheduledTimestamp: cronNext(sched, now).toISOString() };
      this.save();
      log(`queued instance snapshot for ${this.state.pendingScheduled.scheduledTimestamp} (${sched})`);
      return;
    }
    if (new Date(this.state.pendingScheduled.scheduledTimestamp) > now) return;
    const veleroNs = await this.veleroNamespaceOfDefaultBsl();
    const backups = await this.kube.listVelero<VeleroBackup>('backups', veleroNs);
    const unfinished = backups.some(
      (b) => isInstanceBackup(b) && b.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'] === this.opts.namespace && isUnfinishedBackup(b),
    );
    if (unfinished) {
      log('postponing scheduled instance snapshot because one is in progress');
      return;
    }
    await this.createInstanceBackup(true);
    this.state.pendingScheduled = { id: randomBytes(16).toString('hex'), scheduledTimestamp: cronNext(sched, new Date()).toISOString() };
    this.save();
  }

  // -- restore loop (operator restoreLoop) -----------------------------------------------------
  async restoreTick(): Promise<void> {
    for (const [slug, r] of Object.entries(this.state.restores)) {
      if (this.busyRestore.has(slug)) continue;
      this.busyRestore.add(slug);
      this.handleAppRestore(slug, r)
        .catch((e) => log(`restore of app ${slug}: ${(e as Error).message}`))
        .finally(() => this.busyRestore.delete(slug));
    }
  }

  private async handleAppRestore(slug: string, r: AppRestoreState): Promise<void> {
    const veleroNs = await this.veleroNamespaceOfDefaultBsl();
    const restoreName = `${r.backupName}.${slug}`;
    if (r.undeployStatus === '' || r.undeployStatus === 'in-process') {
      r.undeployStatus = 'in-process';
      this.save();
      const backup = await this.getBackup(r.backupName);
      try {
        await this.undeployApp(slug, backup);
        r.undeployStatus = 'completed';
      } catch (e) {
        r.undeployStatus = 'failed';
        r.error = (e as Error).message;
        log(`undeploy of ${slug} failed: ${r.error}`);
        delete this.state.restores[slug];
        this.save();
        return;
      }
      this.save();
      const existing = await this.kube.getVelero<VeleroRestore>('restores', veleroNs, restoreName);
      if (!existing) {
        await this.kube.createVelero('restores', veleroNs, buildAppRestore(r.backupName, veleroNs, slug));
        log(`created restore ${restoreName}`);
      }
      return;
    }
    const restore = await this.kube.getVelero<VeleroRestore>('restores', veleroNs, restoreName);
    if (!restore) {
      await this.kube.createVelero('restores', veleroNs, buildAppRestore(r.backupName, veleroNs, slug));
      return;
    }
    const phase = restore.status?.phase ?? '';
    if (phase === 'Completed') {
      const backup = await this.getBackup(r.backupName).catch(() => undefined);
      try {
        const seq = JSON.parse(backup?.metadata.annotations?.['kots.io/apps-sequences'] ?? '{}') as Record<string, number>;
        if (slug in seq) this.state.deployedSequences[slug] = seq[slug];
      } catch {
        /* ignore */
      }
      delete this.state.restores[slug];
      this.save();
      log(`restore ${restoreName} completed`);
    } else if (phase === 'Failed' || phase === 'PartiallyFailed' || phase === 'FailedValidation') {
      delete this.state.restores[slug];
      this.save();
      log(`restore ${restoreName} ended ${phase}`);
    }
  }

  /** Undeploy: objects labelled kots.io/app-slug=<slug> (plus the backup's labelSelector) in the backup's namespaces, PVCs included. */
  async undeployApp(slug: string, backup: VeleroBackup): Promise<void> {
    let namespaces = backup.spec.includedNamespaces ?? [];
    if (namespaces.includes('*')) namespaces = (await this.kube.core.listNamespace()).items.map((n) => n.metadata!.name!);
    const extra = Object.entries(backup.spec.labelSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    const selector = [...extra, `kots.io/app-slug=${slug}`].join(',');
    for (const ns of namespaces) {
      await deleteLabelled(this.kube, ns, selector, {
        kinds: [
          'deployments',
          'statefulsets',
          'daemonsets',
          'replicasets',
          'jobs',
          'cronjobs',
          'pods',
          'services',
          'pvcs',
          'secrets',
          'configmaps',
          'serviceaccounts',
          'rolebindings',
          'roles',
        ],
      });
    }
  }

  // -- HTTP --------------------------------------------------------------------------------------
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname === '/healthz') return send(200, { version: KOTSADM_VERSION, gitSha: 'lab-stand-in' });
      let m: RegExpExecArray | null;
      if (method === 'POST' && url.pathname === '/api/v1/snapshot/backup') {
        await this.checkAuth(req);
        await this.checkVeleroAccess();
        try {
          const backupName = await this.createInstanceBackup(false);
          return send(200, { success: true, backupName });
        } catch (e) {
          log(`failed to create instance snapshot: ${(e as Error).message}`);
          return send(500, { success: false, error: 'failed to create instance backup' });
        }
      }
      if (method === 'POST' && (m = /^\/api\/v1\/app\/([^/]+)\/snapshot\/backup$/.exec(url.pathname))) {
        // Partial (application) backup, CreateApplicationBackup (docs/kots-contract.md#partial-application-backups); added for Lifeboat's backups area.
        await this.checkAuth(req);
        await this.checkVeleroAccess();
        if (this.opts.flavour === 'embedded-cluster') return send(403, { success: false, error: 'partial backups are not supported on embedded clusters' });
        const slug = decodeURIComponent(m[1]);
        const app = (await this.apps()).find((a) => a.slug === slug);
        if (!app) return send(404, { success: false, error: `app ${slug} not found` });
        try {
          const backupName = await this.createApplicationBackup(app);
          return send(200, { success: true, backupName });
        } catch (e) {
          log(`failed to create application snapshot: ${(e as Error).message}`);
          return send(500, { success: false, error: `failed to create application backup: ${(e as Error).message}` });
        }
      }
      if (method === 'GET' && url.pathname === '/api/v1/snapshot/config') {
        await this.checkAuth(req);
        return send(200, snapshotConfig(this.state.snapshotSchedule, this.state.snapshotTTL));
      }
      if (method === 'PUT' && url.pathname === '/api/v1/snapshot/schedule') {
        await this.checkAuth(req);
        await this.checkVeleroAccess();
        const body = await readJson(req).catch(() => undefined);
        if (!body) return send(400, { success: false, error: 'failed to decode request body' });
        const r = applyScheduleRequest(this.state, body, new Date());
        if (r.status === 200) this.save();
        return send(r.status, r.body);
      }
      if (method === 'PUT' && url.pathname === '/api/v1/snapshot/retention') {
        await this.checkAuth(req);
        await this.checkVeleroAccess();
        const body = await readJson(req).catch(() => undefined);
        if (!body) return send(400, { success: false, error: 'failed to decode request body' });
        const r = applyRetentionRequest(this.state, body);
        if (r.status === 200) this.save();
        return send(r.status, r.body);
      }
      if (method === 'POST' && (m = /^\/api\/v1\/snapshot\/([^/]+)\/restore-apps$/.exec(url.pathname))) {
        await this.checkAuth(req);
        const snapshotName = decodeURIComponent(m[1]);
        const body = (await readJson(req).catch(() => undefined)) as { restoreAll?: boolean; appSlugs?: string[] } | undefined;
        if (!body) {
          res.writeHead(400);
          return void res.end();
        }
        let backup: VeleroBackup;
        try {
          backup = await this.getBackup(snapshotName);
        } catch {
          return send(500, { success: false, error: 'failed to find backup' });
        }
        if (!isInstanceBackup(backup)) return send(500, { success: false, error: `backup ${snapshotName} is not an instance backup` });
        if (instanceBackupType(backup) !== 'legacy') return send(500, { success: false, error: 'only legacy type instance backups are restorable' });
        const veleroNs = backup.metadata.namespace;
        for (const a of await this.apps()) {
          if (!body.restoreAll && !(body.appSlugs ?? []).includes(a.slug)) continue;
          delete this.state.restores[a.slug];
          try {
            await this.kube.deleteVelero('restores', veleroNs, `${snapshotName}.${a.slug}`);
          } catch {
            return send(500, { success: false, error: `failed to delete restore for app ${a.slug}` });
          }
          this.state.restores[a.slug] = { backupName: snapshotName, undeployStatus: '' };
        }
        this.save();
        void this.restoreTick();
        return send(200, { success: true });
      }
      if (method === 'POST' && (m = /^\/api\/v1\/snapshot\/([^/]+)\/apps-restore-status$/.exec(url.pathname))) {
        await this.checkAuth(req);
        const snapshotName = decodeURIComponent(m[1]);
        const body = (await readJson(req).catch(() => undefined)) as { checkAll?: boolean; appSlugs?: string[] } | undefined;
        if (!body) {
          res.writeHead(400);
          return void res.end();
        }
        let backup: VeleroBackup;
        try {
          backup = await this.getBackup(snapshotName);
        } catch {
          return send(500, { statuses: [], error: 'failed to find backup' });
        }
        if (!isInstanceBackup(backup)) return send(500, { statuses: [], error: `backup ${snapshotName} is not an instance backup` });
        const statuses = [];
        for (const a of await this.apps()) {
          if (!body.checkAll && !(body.appSlugs ?? []).includes(a.slug)) continue;
          const restoreName = `${snapshotName}.${a.slug}`;
          let r: VeleroRestore | undefined;
          try {
            r = await this.kube.getVelero<VeleroRestore>('restores', backup.metadata.namespace, restoreName);
          } catch (e) {
            if (!isNotFound(e)) return send(500, { statuses: [], error: `failed to get restore for app ${a.slug}` });
          }
          statuses.push({ appSlug: a.slug, restoreDetail: restoreDetail(restoreName, r) });
        }
        return send(200, { statuses });
      }
      return send(404, { error: 'not found' });
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, e.body);
      log(`${method} ${url.pathname}: ${kubeErrorMessage(e)}`);
      return send(500, { error: kubeErrorMessage(e) });
    }
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.opts.port, this.opts.host, () => ok());
    });
    log(`admin console stand-in listening on http://${this.opts.host}:${this.opts.port} (kotsadm namespace ${this.opts.namespace})`);
    const loop = (fn: () => Promise<void>, ms: number, name: string) => {
      const t = setInterval(() => fn().catch((e) => log(`${name}: ${kubeErrorMessage(e)}`)), ms);
      this.timers.push(t);
    };
    loop(() => this.schedulerTick(), this.opts.schedulerIntervalMs, 'snapshot scheduler');
    loop(() => this.restoreTick(), this.opts.restoreIntervalMs, 'restore loop');
    const stop = () => {
      this.timers.forEach(clearInterval);
      server.close();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return (
    JSON.parse(text || 'null') ??
    (() => {
      throw new Error('empty body');
    })()
  );
}

export const SERVER_FLAGS: FlagSpec[] = [
  { name: 'lab-dir', type: 'string', default: '' },
  { name: 'port', type: 'string', default: '' },
  { name: 'host', type: 'string', default: '127.0.0.1' },
  { name: 'kubeconfig', type: 'string', default: '' },
  { name: 'namespace', short: 'n', type: 'string', default: '' },
  { name: 'scheduler-interval', type: 'string', default: '60', usage: 'seconds between scheduler runs' },
  { name: 'restore-interval', type: 'string', default: '2', usage: 'seconds between restore loop runs' },
  { name: 'flavour', type: 'string', default: '' },
  { name: 'kotsadm-image', type: 'string', default: `kotsadm/kotsadm:v${KOTSADM_VERSION}` },
  { name: 'minimal-rbac', type: 'bool', default: false },
  { name: 'airgap', type: 'bool', default: false },
];

export function serverOptionsFromArgv(argv: string[]): ServerOptions {
  const spec: CommandSpec = { name: 'admin-console', runnable: true, flags: SERVER_FLAGS };
  const p = parseArgs(argv, spec, []);
  const f = (k: string) => String(p.flags[k] ?? '');
  const labDir = resolve(f('lab-dir') || process.env.LIFEBOAT_LAB_DIR || '.lab');
  let lab: { kubeconfig?: string; kotsNamespace?: string; flavour?: string; adminConsole?: { url?: string } } = {};
  try {
    lab = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8'));
  } catch {
    /* lab.json may not be written yet */
  }
  const port = Number(f('port') || (lab.adminConsole?.url ? new URL(lab.adminConsole.url).port : ''));
  if (!port) throw new Error('--port is required');
  const namespace = f('namespace') || lab.kotsNamespace || '';
  if (!namespace) throw new Error('--namespace is required');
  const kubeconfig = f('kubeconfig') || lab.kubeconfig || process.env.KUBECONFIG || '';
  if (!kubeconfig) throw new Error('--kubeconfig is required');
  const flavour = f('flavour') || lab.flavour || 'existing';
  const secs = (k: string) => {
    const n = Number(f(k));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number of seconds`);
    return n * 1000;
  };
  return {
    labDir,
    port,
    host: f('host'),
    kubeconfig,
    namespace,
    schedulerIntervalMs: secs('scheduler-interval'),
    restoreIntervalMs: secs('restore-interval'),
    flavour,
    kotsadmImage: f('kotsadm-image'),
    minimalRbac: p.flags['minimal-rbac'] === true,
    // Every flavour but `existing` is air-gapped in the lab (seed.ts isAirgap): its backups say so.
    airgap: p.flags['airgap'] === true || flavour !== 'existing',
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]).endsWith('admin-console.ts') && import.meta.url.endsWith('/admin-console.ts');
if (isMain) {
  try {
    const opts = serverOptionsFromArgv(process.argv.slice(2));
    new AdminConsole(opts).start().catch((e) => {
      process.stderr.write(`admin console: ${(e as Error).message}\n`);
      process.exit(1);
    });
  } catch (e) {
    process.stderr.write(`admin console: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
