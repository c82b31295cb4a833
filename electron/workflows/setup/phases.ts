/**
 * The apply phases that change the cluster directly, and the dispatch of every phase id to the
 * module that runs it. Each phase may run again after an interruption, so each first looks at what
 * an earlier run already did.
 *
 *   prepare          Namespace velero (with the labels velero install gives it) + Secret
 *                    registry-credentials for the private registry, so the first pods can pull
 *   install          velero install --no-default-backup-location --no-secret --use-node-agent
 *                    --use-volume-snapshots=false (KOTS's own instructions; install.ts says why)
 *   patch            imagePullSecrets + imagePullPolicy IfNotPresent on Deployment velero and
 *                    DaemonSet node-agent (Velero forces Always for a registry with a port; with a
 *                    pinned tag that only makes every KOTS restart depend on the registry)
 *   wait-deployment  Lifeboat's own wait (waits.ts)
 *   wait-node-agent
 *   configure        kubectl kots velero configure-… (kotsConfigure.ts)
 *   permissions      ensure-permissions (minimal-RBAC KOTS only)
 *   verify           verify.ts
 *   uninstall        velero uninstall
 */
import type { SetupPhase, SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { Destination } from '../../kots/configure.js';
import type { Tools } from '../../tools/tools.js';
import { imagesLockFor } from '../../velero/imagesLock.js';
import { installArgs, uninstallArgs, veleroPullPolicy, type PrivateRegistry } from '../../velero/install.js';
import { PULL_SECRET, privateRegistry, pullSecret } from './credentials.js';
import { KubeRestError, type List, type SetupKube, type Workload } from '../../cluster/rest.js';
import { configurePhase, permissionsPhase, type ConfigureSecrets } from './kotsConfigure.js';
import { type PhaseResult, type WizardMachine, withPhase } from './machine.js';
import type { Verification } from './verify.js';
import { daemonSetReady, deploymentReady, waitFor } from './waits.js';

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

export interface PhaseDeps {
  m: Pick<WizardMachine, 'w' | 'save'>;
  kube: () => SetupKube;
  tools: Pick<Tools, 'start' | 'run'>;
  secrets: ConfigureSecrets;
  processEnv: NodeJS.ProcessEnv;
  t: SetupTimeouts;
  /** Verifies and records the verification (verify.ts). */
  verify: (signal: AbortSignal, waitMs: number) => Promise<Verification>;
}

export async function veleroDeployed(kube: SetupKube, ns: string): Promise<boolean> {
  return !!(await kube.find(`/apis/apps/v1/namespaces/${ns}/deployments/velero`));
}

const PSS = {
  'pod-security.kubernetes.io/enforce': 'privileged',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'privileged',
  'pod-security.kubernetes.io/audit-version': 'latest',
  'pod-security.kubernetes.io/warn': 'privileged',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

export async function preparePhase(kube: SetupKube, w: SetupWizard, password: string | undefined): Promise<PhaseResult> {
  const ns = w.veleroNamespace;
  const reg = privateRegistry(w);
  const msgs: string[] = [];
  if (!(await kube.find(`/api/v1/namespaces/${ns}`))) {
    await kube.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { component: 'velero', ...PSS } } });
    msgs.push(`Created namespace ${ns}.`);
  }
  const user = w.registry?.username;
  if (reg && user && password) {
    const body = pullSecret(ns, reg.host, user, password);
    try {
      await kube.post(`/api/v1/namespaces/${ns}/secrets`, body);
    } catch (e) {
      if (!(e instanceof KubeRestError && e.status === 409)) throw e;
      await kube.patch(`/api/v1/namespaces/${ns}/secrets/${PULL_SECRET}`, { data: body.data });
    }
    msgs.push(`Secret ${PULL_SECRET} for ${reg.host}.`);
  } else if (reg) {
    msgs.push('No registry credentials: the registry must allow anonymous pulls.');
  }
  return { message: msgs.join(' ') || 'Nothing to prepare.' };
}

async function installPhase(p: PhaseDeps, kube: SetupKube, onRun: (id: string) => void): Promise<PhaseResult> {
  const w = p.m.w;
  const ns = w.veleroNamespace;
  if (w.apply!.kind === 'install' && (await veleroDeployed(kube, ns))) {
    return { skipped: true, message: `Deployment velero already exists in ${ns} (an earlier run got this far): not installed again.` };
  }
  const d = w.destination as Destination;
  const args = [
    ...installArgs({
      veleroVersion: w.veleroVersion ?? 'v1.18.3',
      provider: d.provider,
      namespace: ns,
      registry: privateRegistry(w),
      lock: imagesLockFor(p.processEnv),
    }),
    ...(w.apply!.kind === 'upgrade' ? ['--apply'] : []),
  ];
  const h = await p.tools.start('velero', args, { summary: 'Setup: velero install', timeoutMs: p.t.installMs, secrets: p.secrets.values() });
  onRun(h.runId);
  p.m.save(
    withPhase(
      p.m.w,
      p.m.w.apply!.phases.findIndex((x) => x.state === 'running'),
      { runId: h.runId },
    ),
  );
  const r = await h.done;
  if (!/Velero is installed/.test(r.stdout + r.stderr))
    throw new LifeboatError('SETUP_FAILED', 'velero install exited without saying Velero is installed.', 'Its output is in Activity.', {
      lastLines: (r.stdout + '\n' + r.stderr).split('\n').slice(-12),
    });
  if (!(await veleroDeployed(kube, ns)))
    throw new LifeboatError(
      'SETUP_FAILED',
      `velero install reported success, but Deployment velero is not in ${ns}.`,
      'Check the namespace flag and the output in Activity.',
    );
  return { message: 'Velero objects created.', runId: h.runId };
}

export async function patchPhase(kube: SetupKube, ns: string, reg: PrivateRegistry | undefined, withSecret: boolean): Promise<PhaseResult> {
  if (!reg) return { skipped: true, message: "Public images: Velero's own pull policy is kept." };
  for (const [kind, name] of [
    ['deployments', 'velero'],
    ['daemonsets', 'node-agent'],
  ] as const) {
    const path = `/apis/apps/v1/namespaces/${ns}/${kind}/${name}`;
    const obj = await kube.find<Workload>(path);
    if (!obj) continue;
    const spec = obj.spec.template.spec;
    await kube.patch(
      path,
      {
        spec: {
          template: {
            spec: {
              ...(withSecret ? { imagePullSecrets: [{ name: PULL_SECRET }] } : {}),
              containers: (spec.containers ?? []).map((c) => ({ name: c.name, imagePullPolicy: 'IfNotPresent' })),
              ...(spec.initContainers?.length ? { initContainers: spec.initContainers.map((c) => ({ name: c.name, imagePullPolicy: 'IfNotPresent' })) } : {}),
            },
          },
        },
      },
      'strategic',
    );
  }
  return {
    message: `imagePullPolicy IfNotPresent (Velero chose ${veleroPullPolicy(`${reg.host}/x:y`)} for a registry ${reg.host.includes(':') ? 'with a port' : ''})${withSecret ? `, imagePullSecrets ${PULL_SECRET}` : ''}.`,
  };
}

export async function uninstallPhase(tools: Pick<Tools, 'start'>, kube: SetupKube, ns: string, onRun: (id: string) => void): Promise<PhaseResult> {
  const h = await tools.start('velero', uninstallArgs(ns), { summary: 'Setup: velero uninstall', timeoutMs: 10 * 60_000 });
  onRun(h.runId);
  await h.done;
  const left = await kube.find(`/api/v1/namespaces/${ns}`);
  const crds = await kube
    .get<List<unknown>>('/apis/apiextensions.k8s.io/v1/customresourcedefinitions?labelSelector=component%3Dvelero')
    .catch(() => ({ items: [] }));
  if (crds.items?.length)
    throw new LifeboatError(
      'SETUP_FAILED',
      `${crds.items.length} Velero CRD(s) are still there after the uninstall.`,
      'Run it again, or delete them with kubectl.',
    );
  return { message: left ? `Namespace ${ns} is terminating.` : `Namespace ${ns} and the Velero CRDs are gone.`, runId: h.runId };
}

export async function runPhase(p: PhaseDeps, id: SetupPhase['id'], signal: AbortSignal, onRun: (id: string) => void): Promise<PhaseResult> {
  const w = p.m.w;
  const ns = w.veleroNamespace;
  const kube = p.kube();
  const wait = { pollMs: p.t.pollMs, pullFailureMs: p.t.pullFailureMs, stableMs: p.t.stableMs };
  switch (id) {
    case 'prepare':
      return preparePhase(kube, w, p.secrets.getRegistryPassword());
    case 'install':
      return installPhase(p, kube, onRun);
    case 'patch':
      return patchPhase(kube, ns, privateRegistry(w), !!w.registry?.username && !!p.secrets.getRegistryPassword());
    case 'wait-deployment': {
      // After KOTS's configure, the pods it deleted still look Ready for a moment: only pods
      // created after configure started count.
      const cfg = w.apply!.phases.find((x) => x.id === 'configure' && x.state === 'succeeded');
      return waitFor(
        kube,
        ns,
        {
          what: 'Deployment velero',
          path: `/apis/apps/v1/namespaces/${ns}/deployments/velero`,
          ready: deploymentReady,
          selector: 'deploy=velero',
          timeoutMs: p.t.deploymentMs,
          podsSince: cfg?.startedAt,
        },
        wait,
        signal,
      );
    }
    case 'wait-node-agent':
      return waitFor(
        kube,
        ns,
        {
          what: 'DaemonSet node-agent',
          path: `/apis/apps/v1/namespaces/${ns}/daemonsets/node-agent`,
          ready: daemonSetReady,
          selector: 'name=node-agent',
          timeoutMs: p.t.nodeAgentMs,
        },
        wait,
        signal,
      );
    case 'configure':
      return configurePhase({ tools: p.tools, kube, secrets: p.secrets, timeoutMs: p.t.configureMs }, w, onRun);
    case 'permissions':
      return permissionsPhase(p, w);
    case 'verify': {
      const v = await p.verify(signal, p.t.locationMs);
      if (!v.ok)
        throw new LifeboatError(
          'SETUP_FAILED',
          `Verification failed: ${v.checks
            .filter((c) => !c.ok)
            .map((c) => `${c.title} — ${c.reason ?? ''}`)
            .join('; ')}`,
          v.checks.find((c) => !c.ok)?.fix,
        );
      return { message: `Velero ${v.serverVersion ?? ''} answered; storage location Available and synced.` };
    }
    case 'uninstall':
      return uninstallPhase(p.tools, kube, ns, onRun);
  }
}

/** The cluster, not only the saved wizard, decides: a Velero already deployed is never installed over. */
export async function refuseSecondInstall(kube: SetupKube, ns: string): Promise<void> {
  if (await veleroDeployed(kube, ns)) {
    throw new LifeboatError(
      'VELERO_ALREADY_INSTALLED',
      `Velero is already installed in namespace ${ns}; Lifeboat does not start a second install.`,
      'Run the preflight again and choose reconfigure or upgrade.',
    );
  }
}
