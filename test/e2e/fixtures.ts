import { test as base, expect, type Page } from '@playwright/test';
import { newLink } from './server.js';

/** A fresh single-use launch link to the shared web mode (global-setup.ts); with a screen, it opens there. */
export function sharedLink(screen?: string): Promise<string> {
  const url = process.env.LIFEBOAT_E2E_URL;
  const session = process.env.LIFEBOAT_E2E_SESSION;
  if (!url || !session) throw new Error('LIFEBOAT_E2E_URL/LIFEBOAT_E2E_SESSION are not set; run through test/e2e/playwright.config.ts');
  return newLink(new URL(url).origin, session, screen);
}

/** Opens Lifeboat from a launch link, as the operator would from the printed one. */
export async function openLifeboat(page: Page, screen = 'overview'): Promise<void> {
  await page.goto(await sharedLink());
  // The code leaves the address bar at once.
  await expect(page).not.toHaveURL(/code=/);
  if (screen !== 'overview') await page.evaluate((s) => (window.location.hash = `#/${s}`), screen);
}

export const test = base;
export { expect };
