import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { UrlSource } from './downloadRequests.js';
import { downloadLines, downloadText, openDownload } from './downloads.js';

const target = { veleroNamespace: 'velero', kind: 'BackupLog' as const, name: 'instance-abc', location: 'default' };
const source = (url = 'http://minio.velero.svc:9000/velero/backups/instance-abc/instance-abc-logs.gz?X-Amz-Signature=x'): UrlSource => ({
  presignedUrl: async () => url,
});
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

  it('a gzip bomb of results (255 KiB → 256 MiB) is refused, not inflated into memory', async () => {
    const bomb = gzipSync(Buffer.alloc(256 << 20), { level: 9 });
    expect(bomb.length).toBeLessThan(300 << 10);
    const err = await downloadText(source(), { ...target, kind: 'BackupResults' }, { fetchImpl: respond(200, bomb) }).catch((e) => e);
    expect(err?.code).toBe('STORAGE_INVALID');
    expect(err.message).toMatch(/The backup results of instance-abc is larger than the 32 MiB Lifeboat reads once uncompressed/);
  });

  it('a log beyond 500,000 lines is cut there with a marker saying so', async () => {
    const lines = await downloadLines(source(), target, { fetchImpl: respond(200, gzipSync('level=info msg=x\n'.repeat(600_000))) });
    expect(lines).toHaveLength(500_001);
    expect(lines[500_000]).toBe(
      '[Lifeboat: log truncated at 500,000 lines / 8.1 MiB; the rest is not shown. The whole log: velero backup logs instance-abc -n velero]',
    );
  });

  it('a log beyond 64 MiB is cut at 64 MiB with a marker', async () => {
    const line = `${'a'.repeat(1023)}\n`;
    const lines = await downloadLines(source(), target, { fetchImpl: respond(200, gzipSync(Buffer.alloc(80 << 20, line))) });
    expect(lines).toHaveLength(65_537);
    expect(lines.at(-1)).toMatch(/^\[Lifeboat: log truncated at 65,536 lines \/ 64 MiB/);
  });

  it('a body bigger than the limit as sent (Content-Length, or counted) is refused', async () => {
    const big = (async () => new Response('x', { status: 200, headers: { 'content-length': String(1 << 30) } })) as unknown as typeof fetch;
    expect(await downloadText(source(), { ...target, kind: 'BackupResourceList' }, { fetchImpl: big }).catch((e) => e)).toMatchObject({
      code: 'STORAGE_INVALID',
      message: expect.stringMatching(/as stored, compressed/),
    });
    const noLength = (async () => new Response(new Uint8Array(33 << 20), { status: 200 })) as unknown as typeof fetch;
    expect(await downloadText(source(), { ...target, kind: 'BackupResourceList' }, { fetchImpl: noLength }).catch((e) => e)).toMatchObject({
      code: 'STORAGE_INVALID',
    });
  });

  it("a URL that is not the storage location's store is refused before it is fetched, and redirects are not followed", async () => {
    const location = vi.fn(async () => ({
      metadata: { name: 'default' },
      spec: { provider: 'aws', objectStorage: { bucket: 'velero' }, config: { s3Url: 'http://127.0.0.1:39000' } },
    }));
    const f = vi.fn(respond(200, gzipSync('ok\n')));
    const evil: UrlSource = { presignedUrl: async () => 'http://169.254.169.254/latest/meta-data/iam', location };
    const err = await downloadText(evil, target, { fetchImpl: f as unknown as typeof fetch }).catch((e) => e);
    expect(err?.code).toBe('STORAGE_INVALID');
    expect(err.message).toMatch(/address on http:\/\/169\.254\.169\.254, which is not the object store of storage location "default"/);
    expect(f).not.toHaveBeenCalled();
    const good: UrlSource = { presignedUrl: async () => 'http://127.0.0.1:39000/velero/backups/instance-abc/instance-abc-logs.gz?X-Amz-Signature=x', location };
    expect(await downloadText(good, target, { fetchImpl: f as unknown as typeof fetch })).toBe('ok\n');
    expect(f).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ redirect: 'manual' }));
    const moved = (async () => new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } })) as unknown as typeof fetch;
    expect(await openDownload(good, target, { fetchImpl: moved }).catch((e) => e)).toMatchObject({
      code: 'STORAGE_UNREACHABLE',
      message: expect.stringMatching(/HTTP 302/),
    });
  });
});
