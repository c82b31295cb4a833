/**
 * Electron IPC transport: one `ipcMain.handle(IPC_INVOKE)` that forwards (method, input) to the
 * generic dispatch, and one fan-out of bus events to the app's windows on IPC_EVENT. Calls from any
 * frame that is not Lifeboat's own renderer are refused (FORBIDDEN_ORIGIN).
 * Takes ipcMain as a parameter so it is testable without Electron.
 */
import type { EventBus } from '../events.js';
import { dispatch, type Handlers } from './dispatch.js';
import { IPC_EVENT, IPC_INVOKE, type Reply } from './protocol.js';

export interface InvokeEventLike {
  senderFrame?: { url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export function registerIpc(opts: {
  ipcMain: IpcMainLike;
  handlers: Handlers;
  bus: EventBus;
  /** The renderer's origin prefix, e.g. "app://lifeboat/" or the dev server URL. */
  isTrustedUrl: (url: string) => boolean;
  targets: () => WebContentsLike[];
}): () => void {
  opts.ipcMain.handle(IPC_INVOKE, async (event, method, input): Promise<Reply<unknown>> => {
    const url = event.senderFrame?.url ?? '';
    if (!opts.isTrustedUrl(url)) {
      return { ok: false, error: { code: 'FORBIDDEN_ORIGIN', message: `Lifeboat refuses calls from ${url.slice(0, 200) || 'an unknown frame'}.` } };
    }
    return dispatch(opts.handlers, method as string, input);
  });
  const off = opts.bus.on((event, payload) => {
    for (const wc of opts.targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT, event, payload);
  });
  return () => {
    off();
    opts.ipcMain.removeHandler(IPC_INVOKE);
  };
}
