import type { AppSlice, SetState, StoreDeps } from './types.js';
import { toErrorView } from './errors.js';

export function createAppSlice(set: SetState, deps: StoreDeps): AppSlice {
  const { api } = deps;
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
  };
}
