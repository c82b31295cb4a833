/** The export job: the detected registry written to an OCI layout directory (and .tar) on this machine. */
import type { RegistryExportInput, RegistryExportSummary, RegistryJob } from '../../api/contract.js';
import { exportRegistry, type ExportResult } from '../../registry/archive.js';
import type { RegistryClient } from '../../registry/client.js';
import type { JobInputs } from './jobs.js';
import { newJobId, queuedProgress, type JobBody } from './runner.js';

/** A new export job (or the next run of `resumeOf`, under its id), running. */
export function exportJob(opts: { host: string; dest: string; tarPath?: string; origin?: RegistryJob['origin']; resumeOf?: RegistryJob }): RegistryJob {
  const id = opts.resumeOf?.id ?? newJobId('export');
  return {
    id,
    kind: 'export',
    state: 'running',
    startedAt: new Date().toISOString(),
    registry: opts.host,
    path: opts.dest,
    tarPath: opts.tarPath,
    origin: opts.origin ?? opts.resumeOf?.origin ?? 'registry',
    progress: queuedProgress(id),
  };
}

/** What an export keeps to be resumed (no secret). */
export function exportInputs(input: RegistryExportInput): JobInputs {
  return { caPath: input.caPath, concurrency: input.concurrency, confirmHost: input.confirmHost, confirmPlainHttp: input.confirmPlainHttp };
}

/** The job's summary of an export's result. */
export function exportSummary(r: ExportResult): RegistryExportSummary {
  return {
    repositories: r.repositories,
    tags: r.images.length,
    manifests: r.manifests,
    blobs: r.blobs,
    bytes: r.bytes,
    blobsFetched: r.blobsFetched,
    bytesFetched: r.bytesFetched,
    blobsReused: r.blobsReused,
    warnings: r.warnings.map((w) => w.message),
    durationMs: r.durationMs,
  };
}

/** The job body: export with `client` (closed at the end, whatever happens). */
export function exportBody(
  client: RegistryClient,
  opts: { dest: string; tarPath?: string; concurrency?: number },
  run: typeof exportRegistry = exportRegistry,
): JobBody {
  return async (signal, onProgress) => {
    try {
      const r = await run({ client, dest: opts.dest, tarPath: opts.tarPath, concurrency: opts.concurrency ?? 6, signal, onProgress });
      return { exportSummary: exportSummary(r) };
    } finally {
      client.close();
    }
  };
}
