/**
 * Installs KOTS the way an operator does: the real `kubectl kots install` (v1.131.4) with the lab's
 * signed license and the sample application's airgap bundle, against the lab's private registry.
 * kots then creates the admin console's objects (kots pkg/kotsadm/main.go Deploy), the kubelet runs
 * them (rqlite, the migrations init containers, `kotsadm api`), the CLI uploads the release through a
 * port-forward and waits until kotsadm has deployed the application (cmd/kots/cli/install.go).
 *
 * Images: the admin console's and the application's images are small synthetic images the lab
 * pushes to its registry under `lifeboat/` (what `kubectl kots admin-console push-images` and the
 * bundle's images would have put there), so the kubelet's pull checks stay real; the install runs
 * with --disable-image-push.
 *
 * No online flavour: the lab has no internet, and kotsadm cannot install a release without either
 * replicated.app or a private registry. Tried at v1.131.4: (1) an airgap bundle with no
 * --kotsadm-registry and DISABLE_KOTSADM_OUTBOUND_CONNECTIONS=false (kots's switch for its own
 * end-to-end tests): kotsadm's start-up automation fetches the latest license from replicated.app
 * ("failed to get latest license … no such host") and consumes the license Secret; (2) the same
 * without that switch: the start-up automation creates the app without a release and deletes the
 * license Secret, so the CLI's upload (/api/v1/airgap/install) fails with "expected one license for
 * app sample-app, but found 0" (pkg/automation/automation.go; the wait-for-airgap-app ConfigMap
 * that holds it back is only written when a registry was given, pkg/kotsadm/main.go).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pushSyntheticImage, type RegistryAuth } from '../images.js';
import { cached } from '../programs.js';
import type { LabState } from '../state.js';
import { labLicenseYaml } from './license.js';
import { writeAirgapBundle } from './bundle.js';

export const KOTS_VERSION = 'v1.131.4';
/** Tags kots v1.131.4 deploys (pkg/image/constants.go). */
export const KOTS_RQLITE_TAG = '10.2.7';

export interface InstallInputs {
  appSlug: string;
  title: string;
  appNamespace: string;
  backupSpec: any;
  /** The vendor's velero.io/v1 Restore, when the release carries one. */
  restoreSpec?: any;
  manifests: any[];
  images: string[];
}

export async function pushAdminConsoleImages(state: LabState, registryNamespace: string): Promise<void> {
  const auth: RegistryAuth = {
    host: state.registry.host,
    username: state.registry.username,
    password: state.registry.password,
    ca: readFileSync(state.registry.caFile),
  };
  await pushSyntheticImage(auth, `${registryNamespace}/kotsadm`, KOTS_VERSION);
  await pushSyntheticImage(auth, `${registryNamespace}/kotsadm-migrations`, KOTS_VERSION);
  await pushSyntheticImage(auth, `${registryNamespace}/rqlite`, KOTS_RQLITE_TAG);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, logFile: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      writeFileSync(logFile, output);
      resolve({ code: err ? ((err as any).code ?? 1) : 0, output });
    });
  });
}

/**
 * Runs `kubectl kots install` for the lab's application. Returns the shared password of the admin
 * console. Throws with the CLI's output when the install fails.
 */
export async function installWithKotsCli(
  state: LabState,
  inputs: InstallInputs,
  opts: { registryNamespace: string; log: (l: string) => void; timeoutMs?: number; withMinio?: boolean },
): Promise<string> {
  const kots = cached('kubectl-kots');
  if (!kots) throw new Error('lab: kubectl-kots is not built yet. Run `npm run lab:build`.');
  const dir = join(state.dir, 'kots-install');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const licenseFile = join(dir, 'license.yaml');
  writeFileSync(licenseFile, labLicenseYaml({ appSlug: inputs.appSlug, licenseId: `lab-${randomBytes(6).toString('hex')}` }), { mode: 0o600 });
  const bundle = join(dir, `${inputs.appSlug}.airgap`);
  writeAirgapBundle(bundle, {
    appSlug: inputs.appSlug,
    title: inputs.title,
    versionLabel: '1.0.0',
    additionalNamespaces: [inputs.appNamespace],
    backupSpec: inputs.backupSpec,
    restoreSpec: inputs.restoreSpec,
    manifests: inputs.manifests,
    images: inputs.images,
  });
  const sharedPassword = `lab-${randomBytes(8).toString('hex')}`;
  const args = [
    'install',
    inputs.appSlug,
    '--namespace',
    state.kotsNamespace,
    '--license-file',
    licenseFile,
    '--airgap-bundle',
    bundle,
    '--kotsadm-registry',
    `${state.registry.host}/${opts.registryNamespace}`,
    '--registry-username',
    state.registry.username,
    '--registry-password',
    state.registry.password,
    '--disable-image-push',
    '--skip-preflights',
    '--no-port-forward',
    '--shared-password',
    sharedPassword,
    '--wait-duration',
    '5m',
    // kots's own MinIO for the admin console's archives (pkg/kotsadm/objects/minio_objects.go): off
    // unless asked for (LabOptions.kotsMinio), so kotsadm keeps them on its data volume. It runs
    // `minio` through a shell with its default :9000; the kubelet moves it to a loopback port of the
    // lab's by MinIO's environment (containers.ts, the minio profile).
    `--with-minio=${opts.withMinio ?? false}`,
  ];
  opts.log(`kubectl kots install ${inputs.appSlug} (airgap bundle, license ${licenseFile})`);
  const env = { ...process.env, KUBECONFIG: state.kubeconfig, SSL_CERT_FILE: state.registry.caFile, HOME: dir };
  const r = await run(kots, args, env, opts.timeoutMs ?? 600_000, join(dir, 'install.log'));
  if (r.code !== 0) throw new Error(`kubectl kots install failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
  opts.log('kubectl kots install finished');
  return sharedPassword;
}
