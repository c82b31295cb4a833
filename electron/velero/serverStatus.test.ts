import { describe, expect, it } from 'vitest';
import { requestServerStatus, type StatusApi } from './serverStatus';

function fakeApi(answerAfter: number | null) {
  let gets = 0;
  const deleted: string[] = [];
  const posted: string[] = [];
  const api = {
    post: async (p: string, body: any) => {
      posted.push(p);
      return { ...body, metadata: { name: 'lifeboat-abc' } };
    },
    get: async () => {
      gets++;
      return answerAfter !== null && gets > answerAfter
        ? { status: { phase: 'Processed', serverVersion: 'v1.18.3', plugins: [{ name: 'velero.io/aws', kind: 'ObjectStore' }] } }
        : { status: { phase: 'New' } };
    },
    delete: async (p: string) => {
      deleted.push(p.split('/').at(-1)!);
    },
  } as unknown as StatusApi;
  return { api, deleted, posted };
}

describe('requestServerStatus', () => {
  it('creates a request, polls until Processed, reads the version and cleans up', async () => {
    const { api, deleted, posted } = fakeApi(2);
    const s = await requestServerStatus(api, 'velero', { intervalMs: 5 });
    expect(posted).toEqual(['/apis/velero.io/v1/namespaces/velero/serverstatusrequests']);
    expect(s.serverVersion).toBe('v1.18.3');
    expect(s.plugins[0].kind).toBe('ObjectStore');
    await new Promise((r) => setTimeout(r, 5));
    expect(deleted).toEqual(['lifeboat-abc']);
  });

  it('times out with a reason when the server never answers', async () => {
    const { api } = fakeApi(null);
    await expect(requestServerStatus(api, 'velero', { timeoutMs: 50, intervalMs: 5 })).rejects.toMatchObject({
      code: 'TOOL_TIMEOUT',
      message: expect.stringMatching(/did not answer a ServerStatusRequest/),
    });
  });
});
