import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { downloadLines, downloadText, type UrlSource } from './downloads.js';

const target = { veleroNamespace: 'velero', kind: 'BackupLog' as const, name: 'instance-abc', location: 'default' };
const source = (url = 'http://minio.velero.svc:9000/velero/backups/instance-abc/instance-abc-logs.gz?X-Amz-Signature=x'): UrlSource => ({ presignedUrl: async () => url });
const respond = (status: number, body?: Buffer) => (async () => new Response(body ? new Uint8Array(body) : null, { status })) as unknown as typeof fetch;

describe('downloads', () => {
  it('gunzips the log and splits it into lines', async () => {
    const log = 'time="2026-01-01T00:00:00Z" level=info msg="Setting up backup log"\ntime="2026-01-01T00:00:01Z" level=info msg="Backup completed"\n';
    const lines = await downloadLines(source(), target, { fetchImpl: respond(200, gzipSync(log)) });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/Backup completed/);
  });

  it('a 404 says which file is missing and names publicUrl as the fix', async () => {
    const err = await downloadLines(source(), target, { fetchImpl: respond(404) }).catch((e) => e);
    expect(err.code).toBe('BACKUP_NOT_FOUND');
    expect(err.message).toMatch(/backup log for instance-abc \(HTTP 404\)/);
    expect(err.hint).toMatch(/publicUrl/);
    expect(err.hint).toMatch(/backupstoragelocation default/);
  });

  it('a 404 of an optional file is simply absent', async () => {
    expect(await downloadText(source(), { ...target, kind: 'BackupResults' }, { fetchImpl: respond(404), optional: true })).toBeUndefined();
  });

  it('an unreachable address names the host and publicUrl', async () => {
    const failing = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }) as unknown as typeof fetch;
    const err = await downloadLines(source(), target, { fetchImpl: failing }).catch((e) => e);
    expect(err.code).toBe('STORAGE_UNREACHABLE');
    expect(err.message).toMatch(/http:\/\/minio\.velero\.svc:9000/);
    expect(err.message).toMatch(/ENOTFOUND/);
    expect(err.hint).toMatch(/publicUrl/);
  });

  it('a damaged gzip is a clear error', async () => {
    const err = await downloadText(source(), target, { fetchImpl: respond(200, Buffer.from('not gzip')) }).catch((e) => e);
    expect(err.code).toBe('STORAGE_UNREACHABLE');
  });

  it('propagates a signing timeout from the URL source', async () => {
    const slow: UrlSource = { presignedUrl: async () => Promise.reject(new Error('Velero did not prepare a download')) };
    await expect(downloadLines(slow, target)).rejects.toThrow(/did not prepare/);
  });
});
