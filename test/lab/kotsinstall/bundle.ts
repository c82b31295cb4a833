/**
 * The sample application as a vendor ships it for an air-gapped install: a release (the KOTS
 * Application, the vendor's Velero Backup with its hooks, and the application's manifests) packed as
 * an airgap bundle — a .tar.gz holding airgap.yaml (kind Airgap, kotskinds apis/kots/v1beta1/
 * airgap_types.go) and app.tar.gz (the release's files), which is what `kubectl kots install
 * --airgap-bundle` reads (kots pkg/pull/pull.go GetAppMetadataFromAirgap, pkg/archives/airgap.go,
 * pkg/airgap/airgap.go at v1.131.4). The bundle carries no images: the lab pushes the application's
 * images to its registry itself and installs with --disable-image-push.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface ReleaseOptions {
  appSlug: string;
  title: string;
  versionLabel: string;
  /** Namespaces the application's manifests name besides the admin console's. */
  additionalNamespaces: string[];
  /** The vendor's velero.io/v1 Backup (hooks, volume opt-ins). */
  backupSpec: any;
  /** The vendor's velero.io/v1 Restore (Embedded Cluster's improved disaster recovery), if any. */
  restoreSpec?: any;
  /** The application's objects, with their upstream image references. */
  manifests: any[];
  /** Upstream image references the release uses (airgap.yaml savedImages). */
  images: string[];
}

/** The release's files, by name. */
export function releaseFiles(o: ReleaseOptions): Record<string, string> {
  const files: Record<string, string> = {
    'kots-app.yaml': stringify({
      apiVersion: 'kots.io/v1beta1',
      kind: 'Application',
      metadata: { name: o.appSlug },
      spec: {
        title: o.title,
        additionalNamespaces: o.additionalNamespaces,
        statusInformers: o.manifests
          .filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
          .map((m) => `${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.kind.toLowerCase()}/${m.metadata.name}`),
      },
    }),
    'backup.yaml': stringify(o.backupSpec),
  };
  if (o.restoreSpec) files['restore.yaml'] = stringify(o.restoreSpec);
  for (const m of o.manifests) files[`${m.kind.toLowerCase()}-${m.metadata.name}.yaml`] = stringify(m);
  return files;
}

export function airgapMeta(o: ReleaseOptions): any {
  return {
    apiVersion: 'kots.io/v1beta1',
    kind: 'Airgap',
    metadata: { name: o.appSlug },
    spec: {
      appSlug: o.appSlug,
      channelID: 'lab-stable',
      channelName: 'Stable',
      versionLabel: o.versionLabel,
      updateCursor: '1',
      savedImages: o.images,
      format: 'docker-archive',
    },
  };
}

/** Writes the airgap bundle to `file`. */
export function writeAirgapBundle(file: string, o: ReleaseOptions): void {
  const work = mkdtempSync(join(tmpdir(), 'lab-airgap-'));
  try {
    const release = join(work, 'release');
    mkdirSync(release);
    for (const [name, text] of Object.entries(releaseFiles(o))) writeFileSync(join(release, name), text);
    const bundle = join(work, 'bundle');
    mkdirSync(bundle);
    execFileSync('tar', ['-czf', join(bundle, 'app.tar.gz'), '-C', release, '.']);
    writeFileSync(join(bundle, 'airgap.yaml'), stringify(airgapMeta(o)));
    execFileSync('tar', ['-czf', file, '-C', bundle, 'airgap.yaml', 'app.tar.gz']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
