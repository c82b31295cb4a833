import type { FullConfig } from '@playwright/test';
import { buildRenderer, startWebMode } from './server.js';

/** Builds the renderer, starts web mode once for the whole run, and hands its URL to the specs. */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  buildRenderer();
  const web = await startWebMode();
  process.env.LIFEBOAT_E2E_URL = web.url;
  return () => web.stop();
}
