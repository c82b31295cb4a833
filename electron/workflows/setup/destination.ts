/**
 * The destination step: Lifeboat's own check of the storage destination (storage/validate.ts),
 * plus whether KOTS could configure an NFS / host-path destination on the Velero that counts.
 */
import type { Check, Environment, SetupDestination, SetupSecrets, SetupWizard } from '../../api/contract.js';
import { fileSystemDestinationCheck } from '../../environment/filesystem.js';
import { validateDestination } from '../../storage/validate.js';
import type { SecretKeeper } from './secrets.js';

export interface DestinationDeps {
  secrets: Pick<SecretKeeper, 'getDestination' | 'setDestination' | 'rememberAvailable'>;
  env: () => Environment | null | undefined;
  validate?: typeof validateDestination;
}

export async function checkDestination(
  d: DestinationDeps,
  w: SetupWizard,
  destination: SetupDestination,
  secrets: SetupSecrets | undefined,
  remember: boolean,
): Promise<NonNullable<SetupWizard['validation']>> {
  const submitted = !!secrets && Object.values(secrets).some(Boolean);
  // Secrets are submitted once; a re-check with none uses those held.
  const held = submitted ? secrets : (d.secrets.getDestination() ?? {});
  const fsCheck = fileSystemCheck(w, d.env(), destination);
  // The MinIO-only note validateForm adds for NFS/host path (given a version) would contradict a
  // destination KOTS configures through the local-volume provider: only pass it when that holds.
  const result = await (d.validate ?? validateDestination)(destination, held, { veleroVersion: fsCheck ? undefined : w.veleroVersion });
  if (fsCheck) {
    result.checks.push(fsCheck);
    result.ok = result.ok && fsCheck.ok;
  }
  if (submitted) d.secrets.setDestination(secrets, remember && d.secrets.rememberAvailable);
  return { ...result, at: new Date().toISOString() };
}

/**
 * NFS / host path when KOTS would not put its MinIO in front (kots IsFileSystemMinioDisabled):
 * whether the Velero KOTS configures against takes the local-volume provider. That Velero is the
 * installed one when only the destination changes, else the bundled one Lifeboat installs.
 */
export function fileSystemCheck(w: SetupWizard, env: Environment | null | undefined, d: SetupDestination): Check | undefined {
  if (d.provider !== 'nfs' && d.provider !== 'hostpath') return undefined;
  const store = env?.kots.fileSystemStore;
  if (store?.via === 'minio') return undefined;
  const existing = w.mode === 'reconfigure' ? env?.velero : undefined;
  return fileSystemDestinationCheck(
    store,
    d.provider,
    existing?.installed ? { version: existing.version ?? w.preflight?.existingVelero?.version, plugins: existing.plugins } : { version: w.veleroVersion },
  );
}
