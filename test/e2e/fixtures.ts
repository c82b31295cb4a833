import { test as base, expect, type Page } from '@playwright/test';

/** Opens Lifeboat with its token, as the operator would from the printed address. */
export async function openLifeboat(page: Page, screen = 'overview'): Promise<void> {
  const url = process.env.LIFEBOAT_E2E_URL;
  if (!url) throw new Error('LIFEBOAT_E2E_URL is not set; run through test/e2e/playwright.config.ts');
  await page.goto(url);
  // The token leaves the address bar at once.
  await expect(page).not.toHaveURL(/token=/);
  if (screen !== 'overview') await page.evaluate((s) => (window.location.hash = `#/${s}`), screen);
}

export const test = base;
export { expect };
