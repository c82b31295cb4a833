import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config';

describe('configuration from LIFEBOAT_* variables', () => {
  it('nothing set: every default', () => {
    expect(parseConfig({ HOME: '/home/op' })).toEqual({ noOpen: false, restoreTimeouts: {}, problems: [] });
  });

  it('reads every override Lifeboat knows, and leaves the others alone', () => {
    const c = parseConfig({
      LIFEBOAT_DATA_DIR: 'rel/data',
      LIFEBOAT_TOOLS_DIR: '/tools',
      LIFEBOAT_IMAGES_DIR: '/imgs',
      LIFEBOAT_IMAGES_LOCK: '/imgs/lock.json',
      LIFEBOAT_REGISTRY_CA: '/ca.pem',
      LIFEBOAT_DEV_SERVER_URL: 'http://localhost:5173',
      LIFEBOAT_PORT: '8080',
      LIFEBOAT_NO_OPEN: '1',
      LIFEBOAT_RESTORE_POLL_MS: '500',
      LIFEBOAT_RESTORE_APPEAR_MS: '90000',
      LIFEBOAT_RESTORE_READY_MS: '0',
      LIFEBOAT_RESTORE_RESTORE_MS: '1000',
      LIFEBOAT_RESTORE_CLI_MS: '2000',
      LIFEBOAT_LAB_DIR: '/lab',
    });
    expect(c).toEqual({
      dataDir: resolve('rel/data'),
      toolsDir: '/tools',
      imagesDir: '/imgs',
      imagesLock: '/imgs/lock.json',
      registryCa: '/ca.pem',
      devServerUrl: 'http://localhost:5173',
      port: 8080,
      noOpen: true,
      restoreTimeouts: { pollMs: 500, appearMs: 90000, readyMs: 0, restoreMs: 1000, cliMs: 2000 },
      problems: [],
    });
  });

  it('an empty value is unset; LIFEBOAT_NO_OPEN is on only for "1"', () => {
    expect(parseConfig({ LIFEBOAT_TOOLS_DIR: '', LIFEBOAT_DATA_DIR: '', LIFEBOAT_NO_OPEN: 'yes' })).toEqual({
      noOpen: false,
      restoreTimeouts: {},
      problems: [],
    });
  });

  it('a value that does not parse is ignored (as before) and named', () => {
    const c = parseConfig({
      LIFEBOAT_RESTORE_POLL_MS: '1.5s',
      LIFEBOAT_RESTORE_READY_MS: '-1',
      LIFEBOAT_RESTORE_APPEAR_MS: '700',
      LIFEBOAT_PORT: '70000',
      LIFEBOAT_DEV_SERVER_URL: 'not a url',
    });
    expect(c.restoreTimeouts).toEqual({ appearMs: 700 });
    expect(c.port).toBeUndefined();
    expect(c.devServerUrl).toBeUndefined();
    expect(c.problems.map((p) => p.name)).toEqual(['LIFEBOAT_DEV_SERVER_URL', 'LIFEBOAT_PORT', 'LIFEBOAT_RESTORE_POLL_MS', 'LIFEBOAT_RESTORE_READY_MS']);
    expect(c.problems[2]).toEqual({
      name: 'LIFEBOAT_RESTORE_POLL_MS',
      value: '1.5s',
      message: 'LIFEBOAT_RESTORE_POLL_MS="1.5s" is ignored: it must be a whole number of milliseconds.',
    });
  });

  it('a packaged build reads none of them without --allow-dev-overrides', () => {
    const env = { LIFEBOAT_TOOLS_DIR: '/evil', LIFEBOAT_RESTORE_POLL_MS: '5', HOME: '/h' };
    const off = loadConfig(env, { packaged: true, allowed: false });
    expect(off.config).toEqual({ noOpen: false, restoreTimeouts: {}, problems: [] });
    expect(off.overrides.ignored).toEqual(['LIFEBOAT_RESTORE_POLL_MS', 'LIFEBOAT_TOOLS_DIR']);
    expect(off.overrides.env).toEqual({ HOME: '/h' });
    const on = loadConfig(env, { packaged: true, allowed: true });
    expect(on.config).toMatchObject({ toolsDir: '/evil', restoreTimeouts: { pollMs: 5 } });
    expect(on.overrides.active).toEqual(['LIFEBOAT_RESTORE_POLL_MS=5', 'LIFEBOAT_TOOLS_DIR=/evil']);
    expect(loadConfig(env, { packaged: false, allowed: false }).config.toolsDir).toBe('/evil');
  });
});
