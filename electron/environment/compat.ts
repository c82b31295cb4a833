/**
 * The KOTS ↔ Velero ↔ Kubernetes compatibility verdict: a pure function from versions (and the few
 * facts that change the answer) to one verdict with its reason and fix. Every rule names the
 * version bound it comes from: KOTS ↔ Velero from replicated-docs
 * docs/partials/snapshots/_velero-compatibility.mdx at 3187d2dd (1.130.7 and later) and
 * docs/enterprise/snapshots-understanding.md at 98bba957 (the older rows); LVP and restic on
 * Velero 1.17+ from kots pkg/snapshot/types/velero_flags.go and pkg/snapshot/store.go at v1.131.4.
 * A version that cannot be read is a warning with the reason, never a silent pass.
 */
import type { Check, CompatibilityVerdict } from '../api/contract.js';

export type Version = [number, number, number];

/** "v1.18.3", "1.131.4", "v1.18.3-rc.1", "1.18" → [1,18,3]; anything else → undefined. */
export function parseVersion(v: string | undefined): Version | undefined {
  const m = v?.trim().match(/^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function cmp(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
const V = (s: string) => parseVersion(s)!;
const ge = (a: Version, b: string) => cmp(a, V(b)) >= 0;
const lt = (a: Version, b: string) => cmp(a, V(b)) < 0;
const fmt = (v: Version) => `${v[0]}.${v[1]}.${v[2]}`;

export interface CompatInput {
  kotsVersion?: string;
  /** Whether the admin console was found at all. */
  kotsFound?: boolean;
  veleroInstalled: boolean;
  veleroVersion?: string;
  /** Why the Velero version could not be read, when it could not. */
  veleroVersionProblem?: string;
  kubernetesVersion?: string;
  /** The Velero CLI Lifeboat bundles. */
  cliVersion?: string;
  /** A BSL uses local-volume-provider (NFS, host path, internal store without MinIO). */
  usesLocalVolumeProvider?: boolean;
  /** A BSL has config.resticRepoPrefix (restic-era file-system store). */
  usesResticRepoPrefix?: boolean;
}

export interface Finding extends Check {
  verdict: CompatibilityVerdict['verdict'];
}

const rank: Record<CompatibilityVerdict['verdict'], number> = { compatible: 0, unknown: 1, warning: 2, incompatible: 3 };

function finding(verdict: Finding['verdict'], title: string, reason: string, fix?: string): Finding {
  const severity = verdict === 'incompatible' ? 'error' : verdict === 'compatible' ? 'ok' : 'warning';
  return { verdict, ok: verdict === 'compatible', severity, title, reason, fix };
}

/** KOTS ↔ Velero, from the product table and the later KOTS documentation. */
function kotsVelero(kots: Version, velero: Version): Finding {
  return olderKotsVelero(kots, velero) ?? currentKotsVelero(kots, velero);
}

const KOTS_VELERO = 'KOTS and Velero versions';

/** KOTS before 1.94.1, and Velero older than any KOTS supports; undefined when neither applies. */
function olderKotsVelero(kots: Version, velero: Version): Finding | undefined {
  const k = fmt(kots);
  const v = fmt(velero);
  const title = KOTS_VELERO;
  if (lt(kots, '1.15.0')) {
    return finding(
      'incompatible',
      title,
      `KOTS ${k} predates snapshots: backups with Velero need KOTS 1.15 or later.`,
      'Upgrade the admin console to KOTS 1.130.7 or later.',
    );
  }
  if (lt(kots, '1.20.3')) {
    return velero[0] === 1 && velero[1] === 2
      ? finding('compatible', title, `KOTS ${k} (1.15 to 1.20.2) supports Velero 1.2.0; Velero ${v} matches.`)
      : finding(
          'incompatible',
          title,
          `KOTS ${k} (1.15 to 1.20.2) supports only Velero 1.2.0; this cluster runs Velero ${v}.`,
          'Upgrade the admin console to KOTS 1.20.3 or later (1.130.7 or later for Velero 1.11–1.18).',
        );
  }
  if (lt(velero, '1.5.1')) {
    return finding(
      'incompatible',
      title,
      `Velero ${v} is older than 1.5.1, the oldest Velero KOTS ${k} supports (the admin console says "install Velero version 1.5.1 or greater").`,
      'Upgrade Velero to 1.18.x.',
    );
  }
  if (lt(kots, '1.94.1')) {
    return lt(velero, '1.10.0')
      ? finding('compatible', title, `KOTS ${k} (1.20.3 and later) supports Velero 1.5.1 through 1.9.x; Velero ${v} is in range.`)
      : finding(
          'incompatible',
          title,
          `KOTS ${k} supports Velero 1.5.1 through 1.9.x; Velero ${v} is newer than 1.9.x.`,
          'Upgrade the admin console to KOTS 1.94.1 or later (1.130.7 or later for Velero 1.11–1.18), or run Velero 1.9.x.',
        );
  }
  return undefined;
}

/** KOTS 1.94.1 and later with Velero 1.5.1 and later. */
function currentKotsVelero(kots: Version, velero: Version): Finding {
  const k = fmt(kots);
  const v = fmt(velero);
  const title = KOTS_VELERO;
  if (ge(velero, '1.19.0')) {
    return ge(kots, '1.130.7')
      ? finding(
          'incompatible',
          title,
          `KOTS ${k} supports Velero 1.11.0 through 1.18.x; Velero ${v} is 1.19 or later, which KOTS does not support (and does not check for itself).`,
          'Run Velero 1.18.x (Lifeboat bundles the 1.18 CLI).',
        )
      : finding(
          'incompatible',
          title,
          `Velero ${v} is 1.19 or later, which no KOTS release supports (KOTS 1.130.7 and later support up to 1.18.x).`,
          'Run Velero 1.18.x and upgrade the admin console to KOTS 1.130.7 or later.',
        );
  }
  if (lt(velero, '1.6.0')) {
    return finding(
      'warning',
      title,
      `KOTS ${k} (1.94.1 and later) documents Velero 1.6.x and later; Velero ${v} is older than 1.6.0.`,
      'Upgrade Velero to 1.18.x.',
    );
  }
  if (ge(kots, '1.130.7')) {
    return lt(velero, '1.11.0')
      ? finding(
          'warning',
          title,
          `KOTS ${k} (1.130.7 and later) documents Velero 1.11.0 through 1.18.x; Velero ${v} is older than 1.11.0.`,
          'Upgrade Velero to 1.18.x.',
        )
      : finding('compatible', title, `KOTS ${k} (1.130.7 and later) supports Velero 1.11.0 through 1.18.x; Velero ${v} is in range.`);
  }
  return ge(velero, '1.11.0')
    ? finding(
        'warning',
        title,
        `KOTS ${k} (1.94.1 and later) supports Velero 1.6.x and later, but Velero 1.11.0 through 1.18.x are documented only for KOTS 1.130.7 and later.`,
        'Upgrade the admin console to KOTS 1.130.7 or later.',
      )
    : finding('compatible', title, `KOTS ${k} (1.94.1 and later) supports Velero 1.6.x and later; Velero ${v} is in range.`);
}

/** Velero ↔ Kubernetes: velero README.md at v1.18.3 (1.14–1.18), at v1.13.0 (1.9–1.13) and at
 * v1.10.0 (1.6.0–1.6.2). */
function veleroKubernetes(velero: Version, kube: Version): Finding | undefined {
  const title = 'Velero and Kubernetes versions';
  const v = fmt(velero);
  const k = `${kube[0]}.${kube[1]}`;
  if (ge(velero, '1.9.0') && lt(velero, '1.19.0') && lt(kube, '1.18.0')) {
    return finding(
      'incompatible',
      title,
      `Velero ${v} (1.9 through 1.18) expects Kubernetes 1.18 or later; this cluster runs Kubernetes ${k}.`,
      'Upgrade Kubernetes to 1.18 or later, or use the Velero version matched to this Kubernetes.',
    );
  }
  if (velero[0] === 1 && velero[1] === 6 && velero[2] <= 2 && (lt(kube, '1.12.0') || ge(kube, '1.22.0'))) {
    return finding(
      'warning',
      title,
      `Velero ${v} (1.6.0 to 1.6.2) expects Kubernetes 1.12 through 1.21; this cluster runs Kubernetes ${k}.`,
      'Upgrade Velero to 1.18.x.',
    );
  }
  return undefined;
}

/** Whether Velero and KOTS were found, and their versions read. */
function presenceFindings(input: CompatInput, kots: Version | undefined, velero: Version | undefined): Finding[] {
  const findings: Finding[] = [];
  if (!input.veleroInstalled) {
    findings.push(
      finding('unknown', 'Velero', 'Velero is not installed in this cluster, so there is nothing to check yet.', 'Install Velero 1.18.x from Setup.'),
    );
  } else if (!velero) {
    findings.push(
      finding(
        'warning',
        'Velero version',
        `Lifeboat could not read the Velero server version${input.veleroVersionProblem ? `: ${input.veleroVersionProblem}` : input.veleroVersion ? ` ("${input.veleroVersion}" is not a version)` : '.'}`,
        'Check that the Velero server is running (Deployment velero), then refresh.',
      ),
    );
  }
  if (input.kotsFound === false) {
    findings.push(
      finding(
        'unknown',
        'KOTS admin console',
        'No KOTS admin console (kotsadm) was found in this cluster.',
        'Connect to the cluster where the application is installed with KOTS.',
      ),
    );
  } else if (!kots) {
    findings.push(
      finding(
        'warning',
        'KOTS version',
        `Lifeboat could not read the KOTS version${input.kotsVersion ? ` ("${input.kotsVersion}" is not a version)` : ' from the kotsadm image tag'}.`,
        "Check the kotsadm Deployment's image; compatibility cannot be confirmed without it.",
      ),
    );
  }
  return findings;
}

/** Velero against Kubernetes, or why the Kubernetes version cannot be checked. */
function kubernetesFinding(input: CompatInput, velero: Version, kube: Version | undefined): Finding | undefined {
  if (kube) return veleroKubernetes(velero, kube);
  return finding(
    'warning',
    'Kubernetes version',
    input.kubernetesVersion
      ? `The API server reports version "${input.kubernetesVersion}", which is not a Kubernetes release, so Velero's Kubernetes bounds cannot be checked.`
      : 'Lifeboat could not read the Kubernetes version from /version.',
    input.kubernetesVersion ? 'Ask your cluster admin which Kubernetes release this is.' : 'Reconnect to the cluster.',
  );
}

/** Backup storage that Velero 1.17 and later can no longer use. */
function storageFindings(input: CompatInput, velero: Version): Finding[] {
  if (!ge(velero, '1.17.0')) return [];
  const findings: Finding[] = [];
  if (input.usesLocalVolumeProvider) {
    findings.push(
      finding(
        'incompatible',
        'Backup storage',
        `The backup storage uses local-volume-provider (NFS, host path or the internal store without MinIO), which KOTS refuses with Velero 1.17 and later (this cluster runs ${fmt(velero)}); backups taken that way with Velero 1.16 or earlier cannot be restored on 1.17 or later.`,
        'Reconfigure backup storage to an object store (S3-compatible, GCS or Azure), or stay on Velero 1.16.',
      ),
    );
  }
  if (input.usesResticRepoPrefix) {
    findings.push(
      finding(
        'incompatible',
        'Backup storage',
        `The backup storage has resticRepoPrefix set; Velero 1.17 and later removed the restic uploader (this cluster runs ${fmt(velero)}).`,
        'Reconfigure the storage location to use an object store without resticRepoPrefix.',
      ),
    );
  }
  return findings;
}

/** The bundled velero CLI against the server's major.minor. */
function cliFinding(input: CompatInput, velero: Version): Finding | undefined {
  if (!input.cliVersion) return undefined;
  const cli = parseVersion(input.cliVersion);
  if (!cli || (cli[0] === velero[0] && cli[1] === velero[1])) return undefined;
  return finding(
    'warning',
    'Velero CLI',
    `Lifeboat's velero CLI is ${fmt(cli)} but the server runs ${fmt(velero)}; velero warns when major.minor differ.`,
    `Run Velero ${cli[0]}.${cli[1]}.x on the cluster.`,
  );
}

/** The worst findings' verdict, their reasons and fixes together. */
function overallVerdict(findings: Finding[], base: Pick<CompatibilityVerdict, 'kotsVersion' | 'veleroVersion' | 'kubernetesVersion'>): CompatibilityVerdict {
  const worst = findings.reduce<Finding | undefined>((w, f) => (!w || rank[f.verdict] > rank[w.verdict] ? f : w), undefined);
  if (!worst) return { verdict: 'unknown', reason: 'Nothing to compare.', ...base };
  return {
    verdict: worst.verdict,
    reason: findings
      .filter((f) => f.verdict === worst.verdict)
      .map((f) => f.reason)
      .join(' '),
    fix:
      findings
        .filter((f) => f.verdict === worst.verdict && f.fix)
        .map((f) => f.fix)
        .join(' ') || undefined,
    ...base,
  };
}

export function compatibility(input: CompatInput): { verdict: CompatibilityVerdict; findings: Finding[] } {
  const kots = parseVersion(input.kotsVersion);
  const velero = parseVersion(input.veleroVersion);
  // a source build without version stamps reports v0.0.0-master: that is no version at all
  const kubeParsed = parseVersion(input.kubernetesVersion);
  const kube = kubeParsed && kubeParsed[0] > 0 ? kubeParsed : undefined;

  const findings = presenceFindings(input, kots, velero);
  if (kots && velero) findings.push(kotsVelero(kots, velero));
  if (velero) {
    const checks = [kubernetesFinding(input, velero, kube), ...storageFindings(input, velero), cliFinding(input, velero)];
    findings.push(...checks.filter((f): f is Finding => f !== undefined));
  }

  const base = {
    kotsVersion: kots ? fmt(kots) : undefined,
    veleroVersion: velero ? fmt(velero) : undefined,
    kubernetesVersion: kube ? `${kube[0]}.${kube[1]}.${kube[2]}` : undefined,
  };
  return { verdict: overallVerdict(findings, base), findings };
}
