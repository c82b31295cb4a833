import { describe, expect, it } from 'vitest';
import { fail } from './checks.js';
import { runProbe, type Probe } from './probe.js';

/** An in-memory bucket; `broken` makes one step fail (or, for read, answer other bytes). */
function store(broken: { exists?: boolean; write?: boolean; read?: 'error' | 'garbled'; hang?: 'write' } = {}) {
  const objects = new Map<string, string>();
  const probe: Probe = {
    timeoutMs: 50,
    prefix: 'backups/app/',
    noun: 'object',
    exists: {
      title: 'Bucket',
      run: async () => {
        if (broken.exists) throw new Error('NoSuchBucket');
        return 'The bucket answers.';
      },
    },
    write: async (name, body) => {
      if (broken.hang === 'write') return new Promise(() => {});
      if (broken.write) throw new Error('AccessDenied');
      objects.set(name, body);
    },
    read: async (name) => {
      if (broken.read === 'error') throw new Error('AccessDenied');
      return broken.read === 'garbled' ? 'other bytes' : (objects.get(name) ?? '');
    },
    remove: async (name) => objects.delete(name),
    explain: (err, title) => fail(title, (err as Error).message, 'Check the credentials.'),
  };
  return { probe, objects };
}

describe('runProbe', () => {
  it('exists, write, read back, delete: one passed check each, the probe under the prefix and gone afterwards', async () => {
    const { probe, objects } = store();
    const checks = await runProbe(probe);
    expect(checks.map((c) => [c.title, c.ok])).toEqual([
      ['Bucket', true],
      ['Write', true],
      ['Read back', true],
      ['Delete', true],
    ]);
    expect(checks[1].reason).toMatch(/^Wrote backups\/app\/\.lifeboat-probe-[0-9a-f]{12}\.$/);
    expect(objects.size).toBe(0);
  });

  it('stops after a failed first or second step, with the provider explaining why', async () => {
    expect((await runProbe(store({ exists: true }).probe)).map((c) => [c.title, c.ok, c.reason])).toEqual([['Bucket', false, 'NoSuchBucket']]);
    expect((await runProbe(store({ write: true }).probe)).map((c) => [c.title, c.ok])).toEqual([
      ['Bucket', true],
      ['Write', false],
    ]);
  });

  it('a failed read still deletes the probe', async () => {
    const { probe, objects } = store({ read: 'error' });
    expect((await runProbe(probe)).map((c) => [c.title, c.ok])).toEqual([
      ['Bucket', true],
      ['Write', true],
      ['Read back', false],
      ['Delete', true],
    ]);
    expect(objects.size).toBe(0);
  });

  it('bytes that differ from those written are a failure of their own, not the provider’s', async () => {
    const read = (await runProbe(store({ read: 'garbled' }).probe)).find((c) => c.title === 'Read back');
    expect(read).toMatchObject({ ok: false, reason: expect.stringMatching(/differ/), fix: expect.stringMatching(/proxies or gateways/) });
  });

  it('a step that never answers fails at its timeout, as an AbortError handed to the provider', async () => {
    const { probe } = store({ hang: 'write' });
    let seen: unknown;
    probe.explain = (err, title) => {
      seen = err;
      return fail(title, 'timed out', 'Check the network.');
    };
    expect((await runProbe(probe)).map((c) => [c.title, c.ok])).toEqual([
      ['Bucket', true],
      ['Write', false],
    ]);
    expect(seen).toMatchObject({ name: 'AbortError' });
  });
});
