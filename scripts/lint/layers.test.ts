import { describe, expect, it } from 'vitest';
import { wallCrossed } from './layers.mjs';

const opts = { electronModule: ['electron/main', 'electron/preload'] };

describe('the layer walls', () => {
  it('lets the renderer import only the shared contract files of electron/', () => {
    expect(wallCrossed('renderer/api', '../electron/api/contract.js', 'electron/api/contract', opts)).toBeUndefined();
    expect(wallCrossed('renderer/api', '../electron/transport/protocol.js', 'electron/transport/protocol', opts)).toBeUndefined();
    expect(wallCrossed('renderer/api', '../electron/transport/web.js', 'electron/transport/web', opts)).toMatch(/renderer/);
    expect(wallCrossed('electron/api/contract', 'node:fs', undefined, opts)).toMatch(/shared with the renderer/);
  });
  it('keeps electron/ from renderer/ and the electron module in its entry points', () => {
    expect(wallCrossed('electron/app', '../renderer/format.js', 'renderer/format', opts)).toMatch(/never imports renderer/);
    expect(wallCrossed('electron/main', 'electron', undefined, opts)).toBeUndefined();
    expect(wallCrossed('electron/tools/runner', 'electron', undefined, opts)).toMatch(/'electron' module/);
  });
  it('lets a folder entry (ending in /) import the electron module, and only main.ts import electron/desktop/', () => {
    const withDesktop = { electronModule: [...opts.electronModule, 'electron/desktop/'] };
    expect(wallCrossed('electron/desktop/index', 'electron', undefined, withDesktop)).toBeUndefined();
    expect(wallCrossed('electron/desktop/index', 'electron', undefined, opts)).toMatch(/'electron' module/);
    expect(wallCrossed('electron/desktopx', 'electron', undefined, withDesktop)).toMatch(/'electron' module/);
    expect(wallCrossed('electron/main', './desktop/index.js', 'electron/desktop/index', withDesktop)).toBeUndefined();
    expect(wallCrossed('electron/desktop/index', './finished.js', 'electron/desktop/finished', withDesktop)).toBeUndefined();
    expect(wallCrossed('electron/app', './desktop/index.js', 'electron/desktop/index', withDesktop)).toMatch(/only electron\/main/);
    expect(wallCrossed('electron/web', './desktop/writtenPaths.js', 'electron/desktop/writtenPaths', withDesktop)).toMatch(/only electron\/main/);
  });
  it('keeps domain folders below workflows and transports', () => {
    expect(wallCrossed('electron/registry/client/auth', '../../workflows/registry/jobs.js', 'electron/workflows/registry/jobs', opts)).toMatch(/domain folder/);
    expect(wallCrossed('electron/registry/client/auth', './transport.js', 'electron/registry/client/transport', opts)).toBeUndefined();
  });
  it('lets a workflow area reach another only through its handlers (or the service type)', () => {
    expect(wallCrossed('electron/workflows/backups/x', '../registry/handlers.js', 'electron/workflows/registry/handlers', opts)).toBeUndefined();
    expect(
      wallCrossed('electron/workflows/restore/x', '../registry/service.js', 'electron/workflows/registry/service', { ...opts, typeOnly: true }),
    ).toBeUndefined();
    expect(wallCrossed('electron/workflows/restore/x', '../backups/replicated.js', 'electron/workflows/backups/replicated', opts)).toMatch(/handlers/);
    expect(
      wallCrossed('electron/workflows/restore/x.test', '../backups/f.js', 'electron/workflows/backups/f', { ...opts, workflowDoors: false }),
    ).toBeUndefined();
  });
});
