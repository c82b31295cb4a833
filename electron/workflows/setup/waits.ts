/**
 * Lifeboat's own wait for the Velero server and node agent, instead of `velero install --wait`:
 * image-pull and crash failures are reported from pod status and Events as soon as they persist,
 * not after the whole timeout.
 */
import { LifeboatError } from '../../api/errors.js';
import { abortableSleep } from '../../abortableSleep.js';
import type { KubeEvent, List, Pod, PodCondition, SetupKube, Workload } from '../../cluster/rest.js';

export class Cancelled extends Error {}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal, () => new Cancelled());
}

export interface WaitTimings {
  pollMs: number;
  /** A pull failure that lasts this long fails the wait early (with the Events that explain it). */
  pullFailureMs: number;
  /** How long a pod must have been Ready (and not restarted) before a wait counts it. */
  stableMs: number;
}

export interface WaitTarget {
  what: string;
  path: string;
  ready: (o: Workload) => boolean;
  selector: string;
  timeoutMs: number;
  /** Only pods created at or after this time count (pods a restart deletes still look Ready). */
  podsSince?: string;
}

const STUCK = ['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'CreateContainerConfigError', 'InvalidImageName'];
const isReady = (c: PodCondition) => c.type === 'Ready' && c.status === 'True';

/** What the pods of a workload say on one poll. */
export function podsVerdict(
  items: Pod[],
  podsSince: string | undefined,
  stableMs: number,
  now = Date.now(),
): { stuck?: string; fresh: boolean; stable: boolean } {
  const waiting = items.flatMap((p) =>
    [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((c) => c.state?.waiting?.reason).filter((r): r is string => !!r),
  );
  const stuck = waiting.find((r) => STUCK.includes(r));
  const fresh =
    !podsSince ||
    (items.length > 0 &&
      items.every((p) => !p.metadata?.deletionTimestamp && String(p.metadata?.creationTimestamp ?? '') >= podsSince.slice(0, 19)) &&
      items.some((p) => (p.status?.conditions ?? []).some(isReady)));
  // Like velero install --wait: Ready must have held for a while (a server that exits at once
  // looks Ready for a second), and no container may have restarted meanwhile.
  const stable =
    items.length > 0 && items.every((p) => (p.status?.conditions ?? []).some((c) => isReady(c) && now - Date.parse(c.lastTransitionTime ?? '') >= stableMs));
  return { stuck, fresh, stable };
}

export async function waitFor(kube: SetupKube, ns: string, target: WaitTarget, t: WaitTimings, signal: AbortSignal): Promise<{ message: string }> {
  const { what } = target;
  const start = Date.now();
  let stuckSince: number | undefined;
  // Ready must hold over several polls with no pod crashing (Velero's own --wait wants > 4
  // observations): a server that starts and exits looks Available for a moment.
  let readyPolls = 0;
  for (;;) {
    if (signal.aborted) throw new Cancelled();
    const o = await kube.find<Workload>(target.path);
    if (!o) throw new LifeboatError('SETUP_FAILED', `${what} does not exist.`, 'The install did not create it; see its output in Activity.');
    const pods = await kube.get<List<Pod>>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(target.selector)}`).catch(() => ({ items: [] }));
    const { stuck, fresh, stable } = podsVerdict(pods.items ?? [], target.podsSince, t.stableMs);
    readyPolls = target.ready(o) && !stuck && fresh && stable ? readyPolls + 1 : 0;
    if (readyPolls >= 3) return { message: `${what} ready after ${Math.round((Date.now() - start) / 1000)} s.` };
    stuckSince = stuck ? (stuckSince ?? Date.now()) : undefined;
    if (stuckSince && Date.now() - stuckSince > t.pullFailureMs) throw stuckError(what, stuck ?? '', Date.now() - stuckSince);
    if (Date.now() - start > target.timeoutMs)
      throw new LifeboatError(
        'SETUP_FAILED',
        `${what} was not ready within ${Math.round(target.timeoutMs / 1000)} s.`,
        'The pod status and Events below say why.',
      );
    await sleep(t.pollMs, signal);
  }
}

function stuckError(what: string, reason: string, forMs: number): LifeboatError {
  const pull = /Pull|Image/.test(reason);
  const s = Math.round(forMs / 1000);
  return new LifeboatError(
    'SETUP_FAILED',
    pull ? `${what}: the cluster cannot pull its image (${reason} for ${s} s).` : `${what}: its container keeps failing (${reason} for ${s} s).`,
    pull
      ? 'The pod status and Events below say which image and why.'
      : 'The pod status and Events below say why; the container log has the details (kubectl logs).',
  );
}

/** What the readiness rules read of a Deployment or DaemonSet. */
type Rollout = { metadata?: Pick<Workload['metadata'], 'generation'>; spec?: Pick<Workload['spec'], 'replicas'>; status?: Workload['status'] };

export function deploymentReady(o: Rollout | undefined): boolean {
  const s = o?.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (o?.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) >= (o?.spec?.replicas ?? 1) &&
    (s.availableReplicas ?? 0) >= 1 &&
    !((s.unavailableReplicas ?? 0) > 0)
  );
}

export function daemonSetReady(o: Rollout | undefined): boolean {
  const s = o?.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (o?.metadata?.generation ?? 1) &&
    (s.desiredNumberScheduled ?? 0) > 0 &&
    s.numberAvailable === s.desiredNumberScheduled &&
    (s.updatedNumberScheduled ?? 0) === s.desiredNumberScheduled
  );
}

/** Pod waiting reasons and Warning Events in the Velero namespace: why pods are not running. */
export async function diagnose(kube: SetupKube, ns: string): Promise<string[]> {
  const out: string[] = [];
  const pods = await kube.get<List<Pod>>(`/api/v1/namespaces/${ns}/pods`).catch(() => ({ items: [] }));
  for (const p of pods.items ?? []) {
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      const w = c.state?.waiting;
      if (w?.reason && !['PodInitializing', 'ContainerCreating'].includes(w.reason))
        out.push(`Pod ${p.metadata.name}, container ${c.name}: ${w.reason}${w.message ? ` — ${w.message}` : ''}`);
    }
  }
  const events = await kube.get<List<KubeEvent>>(`/api/v1/namespaces/${ns}/events`).catch(() => ({ items: [] }));
  const warn = (events.items ?? [])
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')));
  const seen = new Set<string>();
  for (const e of warn.slice(-20)) {
    const line = `Event ${e.reason} on ${e.involvedObject?.kind}/${e.involvedObject?.name}: ${e.message}`;
    if (!seen.has(line)) out.push(line);
    seen.add(line);
  }
  return out.slice(-16);
}
