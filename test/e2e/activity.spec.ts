import { join } from 'node:path';
import { ensureVelero } from '../integration/lab.js';
import { readLabState, repoRoot } from '../lab/state.js';
import { startWebModeOn, useFake } from './server.js';
import { expect, openLifeboat, test } from './fixtures.js';

test.describe('Activity', () => {
  test('shows the operation journal and a run’s output', async ({ page }) => {
    test.skip(useFake(), 'needs the lab');
    test.setTimeout(600_000);
    // Its own web mode (fresh journal) and a real tool run to find in it: Back up now runs
    // the real `kubectl kots backup` through the bundled-tool runner.
    await ensureVelero();
    const web = await startWebModeOn(readLabState()!);
    try {
      await page.goto(await web.link());
      await expect(page).not.toHaveURL(/code=/);
      const now = page.getByTestId('backup-now').first();
      await expect(now).toBeEnabled({ timeout: 60_000 });
      await now.click();
      await expect(page.getByTestId('followed-backup')).toBeVisible();

      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('link', { name: /Activity/ })
        .click();
      await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
      const row = page.getByTestId('journal-row').filter({ hasText: 'kubectl-kots' }).filter({ hasText: 'backup' }).first();
      await expect(row).toBeVisible({ timeout: 30_000 });
      // Rows are reachable and selectable by keyboard.
      await row.focus();
      await page.keyboard.press('Enter');
      await expect(row).toHaveAttribute('aria-selected', 'true');
      const detail = page.getByTestId('run-detail');
      await expect(detail.getByRole('log')).toBeVisible();
      await expect(detail.getByText(/\d[\d,]* lines?/)).toBeVisible();
      // The JSON KOTS printed, with the Velero Backup it created.
      await expect(detail.getByRole('log')).toContainText('instance-');
      await page.mouse.move(5, 5);
      await page.screenshot({ path: join(repoRoot, 'docs', 'screenshots', 'activity-run.png') });
    } finally {
      await web.stop();
    }
  });

  test('a running operation can be cancelled from its row', async ({ page }) => {
    await openLifeboat(page, 'activity');
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    const running = page.locator('[data-testid="journal-row"][data-outcome="running"]');
    await expect(page.getByTestId('journal-table').or(page.getByTestId('journal-empty'))).toBeVisible();
    test.skip((await running.count()) === 0, 'nothing is running on this lab right now');

    const row = running.first();
    await row.click();
    await expect(page.getByTestId('run-detail').getByRole('log')).toBeVisible();
    const id = await row.getAttribute('data-outcome');
    expect(id).toBe('running');
    await row.getByTestId('cancel-run').click();
    await expect(
      page
        .getByTestId('journal-row')
        .filter({ has: page.getByText('Cancelled') })
        .first(),
    ).toBeVisible();
  });
});
