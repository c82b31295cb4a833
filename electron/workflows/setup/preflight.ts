/**
 * The preflight step: what the cluster, KOTS and Lifeboat's bundled tools say before anything is
 * chosen. Nothing here changes the cluster; the result goes through afterPreflight (machine.ts).
 */
import type { Check, Environment } from '../../api/contract.js';
import { fileSystemDestinationCheck } from '../../environment/filesystem.js';
import type { Services } from '../services.js';
import type { SetupKube } from '../../cluster/rest.js';
import type { PreflightResult } from './machine.js';
import { upgradeOffer } from './state.js';

export interface PreflightDeps {
  cluster: Pick<Services['cluster'], 'status'>;
  detector: Pick<Services['detector'], 'get' | 'refresh'>;
  binaries: Pick<Services['binaries'], 'version' | 'list'>;
  kube: () => SetupKube;
}

/** velero install creates cluster-wide objects: the kubeconfig must be allowed to. */
const NEEDED: Array<[string, string, string, string?]> = [
  ['create', 'apiextensions.k8s.io', 'customresourcedefinitions'],
  ['create', 'rbac.authorization.k8s.io', 'clusterrolebindings'],
  ['create', '', 'namespaces'],
  ['create', 'apps', 'deployments', 'velero'],
  ['delete', '', 'pods', 'velero'],
];

export async function preflightChecks(d: PreflightDeps): Promise<PreflightResult> {
  const status = d.cluster.status();
  if (status.state !== 'connected') {
    return {
      connected: false,
      checks: [
        {
          ok: false,
          severity: 'error',
          title: 'Cluster reachable',
          reason: status.error?.message ?? 'Lifeboat is not connected to a cluster.',
          fix: status.error?.hint ?? 'Connect on the Overview screen.',
        },
      ],
    };
  }
  const checks: Check[] = [
    {
      ok: true,
      severity: 'ok',
      title: 'Cluster reachable',
      reason: `${status.server ?? ''} (Kubernetes ${status.kubernetesVersion ?? 'unknown'}), context ${status.context ?? 'default'}.`,
    },
  ];
  const env = d.detector.get() ?? (await d.detector.refresh().catch(() => null));
  checks.push(await permissionsCheck(d.kube()));
  const kots = env?.kots;
  checks.push(kotsCheck(kots), flavourCheck(env));
  const airgap = !!env?.airgap.airgapped;
  checks.push({ ok: true, severity: 'ok', title: airgap ? 'Air gap' : 'Online', reason: env?.airgap.reason ?? 'unknown' });
  const velero = env?.velero;
  const cliVersion = await d.binaries.version('velero').catch(() => undefined);
  const existingVelero = velero?.installed ? { namespace: velero.namespace ?? 'velero', version: velero.version } : undefined;
  checks.push(veleroCheck(velero, cliVersion));
  // NFS / host path: said up front when KOTS would use the local-volume provider (the destination
  // is not chosen yet, so this only warns; validateDestination refuses). The Velero that counts
  // is the bundled one unless an existing Velero may be kept as it is.
  if (kots?.found && kots.fileSystemStore && kots.fileSystemStore.via !== 'minio') {
    const fs = fileSystemDestinationCheck(
      kots.fileSystemStore,
      'either',
      velero?.installed ? { version: velero.version, plugins: velero.plugins } : { version: cliVersion },
    );
    checks.push({ ...fs, ok: true, severity: fs.severity === 'ok' ? 'ok' : 'warning' });
  }
  const verdict = env?.compatibility;
  if (verdict) {
    const bad = verdict.verdict === 'incompatible';
    checks.push({
      ok: !bad,
      severity: bad ? 'error' : verdict.verdict === 'compatible' ? 'ok' : 'warning',
      title: 'KOTS ↔ Velero compatibility',
      reason: verdict.reason,
      fix: verdict.fix,
    });
  }
  checks.push(toolsCheck(await d.binaries.list()));
  return { connected: true, checks, kotsNamespace: kots?.namespace, veleroVersion: cliVersion, existingVelero, minimalRbac: kots?.minimalRbac, airgap };
}

export async function permissionsCheck(kube: SetupKube): Promise<Check> {
  const denied: string[] = [];
  for (const [verb, group, resource, namespace] of NEEDED) {
    const r = await kube
      .post<{ status?: { allowed?: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb, group, resource, namespace } },
      })
      .catch(() => undefined);
    if (!r?.status?.allowed) denied.push(`${verb} ${group ? `${resource}.${group}` : resource}${namespace ? ` in ${namespace}` : ''}`);
  }
  return denied.length
    ? {
        ok: false,
        severity: 'error',
        title: 'Permissions to install Velero',
        reason: `This kubeconfig may not: ${denied.join('; ')}.`,
        fix: 'Use a cluster-admin kubeconfig: velero install creates CRDs, a namespace and a cluster role binding.',
      }
    : { ok: true, severity: 'ok', title: 'Permissions to install Velero', reason: 'CRDs, cluster role bindings, namespaces, deployments: allowed.' };
}

function kotsCheck(kots: Environment['kots'] | undefined): Check {
  return kots?.found
    ? {
        ok: true,
        severity: 'ok',
        title: 'KOTS admin console found',
        reason: `Namespace ${kots.namespace}, version ${kots.version ?? 'unknown'}${kots.minimalRbac ? ' (minimal RBAC: ensure-permissions will run)' : ''}.`,
      }
    : {
        ok: false,
        severity: 'error',
        title: 'KOTS admin console found',
        reason: 'No kotsadm Deployment or StatefulSet was found.',
        fix: 'Connect to the cluster that runs the KOTS admin console.',
      };
}

function flavourCheck(env: Environment | null | undefined): Check {
  const flavour = env?.flavour ?? 'unknown';
  return flavour === 'embedded-cluster'
    ? {
        ok: false,
        severity: 'error',
        title: 'Cluster flavour',
        reason: `${env?.flavourReason ?? ''} Embedded Cluster installs and manages Velero itself.`,
        fix: "Use the admin console's disaster-recovery settings instead of installing Velero.",
      }
    : {
        ok: true,
        severity: flavour === 'unknown' ? 'warning' : 'ok',
        title: 'Cluster flavour',
        reason: `${flavour}: ${env?.flavourReason ?? ''}${flavour === 'kurl' ? ' kURL clusters often include Velero already.' : ''}`,
      };
}

function veleroCheck(velero: Environment['velero'] | undefined, cliVersion: string | undefined): Check {
  if (!velero?.installed)
    return { ok: true, severity: 'ok', title: 'No Velero yet', reason: `Lifeboat will install Velero ${cliVersion ?? ''} (its bundled CLI).` };
  const up = upgradeOffer(velero.version, cliVersion);
  return {
    ok: true,
    severity: 'warning',
    title: 'Velero already installed',
    reason: `Velero ${velero.version ?? '(version unknown)'} in namespace ${velero.namespace}. Lifeboat never reinstalls it silently. ${up.ok ? `Upgrade available: ${up.reason}` : up.reason}`,
    fix: up.ok
      ? 'Choose: keep it as it is, reconfigure its storage destination, or upgrade it to the bundled version (the review shows what changes first).'
      : 'Choose: keep it as it is, or reconfigure its storage destination.',
  };
}

function toolsCheck(tools: Awaited<ReturnType<Services['binaries']['list']>>): Check {
  const broken = tools.filter((t) => t.status === 'missing' || t.status === 'tampered');
  return broken.length
    ? {
        ok: false,
        severity: 'error',
        title: 'Bundled tools',
        reason: broken.map((t) => `${t.name}: ${t.message ?? t.status}`).join(' '),
        fix: 'Reinstall Lifeboat.',
      }
    : { ok: true, severity: 'ok', title: 'Bundled tools', reason: tools.map((t) => `${t.name} ${t.version} (${t.status})`).join(', ') };
}
