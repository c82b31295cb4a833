/**
 * The sandboxed preload: exposes exactly `window.lifeboat` (PreloadBridge) and nothing else.
 * Built as CommonJS (sandboxed preloads cannot be ES modules) by scripts/build.mjs.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type PreloadBridge, type Reply } from './transport/protocol.js';

const bridge: PreloadBridge = {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke(IPC_INVOKE, String(method), input) as Promise<Reply<unknown>>,
  on(listener) {
    // strip the IpcRendererEvent: it carries `sender`, which must not reach the page
    const wrapped = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('lifeboat', bridge);
