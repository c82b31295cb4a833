import { describe, expect, it } from 'vitest';
import { chosenPath, dialogRequest } from './dialogs.js';

describe('dialogRequest: app.choosePath as Electron dialog options', () => {
  it('open-file picks one file, with the filters and start path asked for', () => {
    const r = dialogRequest({ kind: 'open-file', title: 'CA certificate', defaultPath: '/etc/ssl', filters: [{ name: 'PEM', extensions: ['pem', 'crt'] }] });
    expect(r.save).toBe(false);
    expect(r.options).toMatchObject({ title: 'CA certificate', defaultPath: '/etc/ssl', filters: [{ name: 'PEM', extensions: ['pem', 'crt'] }] });
    expect(r.options.properties).toContain('openFile');
    expect(r.options.properties).not.toContain('multiSelections');
  });

  it('open-folder picks (or creates) one folder; save-file asks before overwriting', () => {
    const folder = dialogRequest({ kind: 'open-folder', title: 'Export folder' });
    expect(folder.options.properties).toEqual(expect.arrayContaining(['openDirectory', 'createDirectory']));
    expect(folder.options).not.toHaveProperty('defaultPath');
    const save = dialogRequest({ kind: 'save-file', title: 'Save report', defaultPath: 'report.md' });
    expect(save.save).toBe(true);
    expect(save.options.properties).toContain('showOverwriteConfirmation');
  });
});

describe('chosenPath: the dialog result as the contract answer', () => {
  it('the first path, or null when cancelled or empty', () => {
    expect(chosenPath({ canceled: false, filePaths: ['/a/kubeconfig'] })).toEqual({ available: true, path: '/a/kubeconfig' });
    expect(chosenPath({ canceled: false, filePath: '/a/report.md' })).toEqual({ available: true, path: '/a/report.md' });
    expect(chosenPath({ canceled: true, filePaths: ['/a'] })).toEqual({ available: true, path: null });
    expect(chosenPath({ canceled: false, filePaths: [] })).toEqual({ available: true, path: null });
    expect(chosenPath({ canceled: false, filePath: '' })).toEqual({ available: true, path: null });
  });
});
