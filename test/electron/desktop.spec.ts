/**
 * The desktop conveniences in real Electron (`npm run build` first): a native file dialog filling a
 * path field, "Show in folder" only for what Lifeboat wrote, and an OS notification when a registry
 * job ends while the window is not focused. Electron's dialog, shell and Notification are stubbed
 * in the main process through Playwright's electronApp.evaluate, so nothing opens on the desktop.
 * Skips, saying why, where the Electron binary is not installed (as app.spec.ts does).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

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
if (bin.reason) console.log(`[electron desktop spec] skipped: ${bin.reason}`);

const invoke = (page: Page, method: string, input: unknown) => page.evaluate(([m, i]) => (window as any).lifeboat.invoke(m, i), [method, input] as const);

test.describe('Lifeboat in Electron: dialogs, Show in folder, notifications', () => {
  test.skip(!!bin.reason, bin.reason ?? '');
  let app: ElectronApplication;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-electron-desktop-'));
  const exported = join(dataDir, 'exports', 'registry');

  test.beforeAll(async () => {
    // A finished export Lifeboat wrote earlier (registry/jobs.json): "Show in folder" may reveal it.
    mkdirSync(exported, { recursive: true });
    writeFileSync(join(exported, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [] }));
    writeFileSync(join(exported, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    mkdirSync(join(dataDir, 'registry'), { recursive: true });
    const job = {
      id: 'seeded-export',
      kind: 'export',
      state: 'succeeded',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
      registry: '10.96.0.11:5000',
      path: exported,
      origin: 'registry',
    };
    writeFileSync(join(dataDir, 'registry', 'jobs.json'), JSON.stringify({ version: 1, jobs: [{ job, inputs: {} }] }));

    app = await electron.launch({
      executablePath: bin.path,
      args: [root],
      env: { ...process.env, LIFEBOAT_DATA_DIR: dataDir, KUBECONFIG: join(tmpdir(), 'lifeboat-no-kubeconfig') },
    });
    await app.evaluate(({ dialog, shell, Notification }) => {
      const g = globalThis as any;
      g.__dialogs = [];
      g.__shown = [];
      g.__notices = [];
      dialog.showOpenDialog = (async (...args: any[]) => {
        g.__dialogs.push(args[args.length - 1]);
        return { canceled: false, filePaths: ['/stubbed/admin.conf'] };
      }) as any;
      shell.showItemInFolder = (p: string) => void g.__shown.push(p);
      Notification.isSupported = () => true;
      Notification.prototype.show = function (this: { title: string; body: string }) {
        g.__notices.push({ title: this.title, body: this.body });
      };
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  test.afterAll(async () => {
    await app?.close();
  });

  test('a Browse button opens the native dialog and fills the typed path field', async () => {
    const field = page.getByTestId('kubeconfig-path');
    await expect(field).toBeVisible(); // no kubeconfig found: the chooser starts on "Another file…"
    await page.getByTestId('kubeconfig-path-browse-open-file').click();
    await expect(field).toHaveValue('/stubbed/admin.conf');
    const asked = await app.evaluate(() => (globalThis as any).__dialogs);
    expect(asked[0]).toMatchObject({ title: 'Choose a kubeconfig file', properties: expect.arrayContaining(['openFile']) });
    // the contract validates what the page asks for
    expect(await invoke(page, 'app.choosePath', { kind: 'open-file', title: 'x', filters: [{ name: 'bad', extensions: ['.pem'] }] })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });

  test('Show in folder reveals an export Lifeboat wrote and refuses any other path', async () => {
    expect(await invoke(page, 'registry.jobs', {})).toMatchObject({ ok: true });
    expect(await invoke(page, 'app.showInFolder', { path: '/etc/passwd' })).toMatchObject({ ok: true, result: { shown: false } });
    expect(await invoke(page, 'app.showInFolder', { path: dataDir })).toMatchObject({ ok: true, result: { shown: false } });
    expect(await invoke(page, 'app.showInFolder', { path: exported })).toEqual({ ok: true, result: { shown: true } });
    expect(await app.evaluate(() => (globalThis as any).__shown)).toEqual([exported]);
  });

  test('a registry job that ends while the window is not focused raises one notification with its outcome', async () => {
    let registry: Server | undefined;
    try {
      // a registry that answers the ping and nothing else: the re-seed of an empty export ends quickly
      registry = createServer((req, res) => {
        res.writeHead(req.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
        res.end('{}');
      });
      await new Promise<void>((r) => registry!.listen(0, '127.0.0.1', r));
      const target = { registry: `http://127.0.0.1:${(registry.address() as AddressInfo).port}` };
      await app.evaluate(({ BrowserWindow }) => {
        BrowserWindow.getAllWindows()[0].isFocused = () => false;
      });
      const started = await invoke(page, 'registry.reseed', { source: exported, target });
      expect(started).toMatchObject({ ok: true, result: { kind: 'reseed' } });
      await expect.poll(async () => (await app.evaluate(() => (globalThis as any).__notices)).length, { timeout: 30_000 }).toBe(1);
      const [notice] = await app.evaluate(() => (globalThis as any).__notices);
      expect(notice.title).toMatch(/^Registry re-seed (completed|failed)$/);
      expect(notice.body).toContain(exported);
    } finally {
      registry?.close();
    }
  });
});
