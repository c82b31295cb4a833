/**
 * The final report an operator can keep: what was restored, from which backup, when, how each
 * Velero Restore ended and what needs attention. JSON for tools, Markdown for people. Pure.
 */
import type { RestoreRun, RestoreWizard } from '../../api/contract.js';

const TYPE_WORDS = { full: 'Full restore (admin console and application)', app: 'Application only', 'admin-console': 'Admin console only' } as const;
const OUTCOME_WORDS = {
  running: 'Still running',
  verifying: 'Checking the result',
  succeeded: 'Restored and verified',
  attention: 'Restored, but needs attention',
  failed: 'Failed',
  interrupted: 'Interrupted',
} as const;

export function attentionItems(run: RestoreRun): string[] {
  const items: string[] = [];
  if (run.error) items.push(`${run.error.message}${run.error.hint ? ` ${run.error.hint}` : ''}`);
  for (const s of run.steps)
    if (s.state === 'failed' || s.state === 'interrupted' || s.state === 'attention')
      items.push(`${s.component === 'app' ? 'Application' : 'Admin console'} step: ${s.message ?? s.state}`);
  for (const c of run.verification?.checks ?? []) if (c.severity !== 'ok') items.push(`${c.title}: ${c.reason ?? ''}${c.fix ? ` Fix: ${c.fix}` : ''}`.trim());
  for (const e of run.verification?.errors ?? []) items.push(`Error in ${e.restore} (${e.scope}): ${e.message}`);
  if (run.readOnlyLocation && !run.readOnlyLocation.restored)
    items.push(
      `Storage location ${run.readOnlyLocation.name} is still read-only; set it back to ${run.readOnlyLocation.previous} under Setup when you are done.`,
    );
  return [...new Set(items)];
}

export function buildReport(w: RestoreWizard, run: RestoreRun, app: { version: string }) {
  const attention = attentionItems(run);
  if (w.registry?.state === 'skipped')
    attention.push(`The cluster registry was not re-seeded (skipped by choice): ${w.registry.skippedConsequence ?? ''}`.trim());
  const data = {
    kind: 'lifeboat-restore-report',
    lifeboatVersion: app.version,
    generatedAt: new Date().toISOString(),
    situation: w.situation,
    backup: run.backup,
    type: run.type,
    applications: run.appSlugs,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    outcome: run.state,
    steps: run.steps,
    restores: run.restores,
    verification: run.verification,
    registry: w.registry,
    attention,
  };
  const md: string[] = [];
  md.push(`# Restore report: ${run.backup}`, '');
  md.push(`- **Outcome:** ${OUTCOME_WORDS[run.state]}`);
  md.push(`- **What:** ${TYPE_WORDS[run.type]}${run.appSlugs.length ? ` (${run.appSlugs.join(', ')})` : ''}`);
  md.push(`- **From backup:** ${run.backup}`);
  md.push(`- **Where:** ${w.situation === 'new-cluster' ? 'a new or rebuilt cluster' : 'the same cluster (roll back)'}`);
  md.push(`- **Started:** ${run.startedAt}`);
  if (run.finishedAt) md.push(`- **Finished:** ${run.finishedAt}`);
  const reg = w.registry;
  if (reg) {
    md.push(
      reg.state === 'succeeded'
        ? `- **Registry:** ${reg.registry} re-seeded from ${reg.source} before the application; ${reg.tagsOk} of ${reg.tagsTotal} tags resolve to the archive's digest (${reg.blobsUploaded ?? 0} layers uploaded, ${reg.blobsSkipped ?? 0} already there).`
        : `- **Registry:** ${reg.state === 'skipped' ? 'not re-seeded (skipped by choice)' : reg.state}.`,
    );
  }
  md.push('', '## Velero restores', '');
  if (!run.restores.length) md.push('None were created.');
  else {
    md.push('| Restore | Part | Phase | Items | Warnings | Errors | Volumes |', '|---|---|---|---|---|---|---|');
    for (const r of run.restores) {
      const pv = r.podVolumeRestores;
      md.push(
        `| ${r.name} | ${r.component === 'app' ? `application ${r.appSlug ?? ''}`.trim() : 'admin console'} | ${r.phase ?? 'not started'} | ${r.itemsRestored ?? 0} of ${r.totalItems ?? '?'} | ${r.warnings} | ${r.errors} | ${pv.total ? `${pv.completed}/${pv.total}${pv.failed ? `, ${pv.failed} failed` : ''}` : 'none'} |`,
      );
    }
  }
  const v = run.verification;
  if (v) {
    md.push('', `## Checks (${v.checkedAt})`, '');
    for (const c of v.checks)
      md.push(
        `- ${c.severity === 'ok' ? '✔' : c.severity === 'warning' ? '⚠' : '✘'} **${c.title}**${c.reason ? `: ${c.reason}` : ''}${c.severity !== 'ok' && c.fix ? ` _Fix:_ ${c.fix}` : ''}`,
      );
    if (v.workloads.length) {
      md.push('', '| Workload | Ready |', '|---|---|');
      for (const wl of v.workloads) md.push(`| ${wl.kind} ${wl.namespace}/${wl.name} | ${wl.ready}/${wl.desired} |`);
    }
    if (v.warnings.length || v.errors.length) {
      md.push('', '## Restore warnings and errors', '');
      for (const e of v.errors) md.push(`- ✘ ${e.restore} (${e.scope}): ${e.message}`);
      for (const e of v.warnings) md.push(`- ⚠ ${e.restore} (${e.scope}): ${e.message}`);
    }
  }
  md.push('', '## Needs attention', '');
  md.push(attention.length ? attention.map((a) => `- ${a}`).join('\n') : 'Nothing. The admin console and the application were checked after the restore.');
  md.push('', `_Written by Lifeboat ${app.version} on ${data.generatedAt}._`, '');
  return { data, markdown: md.join('\n') };
}
