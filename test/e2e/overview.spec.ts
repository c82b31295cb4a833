import { readLabState } from '../lab/state.js';
import { startWebMode, useFake } from './server.js';
import { expect, openLifeboat, sharedLink, test } from './fixtures.js';

const lab = useFake() ? undefined : readLabState();

test.describe('Overview', () => {
  test('shows the cluster connected and the environment', async ({ page }) => {
    await openLifeboat(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

    const card = page.getByTestId('cluster-card');
    await expect(card.getByTestId('cluster-state')).toHaveText('Connected');
    await expect(page.getByTestId('header-cluster')).toBeVisible();
    await expect(card.getByTestId('cluster-server')).toHaveText(/^https:\/\//);
    await expect(card.getByTestId('cluster-version')).toHaveText(/^v?\d+\.\d+/);
    if (lab) {
      await expect(card.getByTestId('cluster-server')).toHaveText(lab.apiServer);
    }

    // The environment: KOTS, install type, Velero, compatibility and the problems list.
    const kots = page.getByTestId('kots-card');
    await expect(kots).toBeVisible();
    if (lab) {
      await expect(kots.getByTestId('kots-namespace')).toHaveText(lab.kotsNamespace);
      await expect(kots.getByTestId('kots-apps')).toContainText(lab.app.slug);
    }
    await expect(page.getByTestId('install-card').getByTestId('flavour')).not.toBeEmpty();
    await expect(page.getByTestId('velero-card')).toBeVisible();
    await expect(page.getByTestId('compat-card').getByTestId('compat-verdict')).toHaveText(/Compatible|Check|Incompatible|Unknown/);
    await expect(page.getByTestId('problems-card')).toBeVisible();
    // Every problem shown carries its reason; blocking ones their fix.
    for (const item of await page.getByTestId('problems-list').locator('li').all()) {
      await expect(item.locator('p').nth(1)).not.toBeEmpty();
    }
  });

  test('moves between screens with the keyboard', async ({ page }) => {
    await openLifeboat(page);
    await expect(page.getByTestId('cluster-state')).toHaveText('Connected');

    const nav = page.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('link', { name: /Overview/ }).focus();
    await page.keyboard.press('ArrowDown');
    await expect(nav.getByRole('link', { name: /Setup/ })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(nav.getByRole('link', { name: /Backups/ })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/backups$/);
    // The new screen's heading takes focus, so a screen reader announces where we are.
    await expect(page.getByRole('heading', { level: 1, name: 'Backups' })).toBeFocused();
    await expect(nav.getByRole('link', { name: /Backups/ })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('backups-screen')).toBeVisible();

    // The skip link (first in the tab order) takes focus from the navigation to the screen.
    await nav.getByRole('link', { name: /Setup/ }).focus();
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Backups' })).toBeFocused();
    await expect(page).toHaveURL(/#\/backups$/);

    await page.keyboard.press('Alt+6');
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeFocused();
    await page.keyboard.press('Alt+4');
    await expect(page.getByRole('heading', { level: 1, name: 'Restore' })).toBeVisible();
    await page.keyboard.press('Alt+1');
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

    // Every control in the header and navbar has an accessible name.
    await expect(page.getByRole('button', { name: /Use (dark|light) theme/ })).toBeVisible();
  });

  test('theme toggle switches and persists', async ({ page }) => {
    await openLifeboat(page);
    const html = page.locator('html');
    const before = await html.getAttribute('data-mantine-color-scheme');
    await page.getByTestId('theme-toggle').click();
    const after = before === 'dark' ? 'light' : 'dark';
    await expect(html).toHaveAttribute('data-mantine-color-scheme', after);
    await page.reload();
    await expect(html).toHaveAttribute('data-mantine-color-scheme', after);
    await page.getByTestId('theme-toggle').click();
    await expect(html).toHaveAttribute('data-mantine-color-scheme', before!);
  });

  test('a failed request shows its message and hint, and the cluster can be reconnected', async ({ page }) => {
    await openLifeboat(page);
    const card = page.getByTestId('cluster-card');
    await expect(card.getByTestId('cluster-state')).toHaveText('Connected');
    const original = await card.getByTestId('kubeconfig-select').inputValue();

    await card.getByTestId('kubeconfig-select').click();
    await page.getByRole('option', { name: 'Another file…' }).click();
    const missing = '/nonexistent/lifeboat-e2e/kubeconfig';
    await card.getByLabel('Path to a kubeconfig file').fill(missing);
    await card.getByTestId('connect-button').click();

    const alert = card.getByTestId('error-alert').first();
    await expect(alert).toBeVisible();
    await expect(alert.getByTestId('error-code')).toHaveText(/^KUBECONFIG_(MISSING|INVALID)$/);
    await expect(alert.getByTestId('error-message')).toContainText(missing);
    await expect(alert.getByTestId('error-hint')).toContainText(/\S{3,}/);
    // No stack trace ever reaches the screen.
    await expect(page.locator('body')).not.toContainText(/\bat \S+ \(.*:\d+:\d+\)/);
    // The same error was raised as a notification.
    await expect(page.locator('.mantine-Notification-root').filter({ hasText: missing })).toBeVisible();

    // Back to the lab kubeconfig. (A thrown error can be dismissed; a status in error clears on reconnect.)
    const dismiss = card.getByRole('button', { name: 'Dismiss this error' });
    if (await dismiss.isVisible()) await dismiss.click();
    await card.getByTestId('kubeconfig-select').click();
    await page.getByRole('option', { name: original }).click();
    const connect = card.getByTestId('connect-button');
    if (await connect.isVisible()) await connect.click();
    await expect(card.getByTestId('cluster-state')).toHaveText('Connected');
    await expect(card.getByTestId('error-alert')).toHaveCount(0);
  });

  test('says so plainly when the connection to Lifeboat is lost', async ({ page }) => {
    // A second web-mode server of its own, so stopping it leaves the shared one alone.
    const web = await startWebMode();
    try {
      await page.goto(await web.link());
      await expect(page.getByTestId('cluster-state')).toHaveText('Connected');
      await expect(page.getByTestId('connection-lost')).toHaveCount(0);
      await web.stop();
      await expect(page.getByTestId('connection-lost')).toBeVisible();
      await expect(page.getByTestId('connection-lost')).toContainText(/Trying again/);
      await expect(page.getByTestId('header-link')).toHaveText('Connection lost');
    } finally {
      await web.stop();
    }
  });

  test('opened without a link, the page says how to get in', async ({ page }) => {
    const url = new URL(process.env.LIFEBOAT_E2E_URL!);
    await page.goto(url.origin + '/');
    await expect(page.getByTestId('no-token')).toBeVisible();
    await expect(page.getByTestId('sign-in-error')).toContainText('not signed in');
    await expect(page.getByTestId('no-token')).toContainText('?code=');
  });

  test('a link works once: the page that used it stays signed in through a reload; a second browser is refused', async ({ page, browser }) => {
    const link = await sharedLink('activity');
    await page.goto(link);
    await expect(page).toHaveURL(/\/#\/activity$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    await expect(page.getByTestId('no-token')).toHaveCount(0);
    const other = await browser.newContext();
    try {
      const second = await other.newPage();
      await second.goto(link);
      await expect(second.getByTestId('sign-in-error')).toHaveText(
        "This link was already used or has expired. Start Lifeboat's web mode again, or use the new link it prints.",
      );
    } finally {
      await other.close();
    }
  });

  test('a restricted user sees each missing permission with what it is for', async ({ page }) => {
    test.skip(!lab, 'needs the lab’s restricted kubeconfig');
    await openLifeboat(page);
    const card = page.getByTestId('cluster-card');
    await expect(card.getByTestId('cluster-state')).toHaveText('Connected');

    await card.getByTestId('kubeconfig-select').click();
    await page.getByRole('option', { name: 'Another file…' }).click();
    await card.getByLabel('Path to a kubeconfig file').fill(lab!.restrictedKubeconfig);
    await card.getByTestId('connect-button').click();

    const missing = card.getByTestId('missing-permissions');
    await expect(missing).toBeVisible({ timeout: 30_000 });
    await expect(missing.getByRole('heading')).toHaveText(/\d+ of \d+ permissions missing/);
    const items = missing.locator('li');
    expect(await items.count()).toBeGreaterThan(0);
    for (const item of (await items.all()).slice(0, 5)) {
      await expect(item).toContainText(/Needed to \S+/);
    }

    // The chooser shows the file in use once the connection settled (it re-renders then): open it after.
    await expect(card.getByTestId('kubeconfig-select')).toHaveValue(new RegExp(lab!.restrictedKubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await card.getByTestId('kubeconfig-select').click();
    await page
      .getByRole('option', { name: new RegExp(lab!.kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
      .first()
      .click();
    await card.getByTestId('connect-button').click();
    await expect(card.getByTestId('permissions-ok')).toBeVisible({ timeout: 30_000 });
  });
});
