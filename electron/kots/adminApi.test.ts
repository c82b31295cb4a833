import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AdminApi } from './adminApi.js';

type Call = { url: string; init: RequestInit };
const target = async () => ({
  baseUrl: 'http://127.0.0.1:26300',
  source: 'port-forward to pod kotsadm-x port 3000 (namespace kotsadm)',
  close: async () => {},
});

function api(responses: Array<[number, unknown]>) {
  const calls: Call[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const [status, body] = responses.shift() ?? [500, {}];
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  const a = new AdminApi({
    kc: () => new KubeConfig(),
    namespace: () => 'kotsadm',
    openTarget: target,
    fetchImpl,
    authstring: async () => 'Kots s3cr3t',
  });
  return { a, calls };
}

describe('admin console API', () => {
  it('reads the snapshot config with the auth string, through the port-forward', async () => {
    const { a, calls } = api([
      [200, { autoEnabled: true, autoSchedule: { schedule: '0 0 * * MON' }, ttl: { inputValue: '1', inputTimeUnit: 'month', converted: '720h' } }],
    ]);
    const { config, source } = await a.snapshotConfig();
    expect(config.autoSchedule.schedule).toBe('0 0 * * MON');
    expect(calls[0]!.url).toBe('http://127.0.0.1:26300/api/v1/snapshot/config');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Kots s3cr3t');
    expect(source).toMatch(/port-forward to pod kotsadm-x/);
  });

  it('PUTs the schedule and retention as KOTS expects them', async () => {
    const { a, calls } = api([
      [200, { success: true }],
      [200, { success: true }],
    ]);
    await a.putSchedule('0 2 * * *', true);
    await a.putRetention('2', 'weeks');
    expect(calls[0]!.init.method).toBe('PUT');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ schedule: '0 2 * * *', autoEnabled: true });
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ inputValue: '2', inputTimeUnit: 'weeks' });
  });

  it("a 400 on the schedule is INVALID_SCHEDULE with KOTS's words", async () => {
    const { a } = api([[400, { success: false, error: 'Invalid cron schedule expression: x' }]]);
    await expect(a.putSchedule('x', true)).rejects.toMatchObject({ code: 'INVALID_SCHEDULE', message: expect.stringMatching(/Invalid cron/) });
  });

  it('a wrong auth string is PERMISSION_DENIED naming the Secret, never the value', async () => {
    const { a } = api([[401, { error: 'Unauthorized' }]]);
    const err = await a.snapshotConfig().catch((e) => e);
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.hint).toMatch(/kotsadm-authstring/);
    expect(JSON.stringify(err)).not.toMatch(/s3cr3t/);
  });

  it('an unreachable admin console says through what, and what to check', async () => {
    const a = new AdminApi({
      kc: () => new KubeConfig(),
      namespace: () => 'kotsadm',
      openTarget: target,
      authstring: async () => 'x',
      fetchImpl: (async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      }) as unknown as typeof fetch,
    });
    await expect(a.snapshotConfig()).rejects.toMatchObject({
      code: 'ADMIN_CONSOLE_UNREACHABLE',
      message: expect.stringMatching(/port-forward to pod kotsadm-x.*ECONNREFUSED/),
      hint: expect.stringMatching(/kotsadm pod is Running/),
    });
  });

  it('partial backup: POST to the app endpoint; errors inside the JSON fail', async () => {
    // CreateApplicationBackupResponse (kots pkg/handlers/backup.go at v1.131.4) has success and error only.
    const { a, calls } = api([
      [200, { success: true }],
      [200, { success: false, error: 'no backup spec' }],
    ]);
    await expect(a.createAppBackup('sample-app')).resolves.toBeUndefined();
    expect(calls[0]!.url).toMatch(/\/api\/v1\/app\/sample-app\/snapshot\/backup$/);
    await expect(a.createAppBackup('sample-app')).rejects.toMatchObject({ code: 'BACKUP_FAILED' });
    await expect(a.createAppBackup('../x')).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
