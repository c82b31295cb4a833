/**
 * The report of a finished run, kept as files in the data directory (JSON for tools, Markdown for
 * people) so it outlives the wizard being reset; the run records where its Markdown is. Writing is
 * best effort: a report that cannot be saved is still shown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestoreReport, RestoreRun } from '../../api/contract.js';
import { LifeboatError } from '../../api/errors.js';
import type { WizardMachine } from './machine.js';
import { buildReport } from './report.js';
import { runActive } from './state.js';

export class ReportFiles {
  constructor(
    private readonly m: WizardMachine,
    private readonly dataDir: string,
    private readonly appVersion: string,
  ) {}

  /** Saves the finished run's report; the paths written, none while the run is active or on failure. */
  write(): string[] {
    const run = this.m.wizard.run;
    if (!run || runActive(this.m.wizard)) return [];
    try {
      const { data, markdown } = buildReport(this.m.wizard, run, { version: this.appVersion });
      const dir = join(this.dataDir, 'restore', 'reports');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const base = join(dir, reportName(run));
      writeFileSync(`${base}.json`, JSON.stringify(data, null, 2), { mode: 0o600 });
      writeFileSync(`${base}.md`, markdown, { mode: 0o600 });
      if (run.reportPath !== `${base}.md`) this.m.save({ ...this.m.wizard, run: { ...run, reportPath: `${base}.md` } });
      return [`${base}.json`, `${base}.md`];
    } catch {
      return [];
    }
  }

  report(): RestoreReport {
    const run = this.m.wizard.run;
    if (!run) throw new LifeboatError('WIZARD_OUT_OF_ORDER', 'There is no restore to report on yet.', 'Run a restore first.');
    const { data, markdown } = buildReport(this.m.wizard, run, { version: this.appVersion });
    const saved = this.write();
    return { fileName: reportName(run), json: JSON.stringify(data, null, 2), markdown, savedTo: saved };
  }
}

export function reportName(run: RestoreRun): string {
  return `restore-${run.backup}-${run.startedAt.replace(/[:.]/g, '-')}`;
}
