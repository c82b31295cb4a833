/**
 * Where a running lab keeps its facts. `npm run lab:up` writes `lab.json` into the lab directory
 * (LIFEBOAT_LAB_DIR, default <repo>/.lab) beside the kubeconfigs it creates; tests and the demo
 * read it from there.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function labDir(): string {
  return process.env.LIFEBOAT_LAB_DIR ? resolve(process.env.LIFEBOAT_LAB_DIR) : join(repoRoot, '.lab');
}

export interface LabState {
  dir: string;
  /** Admin kubeconfig (cluster-admin). */
  kubeconfig: string;
  /** Kubeconfig of user `restricted`, who may only read namespaces: for permission-error tests. */
  restrictedKubeconfig: string;
  apiServer: string;
  kubernetesVersion: string;
  /** Directory holding the real `velero` and `kubectl-kots` binaries Lifeboat runs (LIFEBOAT_TOOLS_DIR). */
  toolsDir: string;
  /** Directory holding the velero plugin binaries the process kubelet maps init containers to. */
  pluginsDir: string;
  minio: { endpoint: string; region: string; bucket: string; accessKey: string; secretKey: string };
  registry: { host: string; username: string; password: string; caFile: string };
  /** The admin console's shared password, set by `kubectl kots install --shared-password`. */
  adminConsole: { sharedPassword?: string };
  flavour: 'existing-airgap' | 'kurl' | 'embedded-cluster';
  /** Whether the installed release's Backup carries the vendor's hooks (LabOptions.vendorHooks). */
  vendorHooks?: boolean;
  /** Whether the installed release carries the vendor's Restore (LabOptions.vendorRestore). */
  vendorRestore?: boolean;
  /** Whether KOTS was installed with its own MinIO, `--with-minio=true` (LabOptions.kotsMinio). */
  kotsMinio?: boolean;
  kotsNamespace: string;
  app: { slug: string; namespace: string };
  pids: Record<string, number>;
}

export function readLabState(dir = labDir()): LabState | undefined {
  const file = join(dir, 'lab.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}
