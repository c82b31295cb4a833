import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportFiles, reportName } from './report-file.js';
import { atRun, memMachine, run } from './restore.test-fixtures.js';

describe('ReportFiles', () => {
  it("saves a finished run's report as JSON and Markdown and records where, once", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-report-'));
    const { m, saved } = memMachine(atRun({ step: 'report', run: run({ state: 'succeeded', finishedAt: '2026-05-01T10:05:00.000Z' }) }));
    const files = new ReportFiles(m, dir, '9.9.9');
    const base = join(dir, 'restore', 'reports', 'restore-instance-abc-2026-05-01T10-00-00-000Z');
    expect(files.write()).toEqual([`${base}.json`, `${base}.md`]);
    expect(JSON.parse(readFileSync(`${base}.json`, 'utf8'))).toMatchObject({ backup: 'instance-abc', outcome: 'succeeded' });
    expect(readFileSync(`${base}.md`, 'utf8')).toContain('instance-abc');
    expect(m.wizard.run!.reportPath).toBe(`${base}.md`);
    const writes = saved.length;
    files.write();
    expect(saved.length).toBe(writes);
  });

  it('writes nothing while the run is active or without a run; report() needs a run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-report-'));
    expect(new ReportFiles(memMachine(atRun({ run: run() })).m, dir, 'v').write()).toEqual([]);
    expect(existsSync(join(dir, 'restore'))).toBe(false);
    expect(() => new ReportFiles(memMachine().m, dir, 'v').report()).toThrow(expect.objectContaining({ code: 'WIZARD_OUT_OF_ORDER' }));
  });

  it('report() answers with the report even when it cannot be saved', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lb-report-')), 'not-a-dir');
    writeFileSync(file, 'x');
    const { m } = memMachine(atRun({ step: 'report', run: run({ state: 'failed' }) }));
    const rep = new ReportFiles(m, file, 'v').report();
    expect(rep).toMatchObject({ fileName: reportName(m.wizard.run!), savedTo: [] });
    expect(JSON.parse(rep.json)).toMatchObject({ outcome: 'failed' });
    expect(rep.markdown).toContain('instance-abc');
  });
});
