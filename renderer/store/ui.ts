import type { ColorSchemePref, SetState, StoreDeps, UiSlice } from './types.js';

export const COLOR_SCHEME_KEY = 'lifeboat.colorScheme';

export function readColorScheme(storage: StoreDeps['storage']): ColorSchemePref {
  try {
    const v = storage?.getItem(COLOR_SCHEME_KEY);
    return v === 'light' || v === 'dark' || v === 'auto' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

export function createUiSlice(set: SetState, deps: StoreDeps): UiSlice {
  return {
    colorScheme: readColorScheme(deps.storage),
    setColorScheme(pref) {
      set({ colorScheme: pref });
      try {
        deps.storage?.setItem(COLOR_SCHEME_KEY, pref);
      } catch {
        // Storage may be full or disabled; the choice still holds for this session.
      }
    },
  };
}
