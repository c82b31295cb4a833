/**
 * `npm run demo [-- --flavour existing-airgap|kurl|embedded-cluster]`: how a newcomer tries
 * Lifeboat without a cluster. Builds the lab's tools (cached), starts and seeds the lab, builds
 * Lifeboat, and opens it on the lab: in Electron where its binary exists, otherwise in web mode
 * (its launch link is printed: it works once, within two minutes; web mode prints a new one when
 * a used or expired link is tried). Before Lifeboat opens it prints what each wizard step needs on
 * this lab (scripts/demo-guide.ts): the destination's endpoint, bucket and keys, the registry's
 * address and credentials on air-gapped flavours, and what to choose in Restore. Ctrl+C stops
 * Lifeboat; `npm run lab:down` stops the lab.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from '../test/lab/lab.js';
import { demoGuide } from './demo-guide.js';
import { repoRoot } from '../test/lab/state.js';
import type { Flavour } from '../test/lab/seed.js';

const { values } = parseArgs({ options: { flavour: { type: 'string' }, port: { type: 'string' }, web: { type: 'boolean', default: false } } });

function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  console.log('demo: building the lab tools (the first build takes many minutes; later ones are instant)');
  execFileSync('bash', [join(repoRoot, 'test', 'lab', 'build-tools.sh')], { stdio: 'inherit' });
  const state = await startLab({ flavour: values.flavour as Flavour | undefined, log: (l) => console.log(`lab: ${l}`) });
  console.log('demo: building Lifeboat');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });

  // The lab's tools are the real velero and kubectl-kots; Lifeboat reaches the admin console by
  // port-forward to the kotsadm pod, as on any cluster.
  const env = {
    ...process.env,
    LIFEBOAT_TOOLS_DIR: state.toolsDir,
    // The setup wizard pushes the synthetic test stand-ins of Velero's images (never shipped in resources/).
    LIFEBOAT_IMAGES_DIR: join(repoRoot, 'test', 'fixtures', 'images'),
    KUBECONFIG: state.kubeconfig,
    LIFEBOAT_DATA_DIR: join(state.dir, 'lifeboat-data'),
    // The lab registry's certificate is signed by the lab's own CA: trusted for the registry export
    // of a full backup on kURL / Embedded Cluster (the Images step takes the same file, printed below).
    LIFEBOAT_REGISTRY_CA: state.registry.caFile,
  };
  // Everything the wizards ask for on this lab, printed where the newcomer reads next.
  console.log(`\n${demoGuide(state)}\n`);
  const electron = values.web ? undefined : electronBinary();
  if (electron) {
    console.log('demo: opening Lifeboat in Electron');
    spawn(electron, [repoRoot], { env, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  if (!values.web) console.log('demo: no Electron binary on this machine; opening web mode instead');
  const tsxLoader = join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
  const web = spawn(
    process.execPath,
    ['--import', tsxLoader, join(repoRoot, 'electron', 'web.ts'), '--kubeconfig', state.kubeconfig, '--port', values.port ?? '0'],
    { env, stdio: 'inherit' },
  );
  const stop = () => web.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  web.on('exit', (code) => {
    console.log('demo: Lifeboat stopped. The lab is still running: `npm run lab:down` stops it.');
    process.exit(code ?? 0);
  });
}

main().catch((e) => {
  console.error(`demo: ${e.message}`);
  process.exit(1);
});
