/**
 * `velero install` for the setup wizard: the images a Velero version and storage provider need, how
 * they are rewritten to a private registry, the pull policy Velero will give them, and the argv.
 * Pure: no I/O. Facts: velero pkg/cmd/cli/install/install.go, pkg/install/{install,resources,
 * deployment,daemonset}.go and pkg/builder/container_builder.go at v1.18.3 (flags, objects, pod
 * specs, pull-policy rule); kots pkg/print/velero.go and pkg/snapshot/types/velero_flags.go at
 * v1.131.4 (the install command KOTS prints, file-system backup flags by version).
 *
 * Choice: Lifeboat installs the way KOTS prints it — `--no-default-backup-location --no-secret
 * --use-node-agent --use-volume-snapshots=false` — and then lets `kubectl kots velero configure-*`
 * create the storage location. KOTS's configure upserts BSL `default` and Secret `cloud-credentials`
 * itself (and resets `spec.config` on every switch), so a BSL made by `velero install` would be
 * overwritten anyway; this way the admin console owns the one destination, the credentials never go
 * through a `--secret-file` on disk, and switching destination later is the same command.
 */

import { pinFor, type ImagesLock } from './imagesLock.js';

export type StorageProvider = 'aws' | 's3-compatible' | 'gcp' | 'azure' | 'nfs' | 'hostpath';

/** An image as published upstream (Docker Hub) — what the air-gap archive holds. */
export interface UpstreamImage {
  /** e.g. "velero/velero" */
  repository: string;
  tag: string;
  /** What it is for, in the operator's words. */
  role: string;
}

/** Plugin tags paired with each Velero minor. aws pairs are documented (velero-plugin-for-aws
 * README.md at v1.14.3: v1.14.x ↔ 1.18.x, v1.13.x ↔ 1.17.x);
 * gcp/azure follow the same minor pairing upstream — their patch level is not verified here. */
const PLUGIN_TAGS: Record<string, { aws: string; gcp: string; azure: string }> = {
  '1.17': { aws: 'v1.13.2', gcp: 'v1.13.2', azure: 'v1.13.2' },
  '1.18': { aws: 'v1.14.3', gcp: 'v1.14.0', azure: 'v1.14.0' },
};

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(v: string | undefined): Semver | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((v ?? '').trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function minorKey(v: string): string | undefined {
  const s = parseVersion(v);
  return s ? `${s.major}.${s.minor}` : undefined;
}

/** Velero ≥ 1.17: NFS/host path only through KOTS's MinIO (no local-volume-provider). */
export function refusesLvp(version: string): boolean {
  const s = parseVersion(version);
  return !!s && (s.major > 1 || s.minor >= 17);
}

/** Which plugin a provider needs. NFS/host path go through KOTS's MinIO, i.e. the AWS plugin. */
export function pluginFor(provider: StorageProvider): 'aws' | 'gcp' | 'azure' {
  if (provider === 'gcp') return 'gcp';
  if (provider === 'azure') return 'azure';
  return 'aws';
}

const PLUGIN_REPO = { aws: 'velero/velero-plugin-for-aws', gcp: 'velero/velero-plugin-for-gcp', azure: 'velero/velero-plugin-for-microsoft-azure' } as const;

/** The exact images this Velero version and provider need (server + node-agent share the first). */
export function requiredImages(veleroVersion: string, provider: StorageProvider): UpstreamImage[] {
  const key = minorKey(veleroVersion);
  const tags = key ? PLUGIN_TAGS[key] : undefined;
  if (!tags) throw new Error(`Lifeboat has no plugin pairing for Velero ${veleroVersion}; supported: ${Object.keys(PLUGIN_TAGS).join(', ')}.`);
  const tag = veleroVersion.startsWith('v') ? veleroVersion : `v${veleroVersion}`;
  const plugin = pluginFor(provider);
  return [
    {
      repository: 'velero/velero',
      tag,
      role: 'Velero server, node-agent, restore helper and repository maintenance jobs (since v1.16 they all use the server image)',
    },
    {
      repository: PLUGIN_REPO[plugin],
      tag: tags[plugin],
      role: `Object-store plugin for ${provider === 'nfs' || provider === 'hostpath' ? "KOTS's MinIO file-system store" : provider}`,
    },
  ];
}

export interface PrivateRegistry {
  /** host[:port] */
  host: string;
  /** Path under the host (KOTS's "registry namespace"), e.g. "lifeboat". */
  namespace?: string;
}

/** Where an upstream image lives in the private registry, the way KOTS names it:
 * `<host>[/<namespace>]/<last path segment>:<tag>` (pkg/print/velero.go). */
export function privateRepository(img: Pick<UpstreamImage, 'repository'>, reg: PrivateRegistry): string {
  const name = img.repository.split('/').pop()!;
  return reg.namespace ? `${reg.namespace.replace(/^\/+|\/+$/g, '')}/${name}` : name;
}

export function privateRef(img: UpstreamImage, reg: PrivateRegistry): string {
  return `${reg.host}/${privateRepository(img, reg)}:${img.tag}`;
}

export function upstreamRef(img: UpstreamImage): string {
  return `${img.repository}:${img.tag}`;
}

/** The same image by digest: `<host>[/<namespace>]/<name>@sha256:…` (or `<repository>@sha256:…` upstream). */
export function digestRef(img: UpstreamImage, digest: string, reg?: PrivateRegistry): string {
  return reg ? `${reg.host}/${privateRepository(img, reg)}@${digest}` : `${img.repository}@${digest}`;
}

/** Velero's own rule (pkg/install/deployment.go): split on ":"; exactly two parts and a tag other
 * than "latest" → IfNotPresent, anything else (a registry port, no tag) → Always. */
export function veleroPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const parts = image.split(':');
  return parts.length === 2 && parts[1] !== 'latest' ? 'IfNotPresent' : 'Always';
}

/** File-system backup flags by Velero version (kots pkg/snapshot/types/velero_flags.go
 * VeleroFSBackupFlags at v1.131.4). */
export function fsBackupFlags(version: string | undefined): string[] {
  const s = parseVersion(version);
  if (!s) return ['--use-node-agent'];
  if (s.major === 1 && s.minor < 10) return ['--use-restic'];
  if (s.major === 1 && s.minor < 17) return ['--use-node-agent', '--uploader-type=restic'];
  return ['--use-node-agent'];
}

export interface InstallOptions {
  veleroVersion: string;
  provider: StorageProvider;
  namespace?: string;
  /** Rewrite images to this registry (air gap); absent: upstream images. */
  registry?: PrivateRegistry;
  dryRun?: boolean;
  /** The images lock (imagesLock.ts): pinned images are installed by digest, placeholders by tag. */
  lock?: ImagesLock;
}

/** argv for `velero install` as KOTS prints it (no BSL, no secret: KOTS's configure adds them). */
export function installArgs(o: InstallOptions): string[] {
  const images = requiredImages(o.veleroVersion, o.provider);
  const ref = (i: UpstreamImage) => {
    const pin = o.lock ? pinFor(o.lock, i) : undefined;
    if (pin?.pinned) return digestRef(i, pin.digest, o.registry);
    return o.registry ? privateRef(i, o.registry) : upstreamRef(i);
  };
  const args = [
    'install',
    '--namespace',
    o.namespace ?? 'velero',
    '--image',
    ref(images[0]),
    '--plugins',
    images.slice(1).map(ref).join(','),
    '--no-default-backup-location',
    '--no-secret',
    ...fsBackupFlags(o.veleroVersion),
    '--use-volume-snapshots=false',
  ];
  if (o.dryRun) args.push('--dry-run', '-o', 'yaml');
  return args;
}

export function uninstallArgs(namespace = 'velero'): string[] {
  return ['uninstall', '--force', '--namespace', namespace];
}

export interface InstallLine {
  kind: string;
  name: string;
  result: 'attempting' | 'created' | 'exists' | 'applied' | 'other';
}

/** The `<Kind>/<name>: attempting to create resource` / `created` / `already exists, proceeding` lines. */
export function parseInstallOutput(text: string): InstallLine[] {
  const out: InstallLine[] = [];
  for (const raw of text.split('\n')) {
    const m = /^([A-Za-z]+)\/([^:\s]+): (.+)$/.exec(raw.trim());
    if (!m) continue;
    const what = m[3].toLowerCase();
    const result: InstallLine['result'] = what.startsWith('attempting')
      ? 'attempting'
      : what.startsWith('created')
        ? 'created'
        : what.includes('already exists')
          ? 'exists'
          : what.startsWith('applied')
            ? 'applied'
            : 'other';
    out.push({ kind: m[1], name: m[2], result });
  }
  return out;
}

/** The container name Velero gives a plugin init container (velero pkg/builder/container_builder.go
 * getName at v1.18.3). Not reproduced: names over 63 characters, which Velero shortens with
 * label.GetValidName (57 characters + 6 hex of SHA-256) where this cuts at 63, and the random
 * suffix Velero adds when the name collides with another init container. */
export function pluginContainerName(image: string): string {
  let path = image.split('@')[0];
  const lastSlash = path.lastIndexOf('/');
  const colon = path.lastIndexOf(':');
  if (colon > lastSlash) path = path.slice(0, colon);
  const parts = path.split('/');
  if (parts.length > 2) parts.shift();
  return parts.join('/').replace(/[/_.]/g, '-').slice(0, 63);
}
