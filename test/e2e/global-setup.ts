import type { FullConfig } from '@playwright/test';
import { buildRenderer, startWebMode } from './server.js';

/**
 * Builds the renderer, starts web mode once for the whole run, and hands the specs its root and the
 * harness's session cookie (through the environment, never a URL or an argv), with which
 * openLifeboat mints a fresh single-use link for each page.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  buildRenderer();
  const web = await startWebMode();
  process.env.LIFEBOAT_E2E_URL = `${web.origin}/`;
  process.env.LIFEBOAT_E2E_SESSION = web.session;
  return () => web.stop();
}
