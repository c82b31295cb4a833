/**
 * Backups in the browser against the shared lab (Velero installed by ensureVelero()): Back up now →
 * live progress → Completed in the list → detail → log viewer (search, level filter), plus the
 * schedule tab. Starts its own web-mode server; Lifeboat reaches the admin console by port-forward
 * to the kotsadm pod, as on any cluster.
 * Screenshots: docs/screenshots/backups-*.png.
 */
import { join } from 'node:path';
import { ensureVelero } from '../integration/lab.js';
import { readLabState, repoRoot, type LabState } from '../lab/state.js';
import { readFileSync } from 'node:fs';
import { pushSyntheticImage } from '../lab/images.js';
import { expect, test } from './fixtures.js';
import { startWebModeOn, useFake, type WebMode } from './server.js';

const shots = join(repoRoot, 'docs', 'screenshots');
let web: WebMode | undefined;

function startWeb(lab: LabState = readLabState()!, extraEnv: NodeJS.ProcessEnv = {}): Promise<WebMode> {
  return startWebModeOn(lab, { env: extraEnv });
}

test.describe('backups', () => {
  test.skip(useFake(), 'needs the lab');
  test.setTimeout(240_000);

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    await ensureVelero();
    web = await startWeb();
  });
  test.afterAll(() => {
    web?.child.kill('SIGTERM');
  });

  test('Back up now → progress → Completed in the list → detail and log', async ({ page }) => {
    await page.goto(await web!.link());
    await expect(page).not.toHaveURL(/code=/);
    const now = page.getByTestId('backup-now').first();
    await expect(now).toBeEnabled({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'backups-overview-button.png') });
    await now.click();
    // Overview's button opens the Backups screen, where the backup is followed.
    await expect(page).toHaveURL(/#\/backups/);
    const followed = page.getByTestId('followed-backup');
    await expect(followed).toBeVisible();
    await page.screenshot({ path: join(shots, 'backups-progress.png') });
    await expect(followed).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    const name = (await followed.getByRole('link').textContent())!.trim();
    const row = page.locator(`[data-testid="backup-row"][data-name="${name}"]`);
    await expect(row).toHaveAttribute('data-phase', 'Completed');
    // Its size, read from the store (MinIO) by the main process.
    await expect(row.getByTestId('backup-size')).not.toHaveText('—', { timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'backups-list.png') });

    await row.click();
    const drawer = page.getByTestId('backup-detail');
    await expect(drawer.getByTestId('detail-phase')).toHaveText(/Completed/);
    await page.screenshot({ path: join(shots, 'backups-detail.png') });
    await drawer.getByTestId('tab-log').click();
    await expect(drawer.getByTestId('log-line').first()).toBeVisible({ timeout: 30_000 });
    await drawer.getByTestId('log-search').fill('backed up');
    await expect(drawer.getByTestId('log-count')).toHaveText(/^[1-9][\d,]* of [\d,]+ lines/);
    await expect(drawer.getByTestId('log-line').first()).toContainText(/backed up/i);
    await page.screenshot({ path: join(shots, 'backups-log.png') });
    await drawer.getByTestId('log-search').fill('');
    await drawer.getByTestId('log-level').getByText('Info', { exact: true }).click();
    await expect(drawer.getByTestId('log-count')).toHaveText(/^[1-9][\d,]* of [\d,]+ lines/);
    await page.keyboard.press('Escape');

    await page.getByTestId('tab-schedule').click();
    await expect(page.getByTestId('schedule-cron')).toBeVisible();
    // Lifeboat reads the schedule from the admin console by port-forward to the kotsadm pod.
    await expect(page.getByText(/Read from port-forward to pod kotsadm-/)).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('schedule-enabled').check({ force: true });
    await expect(page.getByTestId('schedule-cron')).toBeEnabled();
    await page.getByTestId('schedule-cron').fill('0 0 * *');
    await expect(page.getByText(/Expected exactly 5 fields/)).toBeVisible();
    await page.getByTestId('schedule-cron').fill('0 2 * * *');
    await expect(page.getByTestId('schedule-words')).toContainText('every day at 02:00 UTC');
    await page.screenshot({ path: join(shots, 'backups-schedule.png') });
  });
});

/**
 * The Embedded Cluster and hooks labs the integration tests start (backups-embedded.test.ts,
 * backups-hooks.test.ts, kept with LIFEBOAT_LAB_KEEP=1): used when they are running, skipped
 * otherwise (they are not the shared lab, and starting them here would double the suite's time).
 */
const ecLab = readLabState(join(repoRoot, '.lab-backups-ec'));
const hooksLab = readLabState(join(repoRoot, '.lab-backups-hooks'));

test.describe('backups on Embedded Cluster: the registry export', () => {
  test.skip(
    useFake() || !ecLab,
    'needs .lab-backups-ec (LIFEBOAT_LAB_KEEP=1 npx vitest run --project integration-labs test/integration/backups-embedded.test.ts)',
  );
  test.setTimeout(300_000);
  let ec: WebMode | undefined;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    // A few larger images, so the export runs long enough to be seen moving.
    const auth = {
      host: ecLab!.registry.host,
      username: ecLab!.registry.username,
      password: ecLab!.registry.password,
      ca: readFileSync(ecLab!.registry.caFile),
    };
    for (let i = 0; i < 3; i++)
      await pushSyntheticImage(
        auth,
        `lifeboat/big-${i}`,
        '1.0.0',
        `${i}:${'x'.repeat(1)}${Array.from({ length: 400_000 }, (_, k) => ((k * 2654435761) >>> 0).toString(36)).join('')}`,
      );
    ec = await startWeb(ecLab!, { LIFEBOAT_REGISTRY_CA: ecLab!.registry.caFile });
  });
  test.afterAll(() => ec?.child.kill('SIGTERM'));

  test('Back up now with "also export the registry": live export progress, then complete with registry', async ({ page }) => {
    await page.goto(await ec!.link('backups'));
    const box = page.getByTestId('backup-include-registry');
    await expect(box).toBeChecked({ timeout: 60_000 });
    const now = page.getByTestId('backup-now').first();
    await expect(now).toBeEnabled({ timeout: 120_000 });
    await now.click();
    const reg = page.getByTestId('followed-registry');
    await expect(reg).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('followed-registry-progress').waitFor();
    await page.screenshot({ path: join(shots, 'backups-registry-export.png') });
    const followed = page.getByTestId('followed-backup');
    await expect(followed).toHaveAttribute('data-state', 'succeeded', { timeout: 240_000 });
    await expect(reg).toHaveAttribute('data-state', 'succeeded');
    await expect(page.getByTestId('followed-registry-state')).toContainText('verified');
    await expect(page.getByTestId('followed-message')).toContainText('complete with registry');
    await page.screenshot({ path: join(shots, 'backups-registry-export-done.png') });
  });
});

test.describe('backup hooks: plan and outcomes', () => {
  test.skip(
    useFake() || !hooksLab,
    'needs .lab-backups-hooks (LIFEBOAT_LAB_KEEP=1 npx vitest run --project integration-labs test/integration/backups-hooks.test.ts)',
  );
  test.setTimeout(240_000);
  let hk: WebMode | undefined;
  test.beforeAll(async () => {
    hk = await startWeb(hooksLab!);
  });
  test.afterAll(() => hk?.child.kill('SIGTERM'));

  test("the hooks that will run, then each one's outcome from the log", async ({ page }) => {
    await page.goto(await hk!.link('backups'));
    await page.getByTestId('tab-hooks').click();
    await expect(page.getByText(/vendor hooks, as in backup/).first()).toBeVisible({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'backups-hooks-plan.png') });
    await page.getByRole('tab', { name: 'All backups' }).click();
    // The hooks test's backup is the oldest there (the API-server-restart one came after it).
    const row = page.locator('[data-testid="backup-row"]').last();
    await expect(row).toBeVisible({ timeout: 60_000 });
    await row.click();
    const drawer = page.getByTestId('backup-detail');
    await drawer.getByTestId('tab-detail-hooks').click();
    await expect(
      drawer
        .getByTestId('hook-outcomes')
        .getByText(/Error executing hook/)
        .first(),
    ).toBeVisible({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'backups-hook-outcomes.png') });
  });
});
