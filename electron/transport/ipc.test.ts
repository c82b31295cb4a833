import { describe, expect, it } from 'vitest';
import { EventBus } from '../events';
import type { Handlers } from './dispatch';
import { registerIpc, type IpcMainLike } from './ipc';
import { IPC_EVENT, IPC_INVOKE } from './protocol';

describe('ipc transport', () => {
  it('dispatches trusted calls, refuses other frames, forwards events', async () => {
    const handlers = new Map<string, (e: any, ...a: unknown[]) => unknown>();
    const ipcMain: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
    const bus = new EventBus();
    const sent: unknown[][] = [];
    const off = registerIpc({
      ipcMain,
      handlers: {
        'app.info': () => ({ version: '1', mode: 'electron', platform: 'x', dataDir: '/d', unverifiedBuild: false, unverifiedReasons: [] }),
      } as unknown as Handlers,
      bus,
      isTrustedUrl: (u) => u.startsWith('app://lifeboat/'),
      targets: () => [{ send: (...a: unknown[]) => void sent.push(a), isDestroyed: () => false }],
    });
    const invoke = handlers.get(IPC_INVOKE)!;
    expect(await invoke({ senderFrame: { url: 'app://lifeboat/index.html' } }, 'app.info', {})).toMatchObject({ ok: true, result: { mode: 'electron' } });
    expect(await invoke({ senderFrame: { url: 'https://evil.example/' } }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(await invoke({ senderFrame: { url: 'app://lifeboat/' } }, 'app.info', { x: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    bus.emit('environment.changed', null);
    expect(sent).toEqual([[IPC_EVENT, 'environment.changed', null]]);
    off();
    expect(handlers.has(IPC_INVOKE)).toBe(false);
  });
});
