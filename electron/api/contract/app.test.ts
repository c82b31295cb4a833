/** The app area's desktop methods: what a native dialog may be asked for, and what comes back. */
import { describe, expect, it } from 'vitest';
import { methods } from '../contract.js';

const choose = methods['app.choosePath'];
const show = methods['app.showInFolder'];

describe('app.choosePath', () => {
  it('takes a dialog kind, a title, a start path and extension filters', () => {
    const input = {
      kind: 'open-file',
      title: 'Choose a kubeconfig',
      defaultPath: '/home/op/.kube',
      filters: [
        { name: 'PEM', extensions: ['pem', 'crt'] },
        { name: 'Any', extensions: ['*'] },
      ],
    };
    expect(choose.input.parse(input)).toEqual(input);
    expect(choose.input.parse({ kind: 'save-file', title: 'Save report', defaultPath: 'report.md' }).kind).toBe('save-file');
  });

  it('refuses unknown kinds, empty titles, dotted or odd extensions and unknown keys', () => {
    const ok = { kind: 'open-folder', title: 'Export folder' };
    expect(choose.input.safeParse({ ...ok, kind: 'open-anything' }).success).toBe(false);
    expect(choose.input.safeParse({ ...ok, title: '' }).success).toBe(false);
    expect(choose.input.safeParse({ ...ok, filters: [{ name: 'PEM', extensions: ['.pem'] }] }).success).toBe(false);
    expect(choose.input.safeParse({ ...ok, filters: [{ name: 'PEM', extensions: ['pem/../x'] }] }).success).toBe(false);
    expect(choose.input.safeParse({ ...ok, filters: [{ name: 'PEM', extensions: [] }] }).success).toBe(false);
    expect(choose.input.safeParse({ ...ok, defaultPath: '' }).success).toBe(false);
    expect(choose.input.safeParse({ ...ok, properties: ['openDirectory', 'multiSelections'] }).success).toBe(false);
  });

  it('answers a path, a cancel (null) or "not available" as data', () => {
    expect(choose.output.parse({ available: true, path: '/tmp/ca.pem' })).toEqual({ available: true, path: '/tmp/ca.pem' });
    expect(choose.output.parse({ available: true, path: null }).path).toBeNull();
    expect(choose.output.parse({ available: false, path: null, reason: 'web mode' }).available).toBe(false);
    expect(choose.output.safeParse({ available: true, path: '' }).success).toBe(false);
    expect(choose.output.safeParse({ available: true }).success).toBe(false);
  });
});

describe('app.showInFolder', () => {
  it('takes one non-empty path and answers whether it was shown', () => {
    expect(show.input.parse({ path: '/data/report.md' })).toEqual({ path: '/data/report.md' });
    expect(show.input.safeParse({ path: '' }).success).toBe(false);
    expect(show.input.safeParse({ path: '/x', open: true }).success).toBe(false);
    expect(show.output.parse({ shown: false, reason: 'not written by Lifeboat' }).shown).toBe(false);
  });
});
