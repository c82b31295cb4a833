/**
 * The registry client against Debian's docker-registry in Bearer-token mode (`auth: token`, the
 * Distribution token spec) with a token service from test/support/registry-server.ts: the client
 * follows the challenge to the realm with Basic credentials, gets scoped tokens, and an export and
 * re-seed between two token-auth registries leaves identical digests. Wrong credentials at the
 * token service → REGISTRY_AUTH_FAILED. The token service listens on another port than the
 * registry, so the credentials go there only because the client is told so (tokenRealmHosts);
 * without it nothing reaches the token service. No lab needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../electron/registry/client.js';
import { exportRegistry } from '../../electron/registry/archive.js';
import { reseedRegistry } from '../../electron/registry/reseed.js';
import { prngBytes, pushImage, startRegistry, type TestRegistry } from '../support/registry-server.js';

let src: TestRegistry;
let dst: TestRegistry;
let work: string;
const clientFor = (r: TestRegistry, password = r.password) =>
  new RegistryClient({ registry: r.host, username: r.username, password, caPem: r.caPem, tokenRealmHosts: [r.tokenRealmHost!] });

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'lb-int-registry-token-'));
  [src, dst] = await Promise.all([startRegistry({ tokenAuth: true }), startRegistry({ tokenAuth: true })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([src?.destroy(), dst?.destroy()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Bearer-token registries (docker-registry auth: token)', () => {
  it('pushes, exports and re-seeds through scoped tokens; every tag keeps its digest', async () => {
    const c = clientFor(src);
    const base = prngBytes(1, 300_000);
    await pushImage(c, 'app/web', '1.0', [base, prngBytes(2, 50_000)]);
    await pushImage(c, 'app/api', '2.0', [base, prngBytes(3, 70_000)]);
    c.close();
    expect(src.tokenRequests!.some((q) => q.includes('scope=repository%3Aapp%2Fweb%3Apull%2Cpush') || q.includes('repository:app/web:pull,push'))).toBe(true);

    const layout = path.join(work, 'layout');
    const exp = await exportRegistry({ client: clientFor(src), dest: layout });
    expect(exp.images.map((i) => `${i.repo}:${i.tag}`)).toEqual(['app/api:2.0', 'app/web:1.0']);
    // The catalog needs its own scope, which the client asked for.
    expect(src.tokenRequests!.some((q) => decodeURIComponent(q).includes('registry:catalog:*'))).toBe(true);

    const seed = await reseedRegistry({ client: clientFor(dst), source: layout });
    expect(seed.ok).toBe(true);
    expect(seed.blobsMounted).toBeGreaterThan(0); // the shared base layer, mounted across repositories with a pull scope on the source repo
    const check = clientFor(dst);
    for (const img of exp.images) expect((await check.headManifest(img.repo, img.tag))?.digest).toBe(img.digest);
    check.close();
  });

  it('a token service on another host:port the client was not told to trust gets no credentials', async () => {
    const before = src.tokenRequests!.length;
    const c = new RegistryClient({ registry: src.host, username: src.username, password: src.password, caPem: src.caPem });
    await expect(c.ping()).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED', message: expect.stringContaining(src.tokenRealmHost!) });
    c.close();
    expect(src.tokenRequests!.length).toBe(before);
  });

  it('wrong credentials at the token service → REGISTRY_AUTH_FAILED naming the user', async () => {
    const c = clientFor(src, 'wrong');
    await expect(c.ping()).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED', message: expect.stringContaining(src.username) });
    c.close();
  });
});
