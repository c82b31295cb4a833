/**
 * Electron lifecycle: single-instance lock, one locked-down BrowserWindow, the renderer served from
 * a privileged app:// scheme with a strict CSP, and the IPC transport wired to the app.
 *
 * Security (Electron's checklist): contextIsolation, sandbox, no nodeIntegration, webSecurity on;
 * CSP on every response; navigation and new windows denied; every permission request denied;
 * IPC only from our own renderer; fuses flipped at package time (scripts/fuses.cjs).
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { createApp, type App } from './app.js';
import { registerIpc } from './transport/ipc.js';
import { createDesktop } from './desktop/index.js';
import { CSP } from './transport/web.js';
import { trustedUrlCheck } from './trustedUrl.js';
import { DEV_OVERRIDES_FLAG } from './devOverrides.js';
import { BUILD_VERSION } from './buildInfo.js';
import { loadConfig } from './config.js';

const SCHEME = 'app';
const HOST = 'lifeboat';
const APP_ORIGIN = `${SCHEME}://${HOST}`;
const here = dirname(fileURLToPath(import.meta.url));
// The configuration, parsed once (config.ts). A packaged build ignores every LIFEBOAT_* variable
// unless started with --allow-dev-overrides.
const allowDevOverrides = process.argv.includes(DEV_OVERRIDES_FLAG);
const start = loadConfig(process.env, { packaged: app.isPackaged, allowed: allowDevOverrides });
const { config, overrides } = start;
if (overrides.ignored.length)
  console.warn(`Lifeboat: ignoring ${overrides.ignored.join(', ')} (a packaged build honours them only with ${DEV_OVERRIDES_FLAG}).`);
for (const p of config.problems) console.warn(`Lifeboat: ${p.message}`);
const devServer = app.isPackaged ? undefined : config.devServerUrl; // e.g. vite dev server in development only

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.ico': 'image/x-icon',
};

const isTrustedUrl = trustedUrlCheck({ appOrigin: APP_ORIGIN, devServer, packaged: app.isPackaged });

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | undefined;
  let lifeboat: App | undefined;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // never a new Electron window; documentation links open in the system browser
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  void app.whenReady().then(async () => {
    const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
    protocol.handle(SCHEME, async (request) => {
      const url = new URL(request.url);
      if (url.host !== HOST) return new Response('Not found', { status: 404 });
      let rel = decodeURIComponent(url.pathname);
      if (rel === '/' || !extname(rel)) rel = '/index.html';
      const file = normalize(join(rendererDir, rel));
      if (!file.startsWith(rendererDir + sep)) return new Response('Forbidden', { status: 403 });
      try {
        const body = await readFile(file);
        return new Response(body, {
          headers: { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' },
        });
      } catch {
        return new Response('Not found', { status: 404 });
      }
    });

    const ses = session.defaultSession;
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // native dialogs, "Show in folder" and end-of-job notifications (electron/desktop/)
    const desktop = createDesktop(() => win);
    desktop.downloads(ses);

    const root = app.getAppPath();
    lifeboat = createApp({
      dataDir: config.dataDir ?? app.getPath('userData'),
      mode: 'electron',
      version: BUILD_VERSION ?? app.getVersion(),
      toolsDir: config.toolsDir,
      packaged: app.isPackaged,
      resourcesPath: process.resourcesPath,
      repoRoot: root,
      autoConnect: true,
      env: process.env,
      allowDevOverrides,
      start,
      desktop: desktop.handlers,
    });
    desktop.attach(lifeboat.bus);
    registerIpc({
      ipcMain,
      handlers: desktop.observe(lifeboat.handlers),
      bus: lifeboat.bus,
      isTrustedUrl,
      targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    });

    win = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 960,
      minHeight: 600,
      title: 'Lifeboat',
      show: false,
      webPreferences: {
        preload: join(here, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    win.once('ready-to-show', () => win?.show());
    win.on('closed', () => (win = undefined));
    await win.loadURL(devServer && !app.isPackaged ? devServer : `${APP_ORIGIN}/index.html`);
    void lifeboat.start();
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void lifeboat?.dispose();
  });
}
