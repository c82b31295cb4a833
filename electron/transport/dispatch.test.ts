import { describe, expect, it } from 'vitest';
import { LifeboatError } from '../api/errors';
import { dispatch, type Handlers } from './dispatch';

const handlers = {
  'app.info': () => ({ version: '0.1.0', mode: 'web', platform: 'linux', dataDir: '/tmp/x', unverifiedBuild: false, unverifiedReasons: [] }),
  'activity.list': ({ limit }: { limit: number }) =>
    Array.from({ length: Math.min(limit, 2) }, (_, i) => ({ id: String(i), startedAt: 'now', tool: 'velero', args: [], outcome: 'succeeded' })),
  'activity.cancel': () => {
    throw new LifeboatError('NOT_CONNECTED', 'nope', 'connect first');
  },
  'tools.list': () => [{ name: 'not-a-tool' }],
  'cluster.status': () => {
    throw new Error('boom');
  },
} as unknown as Handlers;

describe('dispatch', () => {
  it('validates input, applies defaults, validates output', async () => {
    expect(await dispatch(handlers, 'app.info', undefined)).toMatchObject({ ok: true, result: { mode: 'web' } });
    const r = await dispatch(handlers, 'activity.list', {});
    expect(r.ok && (r.result as unknown[]).length).toBe(2);
  });

  it('bad input is BAD_INPUT with the zod issues', async () => {
    const r = await dispatch(handlers, 'activity.list', { limit: 'many' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!r.ok) expect((r.error.details?.issues as Array<{ path: string }>)[0].path).toBe('limit');
    expect(await dispatch(handlers, 'app.info', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('unknown methods, thrown LifeboatErrors, bugs and contract-breaking output become error data', async () => {
    expect(await dispatch(handlers, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await dispatch(handlers, 'activity.cancel', { runId: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED', hint: 'connect first' } });
    expect(await dispatch(handlers, 'cluster.status', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await dispatch(handlers, 'tools.list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/contract/) } });
  });
});
