/**
 * app.choosePath's input as the options of Electron's dialog.showOpenDialog / showSaveDialog, and
 * its result as the contract's answer. Pure (no Electron import): electron/desktop/index.ts calls
 * the dialog.
 */
import type { ChoosePathInput, ChosenPath } from '../api/contract.js';

type OpenProperty = 'openFile' | 'openDirectory' | 'createDirectory' | 'showHiddenFiles' | 'dontAddToRecent';
type SaveProperty = 'createDirectory' | 'showHiddenFiles' | 'showOverwriteConfirmation' | 'dontAddToRecent';

export type DialogRequest =
  | { save: false; options: { title: string; defaultPath?: string; filters?: ChoosePathInput['filters']; properties: OpenProperty[] } }
  | { save: true; options: { title: string; defaultPath?: string; filters?: ChoosePathInput['filters']; properties: SaveProperty[] } };

export function dialogRequest(input: ChoosePathInput): DialogRequest {
  const base = {
    title: input.title,
    ...(input.defaultPath ? { defaultPath: input.defaultPath } : {}),
    ...(input.filters?.length ? { filters: input.filters } : {}),
  };
  // kubeconfigs and CAs often sit in hidden folders (~/.kube); an export folder may be a new one
  if (input.kind === 'save-file')
    return { save: true, options: { ...base, properties: ['createDirectory', 'showHiddenFiles', 'showOverwriteConfirmation', 'dontAddToRecent'] } };
  if (input.kind === 'open-folder')
    return { save: false, options: { ...base, properties: ['openDirectory', 'createDirectory', 'showHiddenFiles', 'dontAddToRecent'] } };
  return { save: false, options: { ...base, properties: ['openFile', 'showHiddenFiles', 'dontAddToRecent'] } };
}

/** The dialog's answer (open: filePaths; save: filePath) as the contract's: the one path or null. */
export function chosenPath(result: { canceled: boolean; filePaths?: string[]; filePath?: string }): ChosenPath {
  const path = result.canceled ? undefined : (result.filePath ?? result.filePaths?.[0]);
  return { available: true, path: path ? path : null };
}
