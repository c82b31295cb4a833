import { expect, openLifeboat, test } from './fixtures.js';

test.describe('Activity', () => {
  test('shows the operation journal and a run’s output', async ({ page }) => {
    await openLifeboat(page);
    // Detection runs the bundled tools, so the journal has something to show.
    await expect(page.getByTestId('cluster-state')).toHaveText('Connected');
    await page.getByTestId('refresh-environment').click();
    await expect(page.getByTestId('refresh-environment')).not.toHaveAttribute('data-loading', 'true', { timeout: 60_000 });

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: /Activity/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    const table = page.getByTestId('journal-table');
    const empty = page.getByTestId('journal-empty');
    await expect(table.or(empty)).toBeVisible();
    if (await empty.isVisible()) {
      test.info().annotations.push({ type: 'note', description: 'journal was empty: detection ran no tools' });
      return;
    }

    const rows = page.getByTestId('journal-row');
    await expect(rows.first()).toBeVisible();
    // Rows are reachable and selectable by keyboard.
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await expect(rows.first()).toHaveAttribute('aria-selected', 'true');
    const detail = page.getByTestId('run-detail');
    await expect(detail).toBeVisible();
    await expect(detail.getByRole('log')).toBeVisible();
    await expect(detail.getByText(/No output yet\.|\d[\d,]* lines?/)).toBeVisible();
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
    await expect(page.getByTestId('journal-row').filter({ has: page.getByText('Cancelled') }).first()).toBeVisible();
  });
});
