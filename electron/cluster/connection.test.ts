import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { callCluster, describeRequest, findInCluster, mapClusterError, probe, statusOf } from './connection';
import { parseKubeconfig } from './kubeconfig';
import { expiredCert, kubeconfigYaml } from './test-fixtures';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('connection', () => {
  it('an unreachable API server (closed port) is CLUSTER_UNREACHABLE', async () => {
    const port = await closedPort();
    const { kc } = parseKubeconfig(kubeconfigYaml({ server: `https://127.0.0.1:${port}` }));
    const err = await probe(kc, 5000).catch((e) => e);
    expect(err.code).toBe('CLUSTER_UNREACHABLE');
    expect(err.message).toMatch(/nothing is listening/);
    expect(err.hint).toMatch(/running/);
  });

  it('a server that never answers is CLUSTER_UNREACHABLE after the timeout', async () => {
    const srv = createServer(() => {}); // accepts, never speaks TLS
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { kc } = parseKubeconfig(kubeconfigYaml({ server: `https://127.0.0.1:${(srv.address() as AddressInfo).port}` }));
    const err = await probe(kc, 300).catch((e) => e);
    srv.close();
    expect(err.code).toBe('CLUSTER_UNREACHABLE');
    expect(err.message).toMatch(/did not answer/);
  });

  it('a server with an expired certificate is CERTIFICATE_EXPIRED', async () => {
    const { cert, key } = expiredCert();
    const srv = createHttpsServer({ cert, key }, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    const { kc } = parseKubeconfig(kubeconfigYaml({ server: `https://127.0.0.1:${port}`, ca: cert }));
    const err = await probe(kc, 5000).catch((e) => e);
    srv.close();
    expect(err.code).toBe('CERTIFICATE_EXPIRED');
    expect(err.hint).toMatch(/renew/);
  });

  it('a 401 is CLUSTER_AUTH_FAILED; a 403 is PERMISSION_DENIED', async () => {
    const srv = createHttpsServer(
      expiredCert(),
      /* dates do not matter: the kubeconfig skips TLS verification */ (_req, res) => {
        res.statusCode = 401;
        res.setHeader('content-type', 'application/json');
        res.end('{"kind":"Status","message":"Unauthorized","code":401}');
      },
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { kc } = parseKubeconfig(kubeconfigYaml({ server: `https://127.0.0.1:${(srv.address() as AddressInfo).port}` }));
    const err = await probe(kc, 5000).catch((e) => e);
    srv.close();
    expect(err.code).toBe('CLUSTER_AUTH_FAILED');
    expect(
      mapClusterError(new ApiException(403, 'Forbidden', { message: 'backups.velero.io is forbidden' }, {}), { user: 'restricted', action: 'list backups' })
        .code,
    ).toBe('PERMISSION_DENIED');
    expect(mapClusterError(Object.assign(new Error('getaddrinfo ENOTFOUND k8s.invalid'), { code: 'ENOTFOUND' })).message).toMatch(/does not resolve/);
  });
});

describe('one error mapping for every call', () => {
  it('a 403 names the missing verb and resource (REST path or typed call), never "a bug in Lifeboat"', async () => {
    expect(describeRequest('GET', '/apis/velero.io/v1/namespaces/velero/backups?labelSelector=x')).toEqual({
      verb: 'list',
      resource: 'backups.velero.io',
      namespace: 'velero',
    });
    expect(describeRequest('POST', '/apis/velero.io/v1/namespaces/velero/downloadrequests')).toEqual({
      verb: 'create',
      resource: 'downloadrequests.velero.io',
      namespace: 'velero',
    });
    expect(describeRequest('DELETE', '/api/v1/namespaces/velero')).toEqual({ verb: 'delete', resource: 'namespaces' });
    expect(describeRequest('PATCH', '/apis/apps/v1/namespaces/a/deployments/x/scale')).toEqual({
      verb: 'patch',
      resource: 'deployments/scale.apps',
      namespace: 'a',
    });
    const kc = parseKubeconfig(kubeconfigYaml({ server: 'https://127.0.0.1:1' })).kc;
    const err = await callCluster(kc, { verb: 'get', resource: 'secrets', namespace: 'kotsadm' }, () =>
      Promise.reject(new ApiException(403, 'Forbidden', { message: 'secrets is forbidden' }, {})),
    ).catch((e) => e);
    expect(err).toMatchObject({ code: 'PERMISSION_DENIED', details: { status: 403, verb: 'get', resource: 'secrets', namespace: 'kotsadm' } });
    expect(err.message).toMatch(/get secrets in namespace kotsadm: secrets is forbidden/);
    expect(err.hint).not.toMatch(/bug/);
    expect(statusOf(err)).toBe(403);
  });

  it("a 404 is the caller's answer: rethrown as it is, or undefined from findInCluster", async () => {
    const kc = parseKubeconfig(kubeconfigYaml({ server: 'https://127.0.0.1:1' })).kc;
    const notFound = () => Promise.reject(new ApiException(404, 'Not Found', {}, {}));
    expect(await findInCluster(kc, { verb: 'get', resource: 'secrets' }, notFound)).toBeUndefined();
    expect(await callCluster(kc, { verb: 'get', resource: 'secrets' }, notFound).catch((e) => statusOf(e))).toBe(404);
  });
});
