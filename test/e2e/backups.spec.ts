/**
 * Backups in the browser against the shared lab (Velero installed by ensureVelero()): Back up now →
 * live progress → Completed in the list → detail → log viewer (search, level filter), plus the
 * schedule tab. Starts its own web-mode server with LIFEBOAT_KOTSADM_URL pointing at the lab's
 * admin console stand-in (the lab's pods do not run, so there is nothing to port-forward to).
 * Screenshots: docs/screenshots/backups-*.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureVelero } from '../integration/lab.js';
import { readLabState, repoRoot } from '../lab/state.js';
import { expect, test } from './fixtures.js';
import { useFake } from './server.js';

const shots = join(repoRoot, 'docs', 'screenshots');
let web: { url: string; child: ChildProcess } | undefined;

async function startWeb(): Promise<{ url: string; child: ChildProcess }> {
  const lab = readLabState()!;
  const home = mkdtempSync(join(tmpdir(), 'lb-e2e-backups-'));
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: lab.kubeconfig, LIFEBOAT_TOOLS_DIR: lab.toolsDir, HOME: home, LIFEBOAT_KOTSADM_URL: lab.adminConsole.url };
  delete env.LIFEBOAT_DATA_DIR;
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'electron', 'web.ts'), '--port', '0', '--no-open', '--kubeconfig', lab.kubeconfig, '--data-dir', join(home, 'data')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL:\n${seen}`)), 60_000);
    const onData = (c: Buffer) => {
      seen += c.toString();
      const m = /(https?:\/\/[^\s'"]+#token=[A-Za-z0-9_\-.~%]+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`web mode exited (${code}):\n${seen}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { url, child };
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
    await page.goto(web!.url);
    await expect(page).not.toHaveURL(/token=/);
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
    await page.getByTestId('schedule-enabled').check({ force: true });
    await page.getByTestId('schedule-cron').fill('0 0 * *');
    await expect(page.getByText(/Expected exactly 5 fields/)).toBeVisible();
    await page.getByTestId('schedule-cron').fill('0 2 * * *');
    await expect(page.getByTestId('schedule-words')).toContainText('every day at 02:00 UTC');
    await page.screenshot({ path: join(shots, 'backups-schedule.png') });
  });
});
