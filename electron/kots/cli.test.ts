import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors.js';
import { backupArgs, backupFailure, parseBackupOutput } from './cli.js';

describe('kubectl kots backup', () => {
  it('builds argv with the namespace, no wait and JSON output', () => {
    expect(backupArgs('kotsadm')).toEqual(['backup', '-n', 'kotsadm', '--wait=false', '-o', 'json']);
  });

  it('refuses a namespace that is not one (or looks like a flag)', () => {
    expect(() => backupArgs('--all')).toThrow(LifeboatError);
    expect(() => backupArgs('')).toThrow(/namespace/);
  });

  it("reads success with KOTS's internal name", () => {
    expect(parseBackupOutput('{"success":true,"backupName":"sample-app-1a2b3c4d"}\n')).toEqual({ success: true, backupName: 'sample-app-1a2b3c4d' });
  });

  it('treats an error inside the JSON as failure even when success is true', () => {
    const out = parseBackupOutput('{"success":true,"error":"failed to create instance backup: boom"}');
    expect(out.success).toBe(false);
    expect(out.error).toMatch(/boom/);
  });

  it('takes the last JSON line after other output', () => {
    const out = parseBackupOutput(
      'Velero Namespace Access Required\nkubectl kots velero ensure-permissions …\n{"success":false,"error":"unable to access velero due to minimal RBAC privileges"}',
    );
    expect(out).toMatchObject({ success: false });
    const e = backupFailure(out, 'kotsadm');
    expect(e.code).toBe('BACKUP_FAILED');
    expect(e.hint).toMatch(/ensure-permissions --namespace kotsadm/);
  });

  it('a bare success:false still carries a reason', () => {
    expect(parseBackupOutput('{"success":false}').error).toMatch(/without a reason/);
  });

  it('anything else is TOOL_OUTPUT_INVALID', () => {
    expect(() => parseBackupOutput('Error: unknown command "backup"')).toThrow(expect.objectContaining({ code: 'TOOL_OUTPUT_INVALID' }));
    expect(() => parseBackupOutput('{"foo":1}')).toThrow(expect.objectContaining({ code: 'TOOL_OUTPUT_INVALID' }));
  });
});
