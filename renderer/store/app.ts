import type { AppSlice, SetState, StoreDeps } from './types.js';
import { toErrorView } from './errors.js';

export function createAppSlice(set: SetState, deps: StoreDeps): AppSlice {
  const { api, notify } = deps;
  return {
    appInfo: null,
    tools: null,
    toolsError: null,
    async loadApp() {
      // Both are informational: a failure shows on the tools card, not as an alarm.
      const [info, tools] = await Promise.allSettled([api.call('app.info', {}), api.call('tools.list', {})]);
      set({
        appInfo: info.status === 'fulfilled' ? info.value : null,
        tools: tools.status === 'fulfilled' ? tools.value : null,
        toolsError: tools.status === 'rejected' ? toErrorView(tools.reason) : null,
      });
    },
    async choosePath(input) {
      try {
        const chosen = await api.call('app.choosePath', input);
        return chosen.available ? chosen.path : null;
      } catch (e) {
        notify?.('Could not open the file dialog', toErrorView(e));
        return null;
      }
    },
    async showInFolder(path) {
      try {
        const r = await api.call('app.showInFolder', { path });
        if (!r.shown) notify?.('Not shown in the folder', { code: 'NOT_SHOWN', message: r.reason ?? `Lifeboat did not show ${path}.` });
      } catch (e) {
        notify?.('Could not show it in the folder', toErrorView(e));
      }
    },
  };
}
