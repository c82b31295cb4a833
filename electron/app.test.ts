import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from './app';
import { dispatch } from './transport/dispatch.js';

describe('createApp: LIFEBOAT_* overrides in a packaged build', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const env = { LIFEBOAT_TOOLS_DIR: '/tmp/evil-tools', LIFEBOAT_REGISTRY_CA: '/tmp/evil-ca.pem', LIFEBOAT_IMAGES_DIR: '/tmp/evil-images', HOME: '/home/op' };
  const base = () => ({
    dataDir: mkdtempSync(join(tmpdir(), 'lb-app-')),
    mode: 'electron' as const,
    version: '1.0.0',
    packaged: true,
    resourcesPath: '/opt/Lifeboat/resources',
    toolsDir: env.LIFEBOAT_TOOLS_DIR,
    env,
  });

  it('ignores them without --allow-dev-overrides: bundled tools, no override reaches the workflows', async () => {
    app = createApp(base());
    expect(app.binaries.isOverride).toBe(false);
    expect(app.binaries.dir).toBe('/opt/Lifeboat/resources/bin');
    const info = (await app.handlers['app.info']!({})) as { devOverrides?: string[] };
    expect(info.devOverrides).toBeUndefined();
  });

  it('with --allow-dev-overrides uses them and app.info lists them for the banner', async () => {
    app = createApp({ ...base(), allowDevOverrides: true });
    expect(app.binaries.dir).toBe('/tmp/evil-tools');
    const info = (await app.handlers['app.info']!({})) as { devOverrides?: string[] };
    expect(info.devOverrides).toEqual(['LIFEBOAT_IMAGES_DIR=/tmp/evil-images', 'LIFEBOAT_REGISTRY_CA=/tmp/evil-ca.pem', 'LIFEBOAT_TOOLS_DIR=/tmp/evil-tools']);
  });

  it('an unpackaged build (dev, web mode, tests) keeps them and shows no banner', async () => {
    app = createApp({ ...base(), packaged: false });
    expect(app.binaries.dir).toBe('/tmp/evil-tools');
    const info = (await app.handlers['app.info']!({})) as { devOverrides?: string[] };
    expect(info.devOverrides).toBeUndefined();
  });
});

describe('createApp: desktop methods', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const base = () => ({ dataDir: mkdtempSync(join(tmpdir(), 'lb-app-')), mode: 'web' as const, version: '1.0.0', env: {} });

  it('without a desktop (web mode) answers "not available" as data, through the contract', async () => {
    app = createApp(base());
    expect(await dispatch(app.handlers, 'app.choosePath', { kind: 'open-file', title: 'Kubeconfig' })).toEqual({
      ok: true,
      result: { available: false, path: null, reason: expect.stringMatching(/type the path/) },
    });
    expect(await dispatch(app.handlers, 'app.showInFolder', { path: '/etc' })).toMatchObject({ ok: true, result: { shown: false } });
    expect(await dispatch(app.handlers, 'app.choosePath', { kind: 'open-file' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('with a desktop passes the validated input to it', async () => {
    const asked: unknown[] = [];
    app = createApp({
      ...base(),
      mode: 'electron',
      desktop: { 'app.choosePath': (i) => (asked.push(i), { available: true, path: '/tmp/x' }), 'app.showInFolder': () => ({ shown: true }) },
    });
    expect(await app.handlers['app.choosePath']({ kind: 'open-folder', title: 'Export folder' })).toEqual({ available: true, path: '/tmp/x' });
    expect(asked).toEqual([{ kind: 'open-folder', title: 'Export folder' }]);
  });
});
