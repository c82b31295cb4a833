/**
 * What `npm run demo` prints is enough: from "Velero not installed" to a verified restore, using
 * only the values read back out of that printout (scripts/demo-guide.ts) and what the screen shows.
 *
 * The spec starts its OWN lab (.lab-demo-guide; it installs Velero and restores the application,
 * so never the shared one), fresh every run, of the flavour the demo starts by default (`existing`;
 * LIFEBOAT_DEMO_GUIDE_FLAVOUR=existing-airgap walks the Images step too). Port base 22000
 * (LIFEBOAT_DEMO_GUIDE_PORT_BASE overrides it): free of the other labs' bases (test/lab/lab.ts
 * ports()) and, like them, below Linux's ephemeral ports (32768+). Lifeboat runs in web mode on the lab as the demo
 * runs it (the lab's tools and kubeconfig, a fresh data folder).
 *
 * The guide text is what demo.ts prints for this lab: `demoGuide(lab)`. Everything typed or chosen
 * in the wizards comes from parseDemoGuide(that text), never from the lab's state; the backup's
 * name comes from the screen, as the guide says ("note its name"). The restore wizard's backup is
 * chosen by a click on its row's text (not its radio). LIFEBOAT_E2E_FAKE=1 skips it.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoGuide, GUIDE_STEPS, parseDemoGuide, type ParsedGuide } from '../../scripts/demo-guide.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import type { Flavour } from '../lab/seed.js';
import { expect, test } from './fixtures.js';
import { startWebModeOn, useFake, type WebMode } from './server.js';

const labDir = join(repoRoot, '.lab-demo-guide');
const portBase = Number(process.env.LIFEBOAT_DEMO_GUIDE_PORT_BASE ?? 22000);
const flavour = (process.env.LIFEBOAT_DEMO_GUIDE_FLAVOUR ?? 'existing-airgap') as Flavour;

let lab: LabState | undefined;
let web: WebMode | undefined;
/** What `npm run demo` prints for this lab. */
let printed = '';

/** Fills the input whose label on the screen is the guide's label with the guide's value. */
async function fillAsPrinted(page: Page, guide: ParsedGuide, step: string, label: string): Promise<void> {
  // The field itself: a password field's label also names its "Toggle password visibility" button.
  const screen = page.getByTestId('setup-screen');
  const input = screen.locator('input, textarea').and(screen.getByLabel(label));
  await input.fill(guide.value(step, label));
  await expect(input, `"${label}" on the screen holds what the guide printed`).toHaveValue(guide.value(step, label));
}

test.describe('the demo printout is enough', () => {
  test.skip(useFake(), 'needs its own lab');
  test.describe.configure({ timeout: 1_080_000 });

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    await stopLab(labDir); // never a lab an earlier run left behind: Velero must not be there yet
    lab = await startLab({ dir: labDir, portBase, flavour });
    printed = demoGuide(lab);
    // Started as demo.ts starts it: the lab's tools and kubeconfig (the harness adds a fresh home and data folder),
    // and the lab registry's CA for a full backup's registry export on kURL / Embedded Cluster.
    web = await startWebModeOn(lab, { env: { LIFEBOAT_REGISTRY_CA: lab.registry.caFile, LIFEBOAT_RESTORE_POLL_MS: '1000' } });
  });

  test.afterAll(async () => {
    await web?.stop();
    // This lab is the spec's own and holds a Velero it installed: never kept.
    if (lab) await stopLab(labDir).catch(() => {});
  });

  test('Velero not installed → Setup → Back up now → Restore, verified, with only the printed values', async ({ page }) => {
    const guide = parseDemoGuide(printed);
    await test.info().attach('demo-guide.txt', { body: printed, contentType: 'text/plain' });
    expect(guide.steps).toEqual(Object.values(GUIDE_STEPS));

    // 1. Setup → Preflight: Velero is not there yet.
    await page.goto(await web!.link('setup'));
    await expect(page).not.toHaveURL(/code=/);
    await expect(page.getByRole('heading', { level: 1, name: 'Setup' })).toBeVisible();
    const screen = page.getByTestId('setup-screen');
    await page.getByTestId('setup-preflight-run').click();
    await expect(page.getByTestId('setup-preflight')).toContainText('No Velero yet', { timeout: 90_000 });
    await page.getByTestId('setup-preflight-next').click();
    await expect(screen).toHaveAttribute('data-step', 'destination');

    // 2. Setup → Destination, every value as printed.
    const D = GUIDE_STEPS.destination;
    await page.getByTestId('setup-dest-provider').click();
    await page.getByRole('option', { name: guide.value(D, 'Storage') }).click();
    for (const label of ['Endpoint URL', 'Bucket', 'Region', 'Prefix (optional)', 'Access key ID', 'Secret access key']) {
      await fillAsPrinted(page, guide, D, label);
    }
    await page.getByTestId('setup-validate').click();
    const airgap = guide.hasValues(GUIDE_STEPS.images);
    await expect(screen, 'the printed destination passes the check').toHaveAttribute('data-step', airgap ? 'images' : 'review', { timeout: 90_000 });

    // 3. Setup → Images (air-gapped flavours only): the printed registry, user, password and CA.
    if (airgap) {
      const I = GUIDE_STEPS.images;
      // Wait for detection to have offered KOTS's credentials, then type the printed ones instead.
      const kotsCreds = page.getByTestId('setup-reg-kots-creds');
      await expect(kotsCreds).toBeChecked({ timeout: 30_000 });
      await kotsCreds.uncheck();
      for (const label of ['Registry host', 'Namespace (path)', 'User name', 'Password', 'Registry CA certificate file (optional)']) {
        await fillAsPrinted(page, guide, I, label);
      }
      await page.getByTestId('setup-reg-check').click();
      const rows = page.getByTestId('setup-image');
      await expect(rows).toHaveCount(2, { timeout: 30_000 });
      for (const i of [0, 1]) await expect(rows.nth(i)).not.toHaveAttribute('data-state', /^(checking|unknown)$/, { timeout: 30_000 });
      for (const i of [0, 1])
        expect(await rows.nth(i).getAttribute('data-state'), `image row ${i}: ${await rows.nth(i).innerText()}`).toMatch(/^(missing|present)$/);
      const push = page.getByTestId('setup-images-push');
      if (await push.isEnabled()) await push.click();
      for (const i of [0, 1]) await expect(rows.nth(i)).toHaveAttribute('data-state', /^(pushed|present)$/, { timeout: 120_000 });
      await page.getByTestId('setup-images-next').click();
      await expect(screen).toHaveAttribute('data-step', 'review', { timeout: 60_000 });
    }

    // 4. Setup → Review → Apply → Done.
    const install = page.getByTestId('setup-apply');
    await expect(install).toHaveText('Install Velero', { timeout: 60_000 });
    await expect(page.getByTestId('setup-review')).not.toContainText(guide.value(D, 'Secret access key'));
    await install.click();
    await expect(screen).toHaveAttribute('data-step', 'done', { timeout: 360_000 });
    await expect(page.getByTestId('setup-verification')).toHaveAttribute('data-ok', 'true');
    await expect(page.getByText('Velero is ready for backups')).toBeVisible();

    // 5. Backups → Back up now, from Overview; the backup's name is read off the screen.
    await page.getByTestId('nav-overview').click();
    const now = page.getByTestId('backup-now').first();
    await expect(now).toBeEnabled({ timeout: 120_000 });
    await now.click();
    await expect(page).toHaveURL(/#\/backups/);
    const followed = page.getByTestId('followed-backup');
    await expect(followed).toHaveAttribute('data-state', 'succeeded', { timeout: 300_000 });
    const name = (await followed.getByRole('link').first().textContent())!.trim();
    expect(name).not.toBe('');
    await expect(page.locator(`[data-testid="backup-row"][data-name="${name}"]`)).toHaveAttribute('data-phase', 'Completed', { timeout: 60_000 });

    // 6. Restore: the printed situation and type, the backup chosen by a click on its row's text, the printed name typed.
    const R = GUIDE_STEPS.restore;
    await page.getByTestId('nav-restore').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Restore' })).toBeVisible();
    await page.getByLabel(guide.value(R, 'Situation')).check();
    await page.getByTestId('situation-continue').click();
    const row = page.getByTestId(`backup-${name}`);
    await expect(row).toHaveAttribute('data-restorable', 'true', { timeout: 60_000 });
    await expect(row).toHaveAttribute('aria-selected', 'false');
    await row.getByText(name, { exact: true }).first().click();
    await expect(row).toHaveAttribute('aria-selected', 'true');
    await expect(row.getByRole('radio')).toBeChecked();
    await page.getByTestId('backup-continue').click();
    await expect(page.getByTestId('restore-type')).toBeVisible();
    await page.getByLabel(guide.value(R, 'What')).check();
    await page.getByTestId('type-continue').click();
    await page.getByTestId('confirm-input').fill(guide.value(R, 'Type the application’s name'));
    const start = page.getByTestId('start-restore');
    await expect(start).toHaveText('Delete and restore');
    await expect(start).toBeEnabled();
    await start.click();

    const report = page.getByTestId('restore-report');
    await expect(report).toHaveAttribute('data-outcome', 'succeeded', { timeout: 300_000 });
    await expect(page.getByTestId('restore-outcome')).toHaveText('Restored and verified');
    await expect(page.getByTestId('verify-checks')).toContainText('Application ready');
  });
});
