import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../events';
import { ClusterService } from './service';
import { fakeApiServer, kubeconfigYaml } from './test-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'lb-svc-'));
const servers: Array<{ close: () => Promise<unknown> }> = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

function svc() {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.on((e, p) => e === 'cluster.changed' && seen.push((p as { state: string }).state));
  return { s: new ClusterService({ bus, env: {}, home: dir, probeTimeoutMs: 3000, watchDebounceMs: 50 }), seen };
}

describe('ClusterService', () => {
  it('connects, reports version and missing permissions, and emits cluster.changed', async () => {
    const api = await fakeApiServer((a) => a.group !== 'velero.io');
    servers.push(api);
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, kubeconfigYaml({ server: api.url, contexts: ['lab', 'other'] }));
    const { s, seen } = svc();
    const st = await s.connect({ kubeconfigPath: file });
    expect(st.state).toBe('connected');
    expect(st.context).toBe('lab');
    expect(st.kubernetesVersion).toBe('v1.36.3');
    expect(st.missingPermissions.length).toBeGreaterThan(5);
    expect(st.missingPermissions.every((p) => p.group === 'velero.io')).toBe(true);
    expect(seen).toContain('connecting');
    expect(seen.at(-1)).toBe('connected');
    expect(s.kubeconfigs().find((k) => k.path === file)?.origin).toBe('chosen');
    expect((await s.useContext('other')).context).toBe('other');
    await expect(s.useContext('nope')).rejects.toMatchObject({ code: 'CONTEXT_UNKNOWN' });
    expect(s.disconnect().state).toBe('disconnected');
    expect(() => s.kubeConfig()).toThrow(/not connected/);
  });

  it('puts bad input into the status with code and hint', async () => {
    const { s } = svc();
    let st = await s.connect({ kubeconfigPath: join(dir, 'missing.yaml') });
    expect(st).toMatchObject({ state: 'error', error: { code: 'KUBECONFIG_MISSING' } });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, ': : :\n  - [');
    st = await s.connect({ kubeconfigPath: bad });
    expect(st.error?.code).toBe('KUBECONFIG_INVALID');
    const ok = join(dir, 'ctx.yaml');
    writeFileSync(ok, kubeconfigYaml({ server: 'http://127.0.0.1:1' }));
    st = await s.connect({ kubeconfigPath: ok, context: 'prod' });
    expect(st.error?.code).toBe('CONTEXT_UNKNOWN');
    st = await s.connect({ kubeconfigPath: ok });
    expect(st.error?.code).toBe('CLUSTER_UNREACHABLE');
    expect(st.error?.hint).toBeTruthy();
    s.dispose();
    expect((await svc().s.connect()).error?.code).toBe('KUBECONFIG_MISSING');
  });

  it('reloads when the kubeconfig file changes', async () => {
    const api = await fakeApiServer();
    servers.push(api);
    const file = join(dir, 'watched.yaml');
    writeFileSync(file, kubeconfigYaml({ server: 'http://127.0.0.1:1' }));
    const { s } = svc();
    expect((await s.connect({ kubeconfigPath: file })).state).toBe('error');
    writeFileSync(file, kubeconfigYaml({ server: api.url }));
    for (let i = 0; i < 50 && s.status().state !== 'connected'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(s.status().state).toBe('connected');
    s.dispose();
  });
});
