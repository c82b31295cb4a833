import { describe, expect, it } from 'vitest';
import { parseRestoreOutput, restoreArgs } from './restore.js';

describe('kubectl kots restore argv', () => {
  it('builds each scope with -o json and no CLI-side waiting for apps', () => {
    expect(restoreArgs({ backup: 'instance-abc12', scope: 'full' })).toEqual([
      'restore',
      '--from-backup',
      'instance-abc12',
      '--wait-for-apps=false',
      '-o',
      'json',
    ]);
    expect(restoreArgs({ backup: 'b1', scope: 'app' })).toEqual([
      'restore',
      '--from-backup',
      'b1',
      '--exclude-admin-console',
      '--wait-for-apps=false',
      '-o',
      'json',
    ]);
    expect(restoreArgs({ backup: 'b1', scope: 'admin-console', veleroNamespace: 'velero' })).toEqual([
      'restore',
      '--from-backup',
      'b1',
      '--exclude-apps',
      '--wait-for-apps=false',
      '--velero-namespace',
      'velero',
      '-o',
      'json',
    ]);
  });

  it('refuses names that are not Velero object names (nothing flag-like reaches argv)', () => {
    for (const bad of ['--exclude-apps', 'Instance', 'a b', '', 'x'.repeat(254), 'a/b']) {
      expect(() => restoreArgs({ backup: bad, scope: 'full' })).toThrow(/not a Velero backup name/);
    }
  });
});

describe('kubectl kots restore -o json output', () => {
  it('reads success and errors (exit code 0 either way)', () => {
    expect(parseRestoreOutput('{"success":true}\n')).toEqual({ success: true });
    expect(parseRestoreOutput('    {"success":false,"error":"failed to restore instance backup: velero not found"}\n')).toEqual({
      success: false,
      error: 'failed to restore instance backup: velero not found',
    });
  });

  it('takes the JSON line after other output, and an error means failure even with success true', () => {
    expect(parseRestoreOutput('  • Deleting Admin Console ✓\n{"success":true}')).toEqual({ success: true });
    expect(parseRestoreOutput('{"success":true,"error":"odd"}')).toEqual({ success: false, error: 'odd' });
  });

  it('anything else is TOOL_OUTPUT_INVALID', () => {
    expect(() => parseRestoreOutput('Error: unknown flag')).toThrow(/cannot read/);
    expect(() => parseRestoreOutput('{"ok":1}')).toThrow(expect.objectContaining({ code: 'TOOL_OUTPUT_INVALID' }));
  });
});
