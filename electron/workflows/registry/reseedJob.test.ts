import { describe, expect, it } from 'vitest';
import type { RegistryJob } from '../../api/contract.js';
import type { RegistryClient } from '../../registry/client.js';
import type { ReseedResult } from '../../registry/reseed.js';
import { reseedBody, reseedInputs, reseedJob, reseedOutcome, resumeReseedInput } from './reseedJob.js';

const report = (ok: boolean): ReseedResult => ({
  ok,
  tags: [
    { repo: 'app', tag: 'v1', expected: 'sha256:a', actual: 'sha256:a', ok: true },
    { repo: 'app', tag: 'v2', expected: 'sha256:b', actual: ok ? 'sha256:b' : null, ok },
  ],
  blobsUploaded: 1,
  blobsMounted: 0,
  blobsSkipped: 2,
  bytesUploaded: 10,
  manifestsPushed: 2,
  warnings: [],
  durationMs: 5,
});
const target = { registry: 'mine:5000', username: 'me', password: 'secret', caPath: '/ca', skipTlsVerify: false };

describe('re-seed job', () => {
  it('a new job runs with a fresh rs- id; a resumed one keeps its id', () => {
    const j = reseedJob({ host: 'reg:443', source: '/exp', detectedTarget: true });
    expect(j).toMatchObject({
      kind: 'reseed',
      state: 'running',
      registry: 'reg:443',
      path: '/exp',
      detectedTarget: true,
      origin: 'registry',
      progress: { jobId: j.id, phase: 'queued' },
    });
    expect(j.id).toMatch(/^rs-/);
    expect(reseedJob({ host: 'h', source: '/exp', detectedTarget: false, resumeOf: { ...j, id: 'rs-old', origin: 'restore' } as RegistryJob })).toMatchObject({
      id: 'rs-old',
      origin: 'restore',
    });
  });

  it('never keeps the password; keeps the confirmation only for the detected registry', () => {
    const kept = reseedInputs({ source: '/exp', target, confirmHost: 'h', confirmPlainHttp: true, concurrency: 2 });
    expect(kept).toEqual({
      caPath: undefined,
      concurrency: 2,
      confirmHost: undefined,
      confirmPlainHttp: undefined,
      target: { registry: 'mine:5000', username: 'me', caPath: '/ca', skipTlsVerify: false },
    });
    expect(JSON.stringify(kept)).not.toContain('secret');
    expect(reseedInputs({ source: '/exp', caPath: '/ca', confirmHost: 'h', confirmPlainHttp: true })).toMatchObject({
      caPath: '/ca',
      confirmHost: 'h',
      confirmPlainHttp: true,
      target: undefined,
    });
  });

  it('a tag that does not resolve to the archive digest fails the job with DIGEST_MISMATCH naming the first', () => {
    expect(reseedOutcome(report(true), 'reg:443')).toEqual({ reseedReport: report(true) });
    expect(reseedOutcome(report(false), 'reg:443')).toMatchObject({
      state: 'failed',
      reseedReport: { ok: false },
      error: { code: 'DIGEST_MISMATCH', message: expect.stringContaining('1 of 2 tags') },
    });
    expect(reseedOutcome(report(false), 'reg:443').error?.message).toContain('(first: app:v2)');
  });

  it('the body re-seeds with the client and closes it, also on failure', async () => {
    let closed = 0;
    const client = { close: () => closed++ } as unknown as RegistryClient;
    const calls: unknown[] = [];
    const body = reseedBody(client, { source: '/exp', host: 'reg:443' }, async (o) => (calls.push(o), report(true)));
    expect(await body(new AbortController().signal, () => {})).toEqual({ reseedReport: report(true) });
    expect(calls[0]).toMatchObject({ client, source: '/exp', concurrency: 6 });
    const failing = reseedBody(client, { source: '/exp', host: 'h', concurrency: 1 }, async () => {
      throw new Error('refused');
    });
    await expect(failing(new AbortController().signal, () => {})).rejects.toThrow('refused');
    expect(closed).toBe(2);
  });

  it('resuming: the operator gives the password again; stored confirmation for the detected registry unless given anew', () => {
    const job = { path: '/exp' } as RegistryJob;
    const toEntered = resumeReseedInput(
      job,
      { concurrency: 3, target: { registry: 'mine:5000', username: 'me' } },
      { password: 'again', confirmHost: 'ignored' },
    );
    expect(toEntered).toEqual({
      source: '/exp',
      caPath: undefined,
      concurrency: 3,
      confirmHost: undefined,
      confirmPlainHttp: undefined,
      target: { registry: 'mine:5000', username: 'me', password: 'again', caPath: undefined, skipTlsVerify: undefined },
    });
    const detected = resumeReseedInput(job, { caPath: '/stored', confirmHost: 'h', confirmPlainHttp: true }, { caPath: '/new', confirmPlainHttp: false });
    expect(detected).toMatchObject({ caPath: '/new', confirmHost: 'h', confirmPlainHttp: false, target: undefined });
  });
});
