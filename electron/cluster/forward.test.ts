import net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forwardToPod } from './forward';

/** A pods/portforward stream that answers one HTTP request, like kotsadm behind the API server. */
function fakePortForward(seen: string[]) {
  return {
    async portForward(_ns: string, _pod: string, _ports: number[], output: Writable, _err: Writable | null, input: Readable) {
      let req = '';
      input.on('data', (c: Buffer) => {
        req += c.toString();
        const head = req.indexOf('\r\n\r\n');
        const len = Number(/content-length: (\d+)/i.exec(req)?.[1] ?? 0);
        if (head >= 0 && req.length >= head + 4 + len) {
          seen.push(req);
          const body = JSON.stringify({ ok: true });
          output.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
          output.end();
        }
      });
      return { close() {}, on() {} };
    },
  };
}

describe('port-forward to a pod', () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens no TCP listener: each request is its own port-forward stream, handed over in-process', async () => {
    const listen = vi.spyOn(net.Server.prototype, 'listen');
    const seen: string[] = [];
    const fwd = await forwardToPod(new KubeConfig(), 'kotsadm', 'kotsadm-0', 3000, { portForward: fakePortForward(seen) as never });
    expect(listen).not.toHaveBeenCalled();
    const res = await fwd.fetch('http://kotsadm:3000/api/v1/snapshot/retention', {
      method: 'PUT',
      headers: { Authorization: 'Kots x', 'Content-Type': 'application/json' },
      body: '{"inputValue":"1"}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(seen[0]).toMatch(/^PUT \/api\/v1\/snapshot\/retention HTTP\/1\.1\r\n/);
    expect(seen[0]).toMatch(/authorization: Kots x/i);
    expect(seen[0]!.endsWith('{"inputValue":"1"}')).toBe(true);
    expect(fwd.source).toBe('pod kotsadm-0 port 3000 (namespace kotsadm)');
    await fwd.close();
    expect(listen).not.toHaveBeenCalled();
  });

  it('a port-forward the API server refuses fails the request (no hanging connection)', async () => {
    const refusing = { portForward: async () => Promise.reject(new Error('pods "kotsadm-0" is forbidden')) };
    const fwd = await forwardToPod(new KubeConfig(), 'kotsadm', 'kotsadm-0', 3000, { portForward: refusing as never });
    await expect(fwd.fetch('http://kotsadm:3000/healthz')).rejects.toThrow(/forbidden/);
    await fwd.close();
  });
});
