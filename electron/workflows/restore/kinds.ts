/**
 * The three restore kinds as ordered run steps. Each step is one `kubectl kots restore` call
 * followed through Velero (kots cmd/kots/cli/restore.go at v1.131.4):
 *
 *   admin console  `--exclude-apps`           → Velero Restore <backup>.kotsadm
 *   application    `--exclude-admin-console`  → Velero Restore <backup>.<app-slug> (created by kotsadm)
 *
 * A full restore is both, admin console first — what the CLI does in one call — so each half is
 * persisted, followed and resumable on its own; application-only and admin-console-only are one.
 */
import type { RestoreRunStep, RestoreType } from '../../api/contract.js';

export type Component = RestoreRunStep['component'];

/** `appSlugs`: the apps KOTS creates a Restore for (impact.ts appsInRestore restoreNames). */
export function stepsFor(type: RestoreType, backup: string, appSlugs: string[]): RestoreRunStep[] {
  const steps: RestoreRunStep[] = [];
  if (type !== 'app') steps.push({ component: 'admin-console', state: 'pending', restoreNames: [`${backup}.kotsadm`] });
  if (type !== 'admin-console') steps.push({ component: 'app', state: 'pending', restoreNames: appSlugs.map((s) => `${backup}.${s}`) });
  return steps;
}

/** The step's part of the install in words ("the … step", "Restore the …"). */
export function componentNoun(c: Component): string {
  return c === 'app' ? 'application' : 'admin console';
}

/**
 * How long a step's Restores may take to appear once its CLI call ended. The CLI waits for the
 * admin console's Restore itself, and a failed CLI created nothing: only an application step that
 * kots accepted needs the long wait (kotsadm undeploys the app before it creates the Restore).
 */
export function appearWait(c: Component, cliOk: boolean, appearMs: number): number {
  return c === 'app' && cliOk ? appearMs : Math.min(appearMs, 15_000);
}

/** The Velero Restore of an application step names its app after the backup's name and a dot. */
export function appSlugOfRestore(c: Component, backup: string, restoreName: string): string | undefined {
  return c === 'app' ? restoreName.slice(backup.length + 1) : undefined;
}
