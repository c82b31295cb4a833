/** The re-seed job: an export pushed into a registry (the detected one, or one the operator entered), every tag verified. */
import type { RegistryJob, RegistryReseedInput } from '../../api/contract.js';
import type { RegistryClient } from '../../registry/client.js';
import { reseedRegistry, type ReseedResult } from '../../registry/reseed.js';
import type { HostConfirm } from './access.js';
import type { JobInputs } from './jobs.js';
import { newJobId, queuedProgress, type JobBody } from './runner.js';

/** A new re-seed job (or the next run of `resumeOf`, under its id), running. */
export function reseedJob(opts: {
  host: string;
  source: string;
  detectedTarget: boolean;
  origin?: RegistryJob['origin'];
  resumeOf?: RegistryJob;
}): RegistryJob {
  const id = opts.resumeOf?.id ?? newJobId('reseed');
  return {
    id,
    kind: 'reseed',
    state: 'running',
    startedAt: new Date().toISOString(),
    registry: opts.host,
    path: opts.source,
    detectedTarget: opts.detectedTarget,
    origin: opts.origin ?? opts.resumeOf?.origin ?? 'registry',
    progress: queuedProgress(id),
  };
}

/** What a re-seed keeps to be resumed: never the target's password; the confirmation only for the detected registry. */
export function reseedInputs(input: RegistryReseedInput): JobInputs {
  const t = input.target;
  return {
    caPath: input.caPath,
    concurrency: input.concurrency,
    confirmHost: t ? undefined : input.confirmHost,
    confirmPlainHttp: t ? undefined : input.confirmPlainHttp,
    target: t ? { registry: t.registry, username: t.username, caPath: t.caPath, skipTlsVerify: t.skipTlsVerify } : undefined,
  };
}

/** The job's outcome from a re-seed's report: failed (DIGEST_MISMATCH) when a tag does not resolve to the archive's digest. */
export function reseedOutcome(r: ReseedResult, host: string): Partial<RegistryJob> {
  const report = { ...r };
  if (r.ok) return { reseedReport: report };
  const bad = r.tags.filter((x) => !x.ok);
  return {
    state: 'failed',
    reseedReport: report,
    error: {
      code: 'DIGEST_MISMATCH',
      message: `${bad.length} of ${r.tags.length} tags do not resolve to the archive's digest on ${host} (first: ${bad[0].repo}:${bad[0].tag}).`,
      hint: 'Run the re-seed again; if it persists, something else is pushing to that registry.',
    },
  };
}

/** The job body: re-seed with `client` (closed at the end, whatever happens). */
export function reseedBody(
  client: RegistryClient,
  opts: { source: string; host: string; concurrency?: number },
  run: typeof reseedRegistry = reseedRegistry,
): JobBody {
  return async (signal, onProgress) => {
    try {
      const r = await run({ client, source: opts.source, concurrency: opts.concurrency ?? 6, signal, onProgress });
      return reseedOutcome(r, opts.host);
    } finally {
      client.close();
    }
  };
}

/**
 * The input that resumes a stored re-seed: the password for an entered registry comes again from
 * the operator; the confirmation (for the detected registry) from the operator or as stored.
 */
export function resumeReseedInput(job: RegistryJob, inputs: JobInputs, input: { password?: string; caPath?: string } & HostConfirm): RegistryReseedInput {
  const t = inputs.target;
  return {
    source: job.path,
    caPath: input.caPath ?? inputs.caPath,
    concurrency: inputs.concurrency,
    confirmHost: t ? undefined : (input.confirmHost ?? inputs.confirmHost),
    confirmPlainHttp: t ? undefined : (input.confirmPlainHttp ?? inputs.confirmPlainHttp),
    target: t ? { registry: t.registry, username: t.username, password: input.password, caPath: t.caPath, skipTlsVerify: t.skipTlsVerify } : undefined,
  };
}
