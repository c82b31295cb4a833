/**
 * The review step: every command and object change the apply will make, worked out (velero
 * install --dry-run, the cluster's current objects) without changing anything, plus a runbook.
 */
import { parseAllDocuments } from 'yaml';
import type { SetupObjectChange, SetupWizard } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import { ensurePermissionsArgs, type Destination } from '../../kots/configure.js';
import type { Tools } from '../../tools/tools.js';
import { imagesLockFor } from '../../velero/imagesLock.js';
import { installArgs, pluginFor, refusesLvp, requiredImages, veleroPullPolicy, type PrivateRegistry } from '../../velero/install.js';
import type { BackupStorageLocation } from '../../velero/types.js';
import { PULL_SECRET, needsSecrets, privateRegistry, redactCommand } from './credentials.js';
import { configureCommand, configureSecretsNote } from './kotsConfigure.js';
import { objectPath, type SetupKube, type Workload } from '../../cluster/rest.js';
import type { SecretKeeper } from './secrets.js';
import { upgradeOffer } from './state.js';

export type Review = NonNullable<SetupWizard['review']>;
type Command = Review['commands'][number];

export interface ReviewDeps {
  tools: Pick<Tools, 'run'>;
  kube: () => SetupKube;
  secrets: Pick<SecretKeeper, 'summary' | 'values' | 'getDestination' | 'getRegistryPassword'>;
  processEnv: NodeJS.ProcessEnv;
}

/** The deps once the review may ask the cluster (its guards passed). */
type Ctx = Omit<ReviewDeps, 'kube'> & { kube: SetupKube };

/** What the review adds up: filled in by the parts below, in the order the apply runs them. */
interface Draft {
  commands: Command[];
  objects: SetupObjectChange[];
  notes: string[];
  manifests: string;
}

/** The review needs what the apply will: the destination, its secrets, and (air gap) the images. */
export function requireReviewable(w: SetupWizard, secretsHeld: boolean): Destination {
  const mode = w.mode ?? 'install';
  const d = w.destination;
  if (!d) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Choose the storage destination first.', 'Go back to the Destination step.');
  if (!secretsHeld && needsSecrets(d))
    throw new LifeboatError(
      'WIZARD_OUT_OF_ORDER',
      "Lifeboat no longer holds the destination's credentials (it was restarted).",
      'Enter them again on the Destination step; they are kept in memory only.',
    );
  // Reconfigure installs no image (KOTS's configure takes the registry from kotsadm-confg).
  if (w.preflight?.airgap && mode !== 'reconfigure') {
    if (!w.registry) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'Enter the private registry first.', 'Go back to the Images step.');
    const notThere = (w.images ?? []).filter((i) => i.state !== 'present' && i.state !== 'pushed');
    if (notThere.length)
      throw new LifeboatError(
        'IMAGES_MISSING',
        `${notThere.length} image(s) are not in ${w.registry.host}: ${notThere.map((i) => i.target).join(', ')}.`,
        'Push them on the Images step first (or check again after mirroring them yourself).',
      );
  }
  return d;
}

export async function buildReview(r: ReviewDeps, w: SetupWizard): Promise<Review> {
  const mode = w.mode ?? 'install';
  const d = requireReviewable(w, r.secrets.summary().held);
  const ns = w.veleroNamespace;
  const version = w.veleroVersion ?? 'v1.18.3';
  const draft: Draft = { commands: [], objects: [], notes: [], manifests: '' };
  const c: Ctx = { ...r, kube: r.kube() };
  if (mode === 'install' || mode === 'upgrade') await installPart(c, w, d, draft);
  else await reconfigurePart(c.kube, ns, d, draft);
  await configurePart(c, w, draft);
  draft.notes.push(...destinationNotes(d, version), configureSecretsNote(configureCommand(w, r.secrets)));
  const { commands, objects, manifests, notes } = draft;
  return { commands, objects, manifests, notes, runbook: runbook(commands, ns), at: new Date().toISOString() };
}

async function installPart(r: Ctx, w: SetupWizard, d: Destination, draft: Draft): Promise<void> {
  const mode = w.mode ?? 'install';
  const ns = w.veleroNamespace;
  const version = w.veleroVersion ?? 'v1.18.3';
  const reg = privateRegistry(w);
  const lock = imagesLockFor(r.processEnv);
  const args = [
    ...installArgs({ veleroVersion: version, provider: d.provider, namespace: ns, registry: reg, lock }),
    ...(mode === 'upgrade' ? ['--apply'] : []),
  ];
  if (reg && w.registry?.username) {
    draft.commands.push({
      title: 'Namespace and image pull secret (Lifeboat does this through the API)',
      command: `kubectl create namespace ${ns}\nkubectl -n ${ns} create secret docker-registry ${PULL_SECRET} --docker-server=${reg.host} --docker-username=${w.registry.username} --docker-password=<redacted>`,
      note: 'So the very first Velero pods can pull from the private registry; KOTS later updates the same Secret.',
    });
  }
  draft.commands.push({
    title: 'Install Velero',
    command: `velero ${args.join(' ')}`,
    note: "As KOTS prints it: no storage location or secret here — KOTS's configure command creates them, so the admin console owns the destination.",
  });
  const dry = await r.tools.run(
    'velero',
    [...installArgs({ veleroVersion: version, provider: d.provider, namespace: ns, registry: reg, dryRun: true, lock })],
    { summary: 'Setup review: velero install --dry-run', timeoutMs: 60_000 },
  );
  draft.manifests = dry.stdout;
  draft.objects.push(...(await installedObjects(r.kube, dry.stdout, mode === 'upgrade')));
  if (reg) patchPart(ns, reg, !!w.registry?.username, draft);
  if (mode === 'upgrade') {
    const dep = await r.kube.find<Workload>(`/apis/apps/v1/namespaces/${ns}/deployments/velero`).catch(() => undefined);
    const from = dep?.spec?.template?.spec;
    const newImages = requiredImages(version, d.provider).map((i) =>
      reg ? `${reg.host}/${reg.namespace ? `${reg.namespace}/` : ''}${i.repository.split('/').pop()}:${i.tag}` : `${i.repository}:${i.tag}`,
    );
    draft.notes.push(
      `Upgrade: ${upgradeOffer(w.preflight?.existingVelero?.version, version).reason} Server image ${from?.containers?.[0]?.image ?? 'unknown'} → ${newImages[0]}; plugins ${(from?.initContainers ?? []).map((c) => c.image).join(', ') || 'none'} → ${newImages.slice(1).join(', ')}.`,
    );
    draft.notes.push(
      "Upgrade uses velero install --apply (server-side apply, Velero 1.18+): existing objects are updated to the bundled version; KOTS's configure then re-applies its patches.",
    );
  }
}

/** The objects in velero install's dry-run manifests, each as the cluster has it now. */
export async function installedObjects(kube: SetupKube, manifests: string, upgrade: boolean): Promise<SetupObjectChange[]> {
  const objects: SetupObjectChange[] = [];
  for (const doc of parseAllDocuments(manifests)) {
    const o = doc.toJS();
    const items = o?.kind === 'List' ? (o.items ?? []) : o ? [o] : [];
    for (const it of items) {
      if (!it?.kind || !it.metadata?.name) continue;
      const exists = await kube
        .find(objectPath(it))
        .then((x) => !!x)
        .catch(() => false);
      objects.push({
        kind: it.kind,
        namespace: it.metadata.namespace,
        name: it.metadata.name,
        action: exists ? (upgrade ? 'change' : 'exists') : 'create',
        by: 'velero install',
      });
    }
  }
  return objects;
}

function patchPart(ns: string, reg: PrivateRegistry, withSecret: boolean, draft: Draft): void {
  const policy = veleroPullPolicy(`${reg.host}/x:y`);
  const patch = `{"spec":{"template":{"spec":{${withSecret ? `"imagePullSecrets":[{"name":"${PULL_SECRET}"}],` : ''}"containers":[{"name":"velero","imagePullPolicy":"IfNotPresent"}]}}}}`;
  draft.commands.push({
    title: 'Image pull secret and pull policy (Lifeboat does this through the API)',
    command: `kubectl -n ${ns} patch deployment velero --type strategic -p '${patch}'\nkubectl -n ${ns} patch daemonset node-agent --type strategic -p '${patch.replace('"velero"', '"node-agent"')}'`,
    note:
      policy === 'Always'
        ? `Velero gives images on a registry with a port imagePullPolicy Always (velero pkg/install/deployment.go at v1.18.3). The tags are pinned, so Lifeboat sets IfNotPresent: otherwise every restart KOTS makes would depend on ${reg.host} being up.`
        : 'Pinned tags: IfNotPresent.',
  });
  draft.objects.push(
    { kind: 'Deployment', namespace: ns, name: 'velero', action: 'change', by: 'Lifeboat (pull secret, IfNotPresent)' },
    { kind: 'DaemonSet', namespace: ns, name: 'node-agent', action: 'change', by: 'Lifeboat (pull secret, IfNotPresent)' },
  );
}

async function reconfigurePart(kube: SetupKube, ns: string, d: Destination, draft: Draft): Promise<void> {
  // KOTS's configure refuses when the provider's plugin is not an init container of Deployment
  // velero (kots cmd/kots/cli/velero.go, ContainsPlugin over pkg/snapshot/velero.go DetectVelero's
  // init-container names, at v1.131.4): say so here, before anything changes.
  const dep = await kube.find<Workload>(`/apis/apps/v1/namespaces/${ns}/deployments/velero`);
  if (!dep) throw new LifeboatError('VELERO_NOT_READY', `There is no Deployment velero in namespace ${ns} any more.`, 'Run the preflight checks again.');
  const plugin = `velero-plugin-for-${pluginFor(d.provider) === 'azure' ? 'microsoft-azure' : pluginFor(d.provider)}`;
  const inits = dep.spec?.template?.spec?.initContainers ?? [];
  if (!inits.some((c) => String(c.name).includes(plugin) || String(c.image).includes(plugin))) {
    throw new LifeboatError(
      'VELERO_NOT_READY',
      `The installed Velero has no ${plugin} (its plugins: ${inits.map((c) => c.image).join(', ') || 'none'}), so KOTS cannot configure a ${d.provider} destination on it.`,
      'Choose a destination its plugin serves, or go back to the preflight and choose upgrade to install Velero with that plugin.',
    );
  }
  const bsl = await kube.find<BackupStorageLocation>(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`).catch(() => undefined);
  draft.notes.push(
    'Velero stays installed (no velero install runs); only the storage destination changes.',
    `Current location: ${bslSummary(bsl)}.`,
    'KOTS restarts the Velero pods when the destination changes: backups running at that moment fail.',
  );
}

async function configurePart(r: Ctx, w: SetupWizard, draft: Draft): Promise<void> {
  const ns = w.veleroNamespace;
  const cfg = configureCommand(w, r.secrets);
  draft.commands.push({
    title: 'Configure the destination through KOTS',
    command: `${Object.keys(cfg.env)
      .map((k) => `${k}=<redacted> `)
      .join('')}kubectl kots ${redactCommand(cfg.args, [...cfg.secrets, ...r.secrets.values()])}`,
    note: cfg.effects.join(' '),
  });
  const bsl = await r.kube.find(`/apis/velero.io/v1/namespaces/${ns}/backupstoragelocations/default`).catch(() => undefined);
  draft.objects.push(
    { kind: 'BackupStorageLocation', namespace: ns, name: 'default', action: bsl ? 'change' : 'create', by: 'kubectl kots velero configure' },
    { kind: 'Secret', namespace: ns, name: 'cloud-credentials', action: 'change', by: 'kubectl kots velero configure' },
  );
  if (cfg.env.KOTS_REGISTRY_PASSWORD)
    draft.objects.push({ kind: 'Secret', namespace: ns, name: PULL_SECRET, action: 'change', by: 'kubectl kots velero configure' });
  if (w.preflight?.minimalRbac) {
    const p = ensurePermissionsArgs(w.kotsNamespace ?? 'kotsadm', ns);
    draft.commands.push({
      title: 'Grant the admin console access to Velero (minimal RBAC)',
      command: `kubectl kots ${p.args.join(' ')}`,
      note: p.effects.join(' '),
    });
  }
}

export function destinationNotes(d: Destination, version: string): string[] {
  const notes: string[] = [];
  if (d.provider === 'nfs' || d.provider === 'hostpath') {
    notes.push(
      refusesLvp(version)
        ? `Velero ${version}: KOTS only supports ${d.provider === 'nfs' ? 'NFS' : 'host path'} through its own MinIO (kotsadm-fs-minio); local-volume-provider is refused from Velero 1.17.`
        : 'KOTS deploys kotsadm-fs-minio in front of the file system.',
    );
  }
  if ((d.provider === 'gcp' || d.provider === 'azure') && d.endpoint) {
    notes.push(
      `The custom API endpoint ${d.endpoint} was used by Lifeboat's check only: kubectl kots velero configure-${d.provider} has no endpoint flag, so Velero in the cluster uses the ${d.provider === 'gcp' ? 'Google' : 'Azure'} endpoint the cluster's DNS resolves (a private endpoint needs its private DNS zone there).`,
    );
  }
  return notes;
}

export function bslSummary(bsl: Pick<BackupStorageLocation, 'spec' | 'status'> | undefined): string {
  if (!bsl) return 'none';
  const o = bsl.spec?.objectStorage ?? {};
  return `${bsl.spec?.provider} ${o.bucket}${o.prefix ? `/${o.prefix}` : ''}${bsl.spec?.config?.s3Url ? ` at ${bsl.spec.config.s3Url}` : ''} (${bsl.status?.phase ?? 'no phase'})`;
}

export function runbook(commands: Command[], ns: string, at = new Date().toISOString()): string {
  const steps = commands.flatMap((c) => [`## ${c.title}`, ...(c.note ? [c.note, ''] : []), '```sh', c.command, '```', '']);
  const verify = [
    '## Verify',
    '```sh',
    `kubectl -n ${ns} get backupstoragelocations default -o jsonpath='{.status.phase} {.status.lastSyncedTime}'`,
    `velero version -n ${ns}`,
    `velero plugin get -n ${ns}`,
    '```',
    '',
  ];
  return [`# Velero setup runbook (${at})`, '', ...steps, ...verify].join('\n');
}
