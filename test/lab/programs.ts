/**
 * Where the lab's builds of the programs its pods run are: test/lab/build-tools.sh puts them in the
 * lab's tool cache (LIFEBOAT_LAB_CACHE, default ~/.cache/lifeboat-lab).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LabPrograms } from './containers.js';
import type { LabState } from './state.js';

export const toolCache = () => process.env.LIFEBOAT_LAB_CACHE ?? join(homedir(), '.cache', 'lifeboat-lab');

/** A built program of the cache, or undefined when it is not built. */
export function cached(name: string): string | undefined {
  const p = join(toolCache(), 'bin', name);
  return existsSync(p) ? p : undefined;
}

export function labPrograms(state: Pick<LabState, 'toolsDir' | 'pluginsDir' | 'adminConsole'>): LabPrograms & { kubeletStream: string } {
  const assets = join(toolCache(), 'kots-assets');
  const tables = join(toolCache(), 'kots-tables');
  return {
    velero: join(state.toolsDir, 'velero'),
    veleroBuild: cached('velero'),
    veleroRestoreHelper: cached('velero-restore-helper'),
    pluginsDir: state.pluginsDir,
    kubectlKots: cached('kubectl-kots'),
    kotsadm: cached('kotsadm'),
    kotsAssets: existsSync(assets) ? assets : undefined,
    minio: cached('minio'),
    kubectl: cached('kubectl'),
    kustomize: cached('kustomize'),
    schemahero: cached('kubectl-schemahero'),
    schemaheroRqlite: cached('schemahero-rqlite'),
    kotsTables: existsSync(tables) ? tables : undefined,
    rqlited: cached('rqlited'),
    kubeletStream: cached('kubelet-stream') ?? 'kubelet-stream',
  };
}
