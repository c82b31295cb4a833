/**
 * A registry job (export, re-seed) as an Activity journal entry, like a tool run: tool
 * `lifeboat-registry`, args saying what went where, the outcome and a one-line summary. Never a
 * secret (jobs hold none). One entry per run of a job: a resumed job is a new run.
 */
import type { JournalEntry, RegistryJob } from '../../api/contract.js';

const MB = 1024 * 1024;
const size = (n: number) => (n >= 1024 * MB ? `${(n / 1024 / MB).toFixed(1)} GB` : `${(n / MB).toFixed(1)} MB`);

export function journalEntry(job: RegistryJob): JournalEntry {
  const args =
    job.kind === 'export' ? ['export', job.registry, '→', job.tarPath ? `${job.path} + ${job.tarPath}` : job.path] : ['re-seed', job.path, '→', job.registry];
  const outcome: JournalEntry['outcome'] =
    job.state === 'running' ? 'running' : job.state === 'succeeded' ? 'succeeded' : job.state === 'cancelled' ? 'cancelled' : 'failed';
  const from = job.origin === 'backup' ? ' (with a full backup)' : job.origin === 'restore' ? ' (restore wizard)' : '';
  let summary: string;
  if (job.state === 'running') summary = `${job.kind === 'export' ? 'Exporting the registry' : 'Re-seeding the registry'}${from}`;
  else if (job.state === 'succeeded' && job.exportSummary) {
    const e = job.exportSummary;
    summary = `Exported ${e.tags} tags in ${e.repositories} repositories (${e.blobs} layers, ${size(e.bytes)}; fetched ${size(e.bytesFetched)}, ${e.blobsReused} reused)${from}`;
  } else if (job.state === 'succeeded' && job.reseedReport) {
    const r = job.reseedReport;
    summary = `Re-seeded ${r.tags.length} tags, every digest verified (${r.blobsUploaded} layers uploaded, ${size(r.bytesUploaded)}; ${r.blobsSkipped} already there, ${r.blobsMounted} mounted)${from}`;
  } else
    summary = `${job.state === 'cancelled' ? 'Cancelled' : job.state === 'interrupted' ? 'Interrupted' : 'Failed'}: ${job.error?.message ?? job.state}${job.error?.hint ? ` ${job.error.hint}` : ''}`;
  const started = Date.parse(job.startedAt);
  const finished = job.finishedAt ? Date.parse(job.finishedAt) : undefined;
  return {
    id: `registry-${job.id}-${started.toString(36)}`,
    tool: 'lifeboat-registry',
    args,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    durationMs: finished !== undefined ? Math.max(0, finished - started) : undefined,
    exitCode: null,
    outcome,
    summary,
  };
}
