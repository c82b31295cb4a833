import { describe, expect, it } from 'vitest';
import { appSlugsOf, installedApps } from './apps.js';
import { legacyBackup, mapKube } from './restore.test-fixtures.js';

const sel = encodeURIComponent('kots.io/app-slug');
const labelled = (...slugs: string[]) => ({ items: slugs.map((s) => ({ metadata: { labels: { 'kots.io/app-slug': s } } })) });

describe('appSlugsOf', () => {
  it("reads kots.io/apps-versions, else falls back to the wizard's slug", () => {
    expect(appSlugsOf(legacyBackup('b', { 'kots.io/apps-versions': '{"a":"1","b":"2"}' }), 'x')).toEqual(['a', 'b']);
    expect(appSlugsOf(legacyBackup('b', { 'kots.io/apps-versions': '{}' }), 'x')).toEqual(['x']);
    expect(appSlugsOf(legacyBackup('b', { 'kots.io/apps-versions': 'not json' }), undefined)).toEqual([]);
  });
});

describe('installedApps', () => {
  it("is the backup's apps plus every app-slug label on workloads, sorted", async () => {
    const kube = mapKube({
      [`/apis/apps/v1/deployments?labelSelector=${sel}&limit=500`]: labelled('zeta', 'my-app'),
      [`/apis/apps/v1/statefulsets?labelSelector=${sel}&limit=500`]: labelled('alpha'),
    });
    expect(await installedApps(kube, ['gone-app'])).toEqual(['alpha', 'gone-app', 'my-app', 'zeta']);
  });

  it('is undefined when the workloads cannot be listed', async () => {
    expect(await installedApps(mapKube({ [`/apis/apps/v1/deployments?labelSelector=${sel}&limit=500`]: labelled() }), ['a'])).toBeUndefined();
    expect(await installedApps({ getOrUndefined: async () => Promise.reject(new Error('403')) }, ['a'])).toBeUndefined();
  });
});
