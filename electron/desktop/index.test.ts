/** createDesktop with Electron stubbed: "Show in folder" refuses what Lifeboat did not write; notifications follow focus. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../events.js';
import type { Handlers } from '../transport/dispatch.js';

const electron = vi.hoisted(() => ({
  shown: [] as string[],
  notices: [] as Array<{ title: string; body: string }>,
  openResult: { canceled: false, filePaths: ['/home/op/.kube/config'] } as { canceled: boolean; filePaths: string[] },
}));

vi.mock('electron', () => ({
  shell: { showItemInFolder: (p: string) => electron.shown.push(p) },
  dialog: {
    showOpenDialog: async () => electron.openResult,
    showSaveDialog: async () => ({ canceled: true }),
  },
  Notification: class {
    static isSupported = () => true;
    constructor(private readonly o: { title: string; body: string }) {}
    on() {}
    show() {
      electron.notices.push(this.o);
    }
  },
  BrowserWindow: class {},
}));

const { createDesktop } = await import('./index.js');

function windowStub(focused: boolean) {
  return { isFocused: () => focused, isMinimized: () => false, restore() {}, show() {}, focus() {} } as never;
}

describe('createDesktop', () => {
  let dir: string;
  beforeEach(() => {
    electron.shown.length = 0;
    electron.notices.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'lb-desktop-'));
  });

  it('refuses to show a path Lifeboat did not write, and shows one it did', async () => {
    const d = createDesktop(() => undefined);
    const bus = new EventBus();
    d.attach(bus);
    const report = join(dir, 'restore-x.md');
    writeFileSync(report, '# report');
    const other = join(dir, 'other.md');
    writeFileSync(other, 'not ours');

    expect(await d.handlers['app.showInFolder']({ path: report })).toMatchObject({
      shown: false,
      reason: expect.stringMatching(/only the reports and exports it wrote/),
    });
    expect(electron.shown).toEqual([]);

    const handlers = d.observe({ 'restore.report': () => ({ fileName: 'restore-x', json: '{}', markdown: '#', savedTo: [report] }) } as unknown as Handlers);
    await handlers['restore.report']({});
    expect(await d.handlers['app.showInFolder']({ path: report })).toEqual({ shown: true });
    expect(await d.handlers['app.showInFolder']({ path: other })).toMatchObject({ shown: false });
    expect(await d.handlers['app.showInFolder']({ path: dir })).toMatchObject({ shown: false });
    expect(electron.shown).toEqual([report]);
  });

  it('notices an export from the bus; a written path since deleted is not shown', async () => {
    const d = createDesktop(() => undefined);
    const bus = new EventBus();
    d.attach(bus);
    const gone = join(dir, 'gone');
    bus.emit('registry.job', { id: 'j', kind: 'export', state: 'succeeded', startedAt: 'now', registry: 'r:5000', path: gone, origin: 'registry' });
    expect(await d.handlers['app.showInFolder']({ path: gone })).toMatchObject({ shown: false, reason: expect.stringMatching(/no longer there/) });
    expect(electron.shown).toEqual([]);
  });

  it('notifies when a job it saw running ends while the window is not focused, not while focused', () => {
    let focused = true;
    const d = createDesktop(() => windowStub(focused));
    const bus = new EventBus();
    d.attach(bus);
    const job = { kind: 'export', startedAt: 'now', registry: 'r:5000', path: '/e', origin: 'registry' } as const;
    bus.emit('registry.job', { ...job, id: 'a', state: 'running' });
    bus.emit('registry.job', { ...job, id: 'a', state: 'succeeded' });
    expect(electron.notices).toEqual([]);
    focused = false;
    bus.emit('registry.job', { ...job, id: 'b', state: 'running' });
    bus.emit('registry.job', { ...job, id: 'b', state: 'failed', error: { code: 'REGISTRY_FAILED', message: 'disk full' } });
    expect(electron.notices).toEqual([{ title: 'Registry export failed', body: 'r:5000 → /e: disk full' }]);
  });

  it('choosePath answers the dialog’s path, or null when cancelled', async () => {
    const d = createDesktop(() => undefined);
    expect(await d.handlers['app.choosePath']({ kind: 'open-file', title: 'Kubeconfig' })).toEqual({ available: true, path: '/home/op/.kube/config' });
    expect(await d.handlers['app.choosePath']({ kind: 'save-file', title: 'Save' })).toEqual({ available: true, path: null });
  });
});
