/**
 * Hostile inputs: files the operator names — kubeconfigs (exec plugins, missing files, not a file at
 * all), CA certificates, registry archives (OCI layouts and tars).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../cluster/kubeconfig';
import { ClusterService } from '../cluster/service';
import { expiredCert } from '../cluster/test-fixtures';
import { readCaFile } from '../localFile';
import { inspectArchive } from '../registry/inspect';
import { tarHeader } from '../registry/layout';
import { validateDestination } from '../storage/validate';
import { expectAlive, expectClearError, failure, snapshot } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'lb-hostile-files-'));
let api: Server;
let server = '';
beforeAll(async () => {
  // Stands in for the API server: answers /version to anyone (the kubeconfig skips TLS checks).
  api = createServer(expiredCert(), (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"major":"1","minor":"36","gitVersion":"v1.36.3"}');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  server = `https://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => api.close());

function kubeconfig(name: string, user: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c1\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u1\n  user:\n${user}\ncontexts:\n- name: ctx\n  context:\n    cluster: c1\n    user: u1\ncurrent-context: ctx\n`,
  );
  return file;
}
function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
const execUser = (cmd: string) => `    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ${cmd}\n      interactiveMode: Never\n`;

async function connect(path: string) {
  const svc = new ClusterService({ env: { HOME: dir }, home: dir, probeTimeoutMs: 5000 });
  const before = snapshot(dir);
  const st = await svc.connect({ kubeconfigPath: path });
  svc.dispose();
  expect(snapshot(dir)).toEqual(before); // nothing written beside the kubeconfig
  return st;
}

describe('hostile kubeconfigs', () => {
  it('an exec credential plugin that is not installed: KUBECONFIG_INVALID naming the command (was: CLUSTER_UNREACHABLE "spawn … ENOENT", "check the cluster is running")', async () => {
    const st = await connect(kubeconfig('exec-missing.yaml', execUser('/opt/nowhere/aws-iam-authenticator')));
    expect(st.state).toBe('error');
    expectClearError(
      st.error,
      'KUBECONFIG_INVALID',
      /gets its credentials from the command "\/opt\/nowhere\/aws-iam-authenticator", which is not on this computer/,
    );
    await expectAlive();
  });

  it('an exec plugin that prints garbage: CLUSTER_AUTH_FAILED naming the plugin (was: CLUSTER_UNREACHABLE with a JSON parse message)', async () => {
    const cmd = script('exec-garbage.sh', 'echo "<html>login required</html>"');
    const st = await connect(kubeconfig('exec-garbage.yaml', execUser(cmd)));
    expectClearError(st.error, 'CLUSTER_AUTH_FAILED', /credential plugin ".*exec-garbage.sh" of user "u1" printed something that is not an ExecCredential/);
    await expectAlive();
  });

  it('an exec plugin that fails: CLUSTER_AUTH_FAILED with its own words (was: CLUSTER_UNREACHABLE, "check that the cluster is running")', async () => {
    const cmd = script('exec-fail.sh', 'echo "error: SSO session expired, run: sso login" >&2; exit 1');
    const st = await connect(kubeconfig('exec-fail.yaml', execUser(cmd)));
    const e = expectClearError(st.error, 'CLUSTER_AUTH_FAILED', /failed: error: SSO session expired/);
    expect(e.hint).toMatch(/by hand/);
    await expectAlive();
  });

  it('a client-certificate file that no longer exists: KUBECONFIG_INVALID naming the field and path (was: CLUSTER_UNREACHABLE "ENOENT")', async () => {
    const st = await connect(kubeconfig('cert-missing.yaml', `    client-certificate: ${dir}/gone/client.crt\n    client-key: ${dir}/gone/client.key\n`));
    expectClearError(st.error, 'KUBECONFIG_INVALID', /client-certificate file .*gone\/client\.crt of user "u1" cannot be used: it does not exist/);
    await expectAlive();
  });

  it('a kubeconfig path that is /dev/zero: refused as not a file, never read (was: read until memory ran out)', async () => {
    expectClearError(
      await failure(() => loadKubeconfig('/dev/zero')),
      'KUBECONFIG_INVALID',
      /\/dev\/zero is not a usable kubeconfig: it is not a regular file/,
    );
    await expectAlive();
  });

  it('a kubeconfig path that is a directory: KUBECONFIG_INVALID (was: "There is no kubeconfig at", though there is a directory)', async () => {
    mkdirSync(join(dir, 'kube-dir'), { recursive: true });
    expectClearError(await failure(() => loadKubeconfig(join(dir, 'kube-dir'))), 'KUBECONFIG_INVALID', /not a regular file/);
    await expectAlive();
  });

  it('a kubeconfig that is a binary blob: KUBECONFIG_INVALID, nothing connected', async () => {
    const file = join(dir, 'binary.yaml');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0xff, 0xfe, 0x0a, 0x3a, 0x3a, 0x5b]));
    const st = await connect(file);
    expect(st.state).toBe('error');
    expectClearError(st.error, 'KUBECONFIG_INVALID');
    await expectAlive();
  });
});

describe('hostile CA certificates', () => {
  it('a registry CA path that is /dev/zero: BAD_INPUT, not read (was: read until memory ran out)', async () => {
    expectClearError(await failure(readCaFile('/dev/zero', 'registry CA')), 'BAD_INPUT', /it is not a regular file/);
    await expectAlive();
  });

  it('a CA file with a BEGIN/END pair around garbage: BAD_INPUT naming the certificate (was: accepted, TLS failed later with an OpenSSL message)', async () => {
    const file = join(dir, 'garbled.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    expectClearError(await failure(readCaFile(file, 'registry CA')), 'BAD_INPUT', /certificate 1 of 1 is not a readable X\.509 certificate/);
    await expectAlive();
  });

  it('a CA bundle whose second certificate is cut off: BAD_INPUT (was: accepted)', async () => {
    const { cert } = expiredCert();
    const file = join(dir, 'cut.pem');
    writeFileSync(file, `${cert}\n${cert.slice(0, 200)}`);
    expectClearError(await failure(readCaFile(file, 'registry CA')), 'BAD_INPUT', /cut off/);
    await expectAlive();
  });

  it('a private key given as the CA: BAD_INPUT saying so', async () => {
    const { cert, key } = expiredCert();
    const file = join(dir, 'key.pem');
    writeFileSync(file, `${key}\n${cert}`);
    expectClearError(await failure(readCaFile(file, 'registry CA')), 'BAD_INPUT', /private key/);
    await expectAlive();
  });

  it('an S3 destination CA pasted with garbage between the markers: the check fails before any request (was: passed, then a TLS error)', async () => {
    const v = await validateDestination(
      {
        provider: 's3-compatible',
        bucket: 'velero',
        region: 'us-east-1',
        endpoint: 'https://127.0.0.1:1',
        caCertPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      } as never,
      { accessKeyId: 'a', secretAccessKey: 'b' } as never,
    );
    expect(v.ok).toBe(false);
    expect(v.online).toBe(false); // nothing was contacted
    const ca = v.checks.find((c) => c.title === 'CA certificate')!;
    expect(ca.severity).toBe('error');
    expect(ca.fix).toBeTruthy();
    expect(JSON.stringify(ca)).toMatch(/not a usable PEM certificate: certificate 1 of 1 is not a readable X\.509/);
    await expectAlive();
  });
});

describe('hostile registry archives', () => {
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const entry = (name: string, data: string) => Buffer.concat([tarHeader(name, Buffer.byteLength(data), '0'), pad(Buffer.from(data))]);
  const end = Buffer.alloc(1024);
  const layout = entry('oci-layout', '{"imageLayoutVersion":"1.0.0"}');

  it('a zero-byte .tar: ARCHIVE_INVALID', async () => {
    const f = join(dir, 'empty.tar');
    writeFileSync(f, '');
    expectClearError(await failure(inspectArchive(f)), 'ARCHIVE_INVALID');
    await expectAlive();
  });

  it('a gzip file named .tar (not an OCI export): ARCHIVE_INVALID', async () => {
    const f = join(dir, 'gz.tar');
    writeFileSync(f, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), Buffer.alloc(2000, 7)]));
    expectClearError(await failure(inspectArchive(f)), 'ARCHIVE_INVALID');
    await expectAlive();
  });

  it('a tar whose index.json is not JSON: ARCHIVE_INVALID', async () => {
    const f = join(dir, 'badindex.tar');
    writeFileSync(f, Buffer.concat([layout, entry('index.json', '{"manifests":[{"digest":'), end]));
    expectClearError(await failure(inspectArchive(f)), 'ARCHIVE_INVALID');
    await expectAlive();
  });

  it('an index.json naming a manifest digest "sha256:../../../etc/passwd": refused, nothing outside the archive read', async () => {
    const f = join(dir, 'traversal.tar');
    const idx = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: 'sha256:../../../../etc/passwd',
          size: 10,
          annotations: { 'org.opencontainers.image.ref.name': 'app/web:1' },
        },
      ],
    });
    writeFileSync(f, Buffer.concat([layout, entry('index.json', idx), end]));
    expectClearError(await failure(inspectArchive(f)), 'ARCHIVE_INVALID');
    await expectAlive();
  });

  it('a tar with entries named ../../escape: inspecting it writes nothing anywhere', async () => {
    const f = join(dir, 'escape.tar');
    writeFileSync(f, Buffer.concat([entry('../../escape-lifeboat', 'x'), layout, end]));
    const before = snapshot(dir);
    expectClearError(await failure(inspectArchive(f)), 'ARCHIVE_INVALID');
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, '..', '..', 'escape-lifeboat'))).toBe(false);
    await expectAlive();
  });

  it('an archive path that does not exist: ARCHIVE_INVALID saying so', async () => {
    expectClearError(await failure(inspectArchive(join(dir, 'nope.tar'))), 'ARCHIVE_INVALID', /There is no archive/);
    await expectAlive();
  });
});
