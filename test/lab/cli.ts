/**
 * `npm run lab:up [-- --flavour existing|existing-airgap|kurl|embedded-cluster] [--kots-minio]`,
 * `npm run lab:down`, `npm run lab:status`. `--kots-minio` installs KOTS with its own MinIO (LabOptions.kotsMinio). The lab directory is LIFEBOAT_LAB_DIR (default <repo>/.lab).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { startLab, stopLab, findProcessesUnder } from './lab.js';
import { labDir, readLabState, repoRoot } from './state.js';
import type { Flavour } from './seed.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    flavour: { type: 'string' },
    dir: { type: 'string' },
    'port-base': { type: 'string' },
    'share-minio-from': { type: 'string' },
    'kots-minio': { type: 'boolean' },
  },
});
const command = positionals[0] ?? 'status';
const dir = values.dir ? resolve(values.dir) : labDir(); // absolute or relative to the working directory
const log = (l: string) => console.error(`lab: ${l}`);

async function main() {
  if (command === 'up') {
    execFileSync('bash', [join(repoRoot, 'test', 'lab', 'build-tools.sh')], { stdio: 'inherit' });
    const t0 = Date.now();
    const state = await startLab({
      dir,
      flavour: values.flavour as Flavour | undefined,
      portBase: values['port-base'] ? Number(values['port-base']) : undefined,
      sharedMinioFrom: values['share-minio-from'],
      kotsMinio: values['kots-minio'],
      log,
    });
    log(`up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    console.log(`Lab cluster (${state.flavour}) is up.
  API server:           ${state.apiServer}  (Kubernetes ${state.kubernetesVersion})
  admin kubeconfig:     ${state.kubeconfig}
  restricted user:      ${state.restrictedKubeconfig}
  MinIO (S3):           ${state.minio.endpoint}  bucket ${state.minio.bucket}
  registry:             https://${state.registry.host}  (basic auth, CA ${state.registry.caFile})
  admin console:        kubectl kots admin-console --namespace ${state.kotsNamespace}  (password ${state.adminConsole.sharedPassword})
  tools (velero, kubectl-kots): ${state.toolsDir}

Try:  KUBECONFIG=${state.kubeconfig} ${state.toolsDir}/velero version
Stop: npm run lab:down`);
  } else if (command === 'down') {
    await stopLab(dir, log);
    const left = findProcessesUnder(dir);
    if (left.length) {
      console.error(`lab: processes still running: ${left.join(', ')}`);
      process.exit(1);
    }
    console.log('Lab stopped; no lab process is left.');
  } else if (command === 'status') {
    const state = readLabState(dir);
    console.log(
      state
        ? JSON.stringify({ ...state, minio: { ...state.minio, secretKey: '<redacted>' }, registry: { ...state.registry, password: '<redacted>' } }, null, 2)
        : 'No lab is running.',
    );
  } else {
    console.error(`unknown command ${command}; use up, down or status`);
    process.exit(2);
  }
}

main().catch((e) => {
  console.error(`lab: ${e.message}`);
  process.exit(1);
});
