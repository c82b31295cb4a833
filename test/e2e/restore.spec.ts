/**
 * The restore wizard in web mode against the restore area's OWN lab (it deletes the application, so
 * never the shared one): situation (both kinds), backups with an ineligible one and its reasons,
 * the type with its consequences, the impact preview and typed confirmation, the run followed in
 * Velero, and the verified report. This spec starts its own lab (.lab-e2e-restore, port base 12000:
 * never one the integration suites use, which run at the same time) and web-mode server.
 * Screenshots of each step: docs/screenshots/restore-*.png. LIFEBOAT_E2E_FAKE=1 skips it.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { Kube } from '../lab/kube.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { ensureVeleroOn, instanceBackupOn } from '../integration/restore-lab.js';
import { expect, test } from './fixtures.js';
import { startWebModeOn, useFake, type WebMode } from './server.js';

const labDir = join(repoRoot, '.lab-e2e-restore');
const shots = join(repoRoot, 'docs', 'screenshots');

let lab: LabState;
let kube: Kube;
let backup = '';
let web: WebMode;

function startWeb(): Promise<WebMode> {
  return startWebModeOn(lab, { env: { LIFEBOAT_RESTORE_POLL_MS: '1000' } });
}

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `restore-${name}.png`), fullPage: true });
}

test.describe('Restore wizard', () => {
  test.skip(useFake(), 'needs the restore lab');
  test.describe.configure({ timeout: 300_000 });
  test.use({ viewport: { width: 1360, height: 1100 } });

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    lab = await startLab({ dir: labDir, portBase: 12000, flavour: 'existing-airgap' });
    kube = new Kube(lab.kubeconfig);
    await ensureVeleroOn(lab);
    backup = await instanceBackupOn(lab);
    // One backup that cannot be restored, to show its reasons.
    await kube.delete('/apis/velero.io/v1/namespaces/velero/backups/instance-failed-e2e');
    await kube.post('/apis/velero.io/v1/namespaces/velero/backups', {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: {
        name: 'instance-failed-e2e',
        namespace: 'velero',
        annotations: { 'kots.io/instance': 'true', 'kots.io/kotsadm-deploy-namespace': 'kotsadm', 'kots.io/is-airgap': 'true' },
      },
      spec: { storageLocation: 'default' },
      status: { phase: 'PartiallyFailed', errors: 2, startTimestamp: new Date(Date.now() - 86_400_000).toISOString() },
    });
    web = await startWeb();
  });

  test.afterAll(async () => {
    web?.child.kill('SIGTERM');
    await kube?.delete('/apis/velero.io/v1/namespaces/velero/backups/instance-failed-e2e').catch(() => {});
    if (!process.env.LIFEBOAT_LAB_KEEP) await stopLab(labDir).catch(() => {});
  });

  test('walks every step: situation, backup, type, confirm, run, report', async ({ page }) => {
    await page.goto(await web.link());
    await expect(page).not.toHaveURL(/code=/);
    await page.evaluate(() => (window.location.hash = '#/restore'));
    await expect(page.getByRole('heading', { level: 1, name: 'Restore' })).toBeVisible();

    // 1. Situation: a new cluster shows the storage and the backups Velero synced.
    const situation = page.getByTestId('restore-situation');
    await expect(situation).toBeVisible();
    await page.getByLabel('Recover onto a new or rebuilt cluster').check();
    await expect(page.getByTestId('restore-storage')).toBeVisible();
    await expect(page.getByTestId('storage-backup-count')).not.toHaveText('0');
    await expect(page.getByTestId('link-setup')).toHaveAttribute('href', '#/setup');
    await shot(page, '1-situation-new-cluster');
    await page.getByLabel('Roll back on this cluster').check();
    await shot(page, '1-situation');
    await page.getByTestId('situation-continue').click();

    // 2. Backups: the real one restorable, the bad one with its reasons and fixes.
    const bad = page.getByTestId('backup-instance-failed-e2e');
    await expect(bad).toHaveAttribute('data-restorable', 'false');
    await expect(bad.getByTestId('backup-reasons')).toContainText('Backup did not complete');
    await expect(bad.getByTestId('backup-reasons')).toContainText('Backup annotations missing');
    await expect(bad.getByTestId('backup-reasons')).not.toContainText('Air-gap');
    await expect(bad.getByRole('radio')).toBeDisabled();
    const good = page.getByTestId(`backup-${backup}`);
    await expect(good).toHaveAttribute('data-restorable', 'true');
    // A row is chosen as a whole, by keyboard too; the one that cannot be restored is not.
    await bad.getByText('instance-failed-e2e', { exact: true }).first().click();
    await expect(bad).toHaveAttribute('aria-selected', 'false');
    await expect(bad).not.toHaveAttribute('tabindex');
    await good.focus();
    await page.keyboard.press('Space');
    await expect(good).toHaveAttribute('aria-selected', 'true');
    await expect(good.getByRole('radio')).toBeChecked();
    await expect(page.getByTestId('backup-continue')).toHaveText(`Continue with ${backup}`);
    await shot(page, '2-backup');
    await page.getByTestId('backup-continue').click();

    // 3. Type, with consequences in plain words.
    await expect(page.getByTestId('restore-type')).toBeVisible();
    await expect(page.getByTestId('type-app')).toContainText('cannot be undone');
    await page.getByLabel('Application only').check();
    await shot(page, '3-type');
    await page.getByTestId('type-continue').click();

    // 4. Confirm: the impact preview and the typed slug.
    await expect(page.getByTestId('restore-consequences')).toContainText('cannot be undone');
    await expect(page.getByTestId('impact-restore')).toContainText('sample-config');
    await expect(page.getByTestId('impact-delete')).toContainText('PersistentVolumeClaim');
    const start = page.getByTestId('start-restore');
    await expect(start).toBeDisabled();
    await page.getByTestId('confirm-input').fill('sample');
    await expect(start).toBeDisabled();
    await page.getByTestId('confirm-input').fill('sample-app');
    await shot(page, '4-confirm');
    await start.click();

    // 5. Run: followed in Velero.
    await expect(page.getByTestId('run-step-app')).toBeVisible();
    await expect(page.getByTestId(`progress-${backup}.sample-app`)).toBeVisible({ timeout: 120_000 });
    await shot(page, '5-run');

    // 6. Report: verified.
    const report = page.getByTestId('restore-report');
    await expect(report).toHaveAttribute('data-outcome', 'succeeded', { timeout: 180_000 });
    await expect(page.getByTestId('verify-checks')).toContainText('Application ready');
    await expect(page.getByTestId('verify-workloads')).toContainText('sample-web');
    await expect(page.getByTestId('save-report-md')).toBeEnabled();
    const download = page.waitForEvent('download');
    await page.getByTestId('save-report-md').click();
    expect((await download).suggestedFilename()).toMatch(/^restore-.*\.md$/);
    await shot(page, '6-report');

    // Dark theme of the report.
    await page.evaluate(() => window.localStorage.setItem('lifeboat.colorScheme', 'dark'));
    await page.reload();
    await expect(page.getByTestId('restore-report')).toBeVisible();
    await shot(page, '6-report-dark');
  });
});
