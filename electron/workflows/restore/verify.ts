/**
 * Whether the restore worked, judged from the cluster rather than from any command's word: the
 * admin console ready, the application's workloads ready, and each Velero Restore's phase, results
 * (warnings and errors per namespace) and log. Waits up to `waitMs` for readiness (pods start after
 * the restore ends); a check made on request waits for nothing.
 */
import type { Check, RestoreProgress, RestoreRun, RestoreVerification } from '../../api/contract.js';
import { findKotsadm } from '../../environment/kotsadm.js';
import type { KubeJson, List, Workload } from '../../cluster/rest.js';
import { sleep } from './timeouts.js';
import { type VeleroReader } from './velero.js';
import { isTerminalRestore } from '../../velero/types.js';

export interface VerifyDeps {
  kube(): Pick<KubeJson, 'get' | 'getOrUndefined'>;
  velero(ns: string): Pick<VeleroReader, 'download'>;
  pollMs: number;
  /** False once the follower that asked was detached: stop waiting and answer with what is known. */
  isCurrent(gen: number): boolean;
}

type Workloads = RestoreVerification['workloads'];
type Results = Pick<RestoreVerification, 'warnings' | 'errors' | 'logExcerpts'> & { checks: Check[] };

export class Verifier {
  constructor(private readonly d: VerifyDeps) {}

  async verify(run: RestoreRun, waitMs: number, gen: number): Promise<RestoreVerification> {
    const kube = this.d.kube();
    const deadline = Date.now() + waitMs;
    const checks: Check[] = [await this.adminCheck(kube, run, deadline, gen)];
    let workloads: Workloads = [];
    if (run.type !== 'admin-console') {
      workloads = await this.appWorkloads(kube, run, deadline, gen);
      checks.push(workloadCheck(run, workloads));
    }
    const r = await restoreResults(run, this.d.velero(run.veleroNamespace));
    return {
      checkedAt: new Date().toISOString(),
      checks: [...checks, ...r.checks],
      workloads,
      warnings: r.warnings.slice(0, 500),
      errors: r.errors.slice(0, 500),
      logExcerpts: r.logExcerpts,
    };
  }

  /**
   * kotsadm ready (always checked: the app step needs it too). KOTS without MinIO runs it as a
   * StatefulSet, with MinIO as a Deployment (environment/kotsadm.ts): either counts.
   */
  private async adminCheck(kube: Pick<KubeJson, 'getOrUndefined'>, run: RestoreRun, deadline: number, gen: number): Promise<Check> {
    const wantAdmin = run.type !== 'app';
    const ns = run.kotsadmNamespace;
    for (;;) {
      const [dep, sts] = await Promise.all([
        kube.getOrUndefined(`/apis/apps/v1/namespaces/${ns}/deployments/kotsadm`),
        kube.getOrUndefined(`/apis/apps/v1/namespaces/${ns}/statefulsets/kotsadm`),
      ]);
      const admin = findKotsadm(dep ? [dep] : [], sts ? [sts] : [], ns);
      const ready = !!admin?.ready;
      if (ready || Date.now() >= deadline || !this.d.isCurrent(gen)) {
        return ready
          ? { ok: true, severity: 'ok', title: 'Admin console ready', reason: admin.status }
          : {
              ok: !wantAdmin,
              severity: wantAdmin ? 'error' : 'warning',
              title: 'Admin console not ready',
              reason: admin ? admin.status : `There is no Deployment or StatefulSet named kotsadm in ${ns}.`,
              fix: 'Check the kotsadm pods (kubectl -n ' + ns + ' get pods) and their events; images may be missing in an air-gapped registry.',
            };
      }
      await sleep(this.d.pollMs);
    }
  }

  /** Deployments and StatefulSets labelled with the app slugs, polled until all are ready or time is up. */
  private async appWorkloads(kube: Pick<KubeJson, 'get'>, run: RestoreRun, deadline: number, gen: number): Promise<Workloads> {
    for (;;) {
      const workloads = await listWorkloads(kube, run.appSlugs);
      const allReady = workloads.length > 0 && workloads.every((w) => w.ready >= w.desired);
      if (allReady || Date.now() >= deadline || !this.d.isCurrent(gen)) return workloads;
      await sleep(this.d.pollMs);
    }
  }
}

export async function listWorkloads(kube: Pick<KubeJson, 'get'>, appSlugs: string[]): Promise<Workloads> {
  const workloads: Workloads = [];
  for (const slug of appSlugs) {
    const sel = encodeURIComponent(`kots.io/app-slug=${slug}`);
    for (const kind of ['deployments', 'statefulsets'] as const) {
      const list = await kube.get<List<Workload>>(`/apis/apps/v1/${kind}?labelSelector=${sel}`);
      for (const o of list.items ?? []) {
        const desired = o.spec?.replicas ?? 1;
        const ready = kind === 'deployments' ? Math.min(o.status?.availableReplicas ?? 0, o.status?.readyReplicas ?? 0) : (o.status?.readyReplicas ?? 0);
        workloads.push({ kind: kind === 'deployments' ? 'Deployment' : 'StatefulSet', namespace: o.metadata.namespace, name: o.metadata.name, ready, desired });
      }
    }
  }
  return workloads;
}

export function workloadCheck(run: RestoreRun, workloads: Workloads): Check {
  const notReady = workloads.filter((w) => w.ready < w.desired);
  if (!workloads.length) {
    return {
      ok: false,
      severity: 'error',
      title: 'Application not found',
      reason: `No Deployment or StatefulSet labelled kots.io/app-slug=${run.appSlugs.join(', ')} exists after the restore.`,
      fix: "Check the application restore's results below and the admin console.",
    };
  }
  if (notReady.length) {
    return {
      ok: true,
      severity: 'warning',
      title: 'Application not ready yet',
      reason: `${notReady.map((w) => `${w.kind} ${w.namespace}/${w.name} ${w.ready}/${w.desired}`).join(', ')}.`,
      fix: 'Pods may still be starting or pulling images; check their events, then "Check again".',
    };
  }
  return {
    ok: true,
    severity: 'ok',
    title: 'Application ready',
    reason: `${workloads.length} workload${workloads.length === 1 ? '' : 's'} of ${run.appSlugs.join(', ')} ready.`,
  };
}

/** Each Velero Restore of the run: its phase, then (once it ended) its results and its log. */
export async function restoreResults(run: RestoreRun, velero: Pick<VeleroReader, 'download'>): Promise<Results> {
  const out: Results = { checks: [], warnings: [], errors: [], logExcerpts: [] };
  for (const step of run.steps) {
    for (const name of step.restoreNames) {
      const p = run.restores.find((r) => r.name === name);
      if (!p) {
        if (step.state !== 'pending')
          out.checks.push({
            ok: false,
            severity: 'error',
            title: `Restore ${name} missing`,
            reason: 'Velero never created this restore.',
            fix: 'Run the step again.',
          });
        continue;
      }
      out.checks.push(restoreCheck(p));
      if (!isTerminalRestore(p.phase)) continue;
      await readResults(velero, name, out);
    }
  }
  return out;
}

export function restoreCheck(p: RestoreProgress): Check {
  const name = p.name;
  return p.phase === 'Completed'
    ? {
        ok: true,
        severity: 'ok',
        title: `Velero restore ${name}`,
        reason: `Completed: ${p.itemsRestored ?? 0} of ${p.totalItems ?? '?'} items, ${p.warnings} warning(s).`,
      }
    : {
        ok: p.phase === 'PartiallyFailed',
        severity: p.phase === 'PartiallyFailed' ? 'warning' : 'error',
        title: `Velero restore ${name}`,
        reason: `${p.phase}${p.failureReason ? `: ${p.failureReason}` : ''} (${p.errors} error(s), ${p.warnings} warning(s)).`,
        fix: 'Read the errors below; the full log is in the report.',
      };
}

async function readResults(velero: Pick<VeleroReader, 'download'>, name: string, out: Results): Promise<void> {
  try {
    const buf = await velero.download('RestoreResults', name);
    if (buf) {
      const res = JSON.parse(buf.toString('utf8')) as { errors?: unknown; warnings?: unknown };
      out.errors.push(...flattenResults(name, res.errors));
      out.warnings.push(...flattenResults(name, res.warnings));
    }
  } catch (e) {
    out.checks.push({
      ok: true,
      severity: 'warning',
      title: `Results of ${name} unreadable`,
      reason: e instanceof Error ? e.message : String(e),
      fix: 'The counts above still hold; try "Check again" later.',
    });
  }
  try {
    const buf = await velero.download('RestoreLog', name);
    if (buf) out.logExcerpts.push({ restore: name, lines: logExcerpt(buf.toString('utf8')) });
  } catch {
    // the results already say what matters; a missing log is not a failure
  }
}

/** The run's outcome: a failed step or error check fails it; anything less than ok needs attention. */
export function outcomeOf(run: RestoreRun): RestoreRun['state'] {
  if (run.steps.some((s) => s.state === 'failed')) return 'failed';
  if (run.steps.some((s) => s.state === 'interrupted')) return 'interrupted';
  const checks = run.verification?.checks ?? [];
  if (checks.some((c) => c.severity === 'error')) return 'failed';
  if (run.steps.some((s) => s.state === 'attention') || checks.some((c) => c.severity !== 'ok') || (run.verification?.errors.length ?? 0) > 0)
    return 'attention';
  return 'succeeded';
}

/** Velero's Result {velero:[], cluster:[], namespaces:{ns:[]}} → one entry per message. */
export function flattenResults(restore: string, r: unknown): Array<{ restore: string; scope: string; message: string }> {
  const out: Array<{ restore: string; scope: string; message: string }> = [];
  if (!r || typeof r !== 'object') return out;
  const msg = (m: unknown) => (typeof m === 'string' ? m : typeof m === 'object' && m && 'message' in m ? String(m.message) : JSON.stringify(m));
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
