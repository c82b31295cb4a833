import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './paths';
import { parseWebArgs, reprintOnRefusal } from './web';

describe('web entry arguments', () => {
  it('reads flags and env', () => {
    expect(parseWebArgs(['--port', '8123', '--kubeconfig', '/k', '--context', 'lab', '--no-open'], { LIFEBOAT_DATA_DIR: '/data' })).toEqual({
      port: 8123,
      kubeconfig: '/k',
      context: 'lab',
      open: false,
      dataDir: '/data',
    });
    expect(parseWebArgs([], { LIFEBOAT_PORT: '9000', LIFEBOAT_DATA_DIR: '/d' })).toMatchObject({ port: 9000, open: true });
  });
  it('refuses bad flags with a clear message', () => {
    expect(() => parseWebArgs(['--port', 'http'], {})).toThrow(/--port must be/);
    expect(() => parseWebArgs(['--bogus'], {})).toThrow(/bogus/);
  });
  it('picks a per-user data dir', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/lifeboat');
    expect(defaultDataDir({ APPDATA: 'C:/Users/op/AppData/Roaming' }, 'win32')).toMatch(/Lifeboat$/);
  });
  it('prints a new launch link when a sign-in is refused, at most one per 10 s', () => {
    let t = 0;
    let n = 0;
    const lines: string[] = [];
    const onRefused = reprintOnRefusal(
      () => `http://127.0.0.1:1/?code=c${++n}`,
      (l) => lines.push(l),
      { now: () => t },
    );
    onRefused();
    onRefused();
    t = 9_999;
    onRefused();
    t = 10_000;
    onRefused();
    expect(lines).toEqual([
      'A sign-in was refused (a used or expired link). New link: http://127.0.0.1:1/?code=c1',
      'A sign-in was refused (a used or expired link). New link: http://127.0.0.1:1/?code=c2',
    ]);
  });
});
