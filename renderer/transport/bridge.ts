/** Electron: the client over the preload bridge (`window.lifeboat`). */
import type { PreloadBridge } from '../../electron/transport/protocol.js';
import { asLifeboatError, unwrapReply } from './errors.js';
import { EventHub } from './listeners.js';
import type { ApiClient, LinkState } from './types.js';

export function createBridgeClient(bridge: PreloadBridge): ApiClient {
  const hub = new EventHub();
  const off = bridge.on((event, payload) => hub.emit(event, payload));
  const open: LinkState = { status: 'open' };
  return {
    transport: 'electron',
    session: Promise.resolve({ ok: true }),
    async call(method, input) {
      let reply: unknown;
      try {
        reply = await bridge.invoke(method, input ?? {});
      } catch (err) {
        throw asLifeboatError(err);
      }
      return unwrapReply(reply, method);
    },
    subscribe(event, cb) {
      return hub.add(event, cb as (p: unknown) => void).off;
    },
    onLink(cb) {
      cb(open);
      return () => {};
    },
    onResync() {
      // IPC cannot drop events the way a network stream can.
      return () => {};
    },
    close: off,
  };
}
