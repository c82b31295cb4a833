/**
 * The setup wizard's "use KOTS credentials": only the kotsadm-private-registry entry issued for the
 * registry entered, never the first entry for another host.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../events.js';
import type { Services } from '../services.js';
import { SetupService } from './service.js';

const secretWith = (auths: Record<string, { username?: string; password?: string; auth?: string }>) => ({
  data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
});

function wizard(secret: unknown): { kotsRegistryCredentials(host: string): Promise<{ username: string; password: string } | undefined> } {
  const dir = mkdtempSync(join(tmpdir(), 'lb-setup-kotscreds-'));
  const services = { dataDir: dir, bus: new EventBus(), env: {}, detector: { get: () => ({ kots: { namespace: 'kotsadm' } }) } } as unknown as Services;
  const svc = new SetupService(services);
  (svc as unknown as { kube(): unknown }).kube = () => ({
    find: async (p: string) => (p === '/api/v1/namespaces/kotsadm/secrets/kotsadm-private-registry' ? secret : undefined),
  });
  return svc as never;
}

describe('SetupService: KOTS credentials for the registry entered', () => {
  it('never falls back to the first entry of another host', async () => {
    const w = wizard(
      secretWith({ 'proxy.replicated.com': { username: 'license', password: 'license' }, 'other.example:5000': { username: 'o', password: 'p' } }),
    );
    expect(await w.kotsRegistryCredentials('registry.internal:5000')).toBeUndefined();
  });

  it('uses the entry whose key is the same host (scheme, trailing slash, case and :443 ignored)', async () => {
    const w = wizard(
      secretWith({
        'other.example': { username: 'o', password: 'p' },
        'https://Registry.Internal:5000/': { auth: Buffer.from('kots:s3:cret').toString('base64') },
      }),
    );
    expect(await w.kotsRegistryCredentials('registry.internal:5000')).toEqual({ username: 'kots', password: 's3:cret' });
    const w443 = wizard(secretWith({ 'registry.internal:443': { username: 'k', password: 'p' } }));
    expect(await w443.kotsRegistryCredentials('registry.internal')).toEqual({ username: 'k', password: 'p' });
  });
});
