/**
 * Launches the built app (`npm run build` first) in real Electron. Skips, saying why, where the
 * Electron binary is not installed (e.g. ELECTRON_SKIP_BINARY_DOWNLOAD=1 build hosts).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function electronBinary(): { path?: string; reason?: string } {
  let path: string;
  try {
    path = require('electron') as unknown as string; // the npm package exports the binary's path
  } catch (err) {
    return { reason: `No Electron binary: require('electron') failed (${(err as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) {
    return { reason: `No Electron binary: ${String(path)} does not exist (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?)` };
  }
  if (!existsSync(join(root, 'dist', 'electron', 'main.js'))) return { reason: 'Lifeboat is not built: run `npm run build` first' };
  return { path };
}

const bin = electronBinary();
if (bin.reason) console.log(`[electron spec] skipped: ${bin.reason}`);

test.describe('Lifeboat in Electron', () => {
  test.skip(!!bin.reason, bin.reason ?? '');
  let app: ElectronApplication;

  test.beforeAll(async () => {
    app = await electron.launch({
      executablePath: bin.path,
      args: [root],
      env: { ...process.env, LIFEBOAT_DATA_DIR: mkdtempSync(join(tmpdir(), 'lb-electron-')), KUBECONFIG: join(tmpdir(), 'lifeboat-no-kubeconfig') },
    });
  });
  test.afterAll(async () => {
    await app?.close();
  });

  test('opens one locked-down window with the bridge and nothing else', async () => {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(page.url()).toMatch(/^app:\/\/lifeboat\//);
    const globals = await page.evaluate(() => ({
      bridge: typeof (window as any).lifeboat?.invoke,
      require: typeof (window as any).require,
      process: typeof (window as any).process,
    }));
    expect(globals).toEqual({ bridge: 'function', require: 'undefined', process: 'undefined' });
    const reply = await page.evaluate(() => (window as any).lifeboat.invoke('app.info', {}));
    expect(reply).toMatchObject({ ok: true, result: { mode: 'electron' } });
    const bad = await page.evaluate(() => (window as any).lifeboat.invoke('app.info', { nope: 1 }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0];
      return { count: BrowserWindow.getAllWindows().length, prefs: (w.webContents as any).getLastWebPreferences?.() };
    });
    expect(prefs.count).toBe(1);
    if (prefs.prefs) expect(prefs.prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });

  test('refuses to open new windows and to navigate away', async () => {
    const page = await app.firstWindow();
    await page.evaluate(() => window.open('https://example.com'));
    await page.evaluate(() => (window.location.href = 'https://example.com/'));
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/^app:\/\/lifeboat\//);
  });
});
