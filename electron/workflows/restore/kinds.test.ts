import { describe, expect, it } from 'vitest';
import { appearWait, appSlugOfRestore, componentNoun, stepsFor } from './kinds.js';

describe('restore kinds', () => {
  it('full is the admin console then the application; each other kind is one step', () => {
    expect(stepsFor('full', 'b', ['x', 'y'])).toEqual([
      { component: 'admin-console', state: 'pending', restoreNames: ['b.kotsadm'] },
      { component: 'app', state: 'pending', restoreNames: ['b.x', 'b.y'] },
    ]);
    expect(stepsFor('app', 'b', ['x']).map((s) => s.component)).toEqual(['app']);
    expect(stepsFor('admin-console', 'b', ['x'])).toEqual([{ component: 'admin-console', state: 'pending', restoreNames: ['b.kotsadm'] }]);
  });

  it('only an accepted application step waits long for its Restore to appear', () => {
    expect(appearWait('app', true, 300_000)).toBe(300_000);
    expect(appearWait('app', false, 300_000)).toBe(15_000);
    expect(appearWait('admin-console', true, 300_000)).toBe(15_000);
    expect(appearWait('admin-console', true, 50)).toBe(50);
  });

  it('names the part and the app of a Restore', () => {
    expect(componentNoun('app')).toBe('application');
    expect(componentNoun('admin-console')).toBe('admin console');
    expect(appSlugOfRestore('app', 'instance-x', 'instance-x.my.app')).toBe('my.app');
    expect(appSlugOfRestore('admin-console', 'instance-x', 'instance-x.kotsadm')).toBeUndefined();
  });
});
