/**
 * The Registry screen against its OWN Embedded Cluster lab (air gap: the lab registry holds the admin
 * console and sample app images, plus one larger image pushed here so progress is visible): the
 * registry and its backup coverage, an export with live progress, cancel and resume to completion,
 * and a verified re-seed into a fresh registry. This spec starts its own web-mode server pointed at
 * that lab (LIFEBOAT_REGISTRY_CA = the lab CA). Screenshots: docs/screenshots/registry-*.png.
 *
 * Its lab is e2e's own (.lab-e2e-registry, port base 10000; LIFEBOAT_E2E_REGISTRY_LAB_PORT_BASE overrides
 * it), never one the integration suites use: they run at the same time (scripts/test-all.sh).
 * LIFEBOAT_E2E_FAKE=1 skips it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { RegistryClient } from '../../electron/registry/client.js';
import { startLab, stopLab } from '../lab/lab.js';
import { repoRoot, type LabState } from '../lab/state.js';
import { makeBlobFile, prngBytes, pushImage, startRegistry, type TestRegistry } from '../support/registry-server.js';
import { ensureVeleroOn, instanceBackupOn } from '../integration/restore-lab.js';
import { expect, test } from './fixtures.js';
import { startWebModeOn, useFake, type WebMode } from './server.js';

const labDir = join(repoRoot, '.lab-e2e-registry');
const portBase = Number(process.env.LIFEBOAT_E2E_REGISTRY_LAB_PORT_BASE ?? 10000);
const BIG_MB = Number(process.env.LIFEBOAT_REGISTRY_E2E_MB ?? 300);
const shots = join(repoRoot, 'docs', 'screenshots');

let lab: LabState;
let target: TestRegistry;
/** Tags in the EC lab's registry once this spec pushed its image: what `kubectl kots install`'s
 * air-gap seed put there (the admin console's images, the application's) plus sample-data. */
let labTags = 0;
let web: WebMode;
let work: string;

function startWeb(state = lab, home = join(work, 'home')): Promise<WebMode> {
  return startWebModeOn(state, { env: { LIFEBOAT_REGISTRY_CA: state.registry.caFile }, home });
}

/** How many tags a registry holds, counted through its own API. */
async function tagCount(c: RegistryClient): Promise<number> {
  let n = 0;
  for (const repo of await c.catalog()) n += (await c.tags(repo)).length;
  return n;
}

/** Screenshot from the top of the page (a scrolled full-page shot misplaces the fixed header). */
async function shot(page: Page, opts: { path: string; fullPage?: boolean }) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot(opts);
}

async function openRegistry(page: Page, scheme: 'light' | 'dark' = 'light') {
  await page.addInitScript((s) => window.localStorage.setItem('lifeboat.colorScheme', s), scheme);
  await page.goto(await web.link());
  await expect(page).not.toHaveURL(/code=/);
  await page.evaluate(() => (window.location.hash = '#/registry'));
  await expect(page.getByRole('heading', { level: 1, name: 'Registry' })).toBeVisible();
}

test.describe('Registry', () => {
  test.skip(useFake(), 'needs the Embedded Cluster lab');
  test.describe.configure({ timeout: 240_000 });
  // Tall enough that a whole panel fits without scrolling (full-page shots of a scrolled page misplace the fixed header).
  test.use({ viewport: { width: 1360, height: 1500 } });

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    work = mkdtempSync(join(tmpdir(), 'lb-e2e-registry-'));
    [lab, target] = await Promise.all([startLab({ dir: labDir, portBase, flavour: 'embedded-cluster' }), startRegistry()]);
    // One larger image, so the export runs long enough to watch (and cancel).
    const c = new RegistryClient({
      registry: lab.registry.host,
      username: lab.registry.username,
      password: lab.registry.password,
      caPem: readFileSync(lab.registry.caFile),
    });
    const big = await makeBlobFile(join(work, 'big.bin'), 7, BIG_MB * 1024 * 1024);
    await pushImage(c, 'lifeboat/sample-data', '1.0.0', [big, prngBytes(8, 20_000)]);
    rmSync(big.file);
    labTags = await tagCount(c);
    c.close();
    web = await startWeb();
  });

  test.afterAll(async () => {
    web?.child.kill('SIGTERM');
    await target?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
    if (lab && !process.env.LIFEBOAT_LAB_KEEP) await stopLab(labDir);
  });

  test('shows the registry, its backup coverage, and exports it with progress to completion', async ({ page }) => {
    await openRegistry(page);
    const details = page.getByTestId('registry-details');
    await expect(details.getByTestId('registry-host')).toHaveText(lab.registry.host);
    await expect(details.getByTestId('registry-reachable')).toHaveText('Signed in');
    await expect(details.getByTestId('registry-repos')).toContainText('lifeboat/kotsadm');
    // The admin console's images, sample-web and sample-db (the air-gap seed) and sample-data (this test).
    expect(labTags).toBeGreaterThanOrEqual(6);
    await expect(details.getByTestId('registry-tag-count')).toHaveText(String(labTags));
    const coverage = page.getByTestId('registry-coverage');
    await expect(coverage.getByTestId('registry-coverage-verdict')).toHaveText(/gap/);
    await expect(coverage).toContainText('Registry images are not in full backups');
    await expect(coverage).toContainText('Export the registry with Lifeboat');
    await expect(coverage).toContainText('Registry matched by the full-backup label selectors');
    await shot(page, { path: join(shots, 'registry-coverage.png'), fullPage: true });

    // A folder that is not an export is refused before anything runs.
    const panel = page.getByTestId('registry-export');
    await panel.getByTestId('registry-export-dest').fill('relative/path');
    await panel.getByTestId('registry-export-tar').click();
    await expect(panel).toContainText('is not an absolute path');
    await expect(panel.getByTestId('registry-export-start')).toBeDisabled();

    // Start; the progress panel shows while it runs (on a quiet machine 300 MB take a few seconds,
    // so the UI may only catch the end: cancel and resume are covered in registry-flow.test.ts).
    const dest = join(work, 'export', 'registry');
    await panel.getByTestId('registry-export-dest').fill(dest);
    await panel.getByTestId('registry-export-tar').click();
    await expect(panel.getByTestId('registry-export-start')).toBeEnabled();
    // Record every state the job panel renders (a fast export can pass "running" between two polls).
    await page.evaluate(() => {
      const w = window as unknown as { __states: string[] };
      w.__states = [];
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="registry-export-job"]');
        const st = el?.getAttribute('data-state');
        if (st && w.__states[w.__states.length - 1] !== st) w.__states.push(st);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await panel.getByTestId('registry-export-start').click();
    const job = panel.getByTestId('registry-export-job');
    // Wait in the page (polled every frame) for bytes moving or the end, then photograph at once.
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="registry-export-job"]');
        const bytes = el?.querySelector('[data-testid="registry-export-job-bytes"]')?.textContent ?? '';
        return el?.getAttribute('data-state') === 'succeeded' || (el?.getAttribute('data-state') === 'running' && /^[1-9]/.test(bytes));
      },
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    if ((await job.getAttribute('data-state')) === 'running') {
      await shot(page, { path: join(shots, 'registry-export-progress.png'), fullPage: true });
    } else console.log('registry e2e: the export finished before its progress could be photographed');
    await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    // The panel showed the job running before it showed it done.
    expect(await page.evaluate(() => (window as unknown as { __states: string[] }).__states)).toEqual(['running', 'succeeded']);
    await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    await expect(job.getByTestId('registry-export-job-tags')).toHaveText(String(labTags));
    await expect(job.getByTestId('registry-export-job-summary')).toContainText('digest was verified');
    await shot(page, { path: join(shots, 'registry-export-done.png'), fullPage: true });

    // The finished job is still there after a reload (persisted in the data dir).
    await page.reload();
    await page.evaluate(() => (window.location.hash = '#/registry'));
    await expect(page.getByTestId('registry-export-job')).toHaveAttribute('data-state', 'succeeded');
  });

  test('re-seeds a fresh registry from the export; every tag has the same digest', async ({ page }) => {
    await openRegistry(page, 'dark');
    const panel = page.getByTestId('registry-reseed');
    await panel.getByTestId('registry-reseed-source').fill(join(work, 'export', 'registry'));
    await panel.getByTestId('registry-reseed-other').check();
    await panel.getByTestId('registry-reseed-address').fill(target.host);
    await panel.getByTestId('registry-reseed-ca').fill(join(target.certDir, 'ca.crt'));
    await panel.getByTestId('registry-reseed-username').fill(target.username);
    await panel.getByTestId('registry-reseed-password').fill(target.password);
    await panel.getByTestId('registry-reseed-start').click();
    const job = panel.getByTestId('registry-reseed-job');
    await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    // The password is not kept in the form after submission.
    await expect(panel.getByTestId('registry-reseed-password')).toHaveValue('');
    const report = job.getByTestId('registry-reseed-job-report');
    await expect(report).toContainText(`Every tag (${labTags}) resolves`);
    await expect(report.getByRole('row').filter({ hasText: 'Same' })).toHaveCount(labTags);
    await shot(page, { path: join(shots, 'registry-reseed-dark.png'), fullPage: true });
  });
});

/**
 * The restore wizard's rebuilt-cluster path on a kURL lab of its own (the wizard refuses Embedded
 * Cluster backups: the Embedded Cluster binary restores those): .lab-e2e-registry-2, port base 11000.
 */
let klab: LabState;
let kweb: WebMode;
let kwork: string;
let kbackup = '';
const klabDir = join(repoRoot, '.lab-e2e-registry-2');

test.describe('Restore wizard: re-seed the registry (rebuilt kURL cluster)', () => {
  test.skip(useFake(), 'needs the kURL lab');
  test.describe.configure({ timeout: 300_000 });
  test.use({ viewport: { width: 1360, height: 1500 } });

  test.beforeAll(async () => {
    test.setTimeout(420_000);
    kwork = mkdtempSync(join(tmpdir(), 'lb-e2e-reseed-'));
    klab = await startLab({ dir: klabDir, portBase: 11000, flavour: 'kurl' });
    await ensureVeleroOn(klab);
    kbackup = await instanceBackupOn(klab);
    // One larger image, so the re-seed's progress is visible.
    const c = new RegistryClient({
      registry: klab.registry.host,
      username: klab.registry.username,
      password: klab.registry.password,
      caPem: readFileSync(klab.registry.caFile),
    });
    const big = await makeBlobFile(join(kwork, 'big.bin'), 9, BIG_MB * 1024 * 1024);
    await pushImage(c, 'lifeboat/sample-data', '1.0.0', [big, prngBytes(10, 20_000)]);
    rmSync(big.file);
    c.close();
    kweb = await startWeb(klab, join(kwork, 'home'));
  });

  test.afterAll(async () => {
    kweb?.child.kill('SIGTERM');
    if (kwork) rmSync(kwork, { recursive: true, force: true });
    if (klab && !process.env.LIFEBOAT_LAB_KEEP) await stopLab(klabDir);
  });

  test('the registry is re-seeded from an export before the application is restored', async ({ page }) => {
    await page.addInitScript(() => window.localStorage.setItem('lifeboat.colorScheme', 'light'));
    // Export the registry on the Registry screen, as the operator did before the cluster was lost.
    await page.goto(await kweb.link());
    await expect(page).not.toHaveURL(/code=/);
    await page.evaluate(() => (window.location.hash = '#/registry'));
    const panel = page.getByTestId('registry-export');
    await panel.getByTestId('registry-export-dest').fill(join(kwork, 'export', 'registry'));
    await panel.getByTestId('registry-export-tar').click();
    await panel.getByTestId('registry-export-start').click();
    await expect(panel.getByTestId('registry-export-job')).toHaveAttribute('data-state', 'succeeded', { timeout: 120_000 });
    // The rebuilt cluster's registry lacks the application's images.
    const c = new RegistryClient({
      registry: klab.registry.host,
      username: klab.registry.username,
      password: klab.registry.password,
      caPem: readFileSync(klab.registry.caFile),
    });
    const exported = await tagCount(c);
    for (const [repo, tag] of [
      ['lifeboat/sample-web', '1.0.0'],
      ['lifeboat/sample-db', '1.0.0'],
      ['lifeboat/sample-data', '1.0.0'],
    ] as const) {
      const head = await c.headManifest(repo, tag);
      if (head) await c.deleteManifest(repo, head.digest);
    }
    c.close();

    await page.evaluate(() => (window.location.hash = '#/restore'));
    await expect(page.getByRole('heading', { level: 1, name: 'Restore' })).toBeVisible();
    await page.getByLabel('Recover onto a new or rebuilt cluster').check();
    await expect(page.getByTestId('storage-backup-count')).not.toHaveText('0', { timeout: 60_000 });
    await page.getByTestId('situation-continue').click();
    await page.getByTestId(`backup-${kbackup}`).getByRole('radio').check();
    await page.getByTestId('backup-continue').click();
    await page.getByLabel('Application only').check();
    await page.getByTestId('type-continue').click();

    // The registry step: why, the export made earlier offered, what the registry lacks.
    const step = page.getByTestId('restore-registry');
    await expect(step).toBeVisible();
    await expect(step.getByTestId('registry-reason')).toContainText('rebuilt kURL cluster');
    await expect(step.getByTestId('registry-archive-option').first()).toHaveValue(new RegExp(`^${join(kwork, 'export')}`));
    await expect(step.getByTestId('registry-skip-button')).toBeDisabled();
    await step.getByTestId('registry-plan').click();
    await expect(step.getByTestId('registry-plan-summary')).toContainText(`3 images of ${exported} in the archive are missing`);
    await shot(page, { path: join(shots, 'restore-reseed-plan.png'), fullPage: true });

    // Re-seed with live progress, then every tag verified.
    await step.getByTestId('registry-reseed').click();
    // (The manifests were deleted but their layers stay in the registry, so this re-seed moves
    // manifests only and ends in a moment: live progress is photographed on the Registry screen,
    // registry-export-progress.png, with the same job panel.)
    const job = step.getByTestId('registry-step-job');
    await expect(step).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
    await expect(step.getByTestId('registry-step-done')).toContainText(/Every tag \((\d+) of \1\) resolves/);
    await expect(job.getByTestId('registry-step-job-report').getByRole('row').filter({ hasText: 'Differs' })).toHaveCount(0);
    // The comparison made before the push is made again: it now shows the registry as it is.
    await expect(step.getByTestId('registry-plan-summary')).toContainText(`Every image of the archive (${exported}) is already in`);
    await expect(step.getByTestId('registry-plan-result').getByRole('row').filter({ hasText: 'Missing' })).toHaveCount(0);
    await shot(page, { path: join(shots, 'restore-reseed.png'), fullPage: true });

    // Only now the restore can be confirmed; the confirm step says the registry was re-seeded.
    await step.getByTestId('registry-continue').click();
    await expect(page.getByTestId('confirm-registry')).toContainText('re-seeded');
  });
});
