import { describe, expect, it } from 'vitest';
import { containerArgv, imageName, imageProfile, sandboxArgv, serviceHostnames } from './containers.js';
import { ServiceNetwork } from './services.js';

const programs = {
  velero: '/lab/tools/velero',
  pluginsDir: '/nonexistent',
  kotsAssets: '/cache/kots-assets',
  kotsadm: '/cache/bin/kotsadm',
  minio: '/cache/bin/minio',
};

describe('lab containers', () => {
  it('names images by the last segment of their repository, whatever registry and tag', () => {
    expect(imageName('registry.lab:5000/lifeboat/velero:v1.18.3')).toBe('velero');
    expect(imageName('docker.io/kotsadm/minio:RELEASE.2025-10-15T17-29-55Z')).toBe('minio');
    expect(imageName('kotsadm/kotsadm@sha256:' + 'a'.repeat(64))).toBe('kotsadm');
  });

  it("runs kots's check scripts from the kotsadm image, and the admin console itself only with a kotsadm build", () => {
    const p = imageProfile('kotsadm/kotsadm:v1.131.4', { ...programs, kotsadm: undefined })!;
    expect(p.files).toContainEqual({ src: '/cache/kots-assets', dest: '/scripts', readOnly: true });
    expect(p.executes!(containerArgv({ command: ['/scripts/s3-bucket-head.sh'] }, p))).toBe(true);
    expect(p.executes!(containerArgv({}, p))).toBe(false); // /kotsadm api
  });

  it('runs the velero server and node-agent, on loopback ports the kubelet gives (node-agent has no profiler flag)', () => {
    const p = imageProfile('velero/velero:v1.18.3', programs)!;
    const server = containerArgv({ command: ['/velero'], args: ['server', '--features='] }, p);
    const agent = containerArgv({ command: ['/velero'], args: ['node-agent', 'server'] }, p);
    expect(p.executes!(server)).toBe(true);
    expect(p.executes!(agent)).toBe(true);
    expect(p.executes!(containerArgv({ command: ['/velero'], args: ['version'] }, p))).toBe(false);
    let n = 40000;
    expect(p.listenArgsFor!(server, new Map([[8085, 31000]]), () => n++)).toBeUndefined();
    expect(p.listenArgs!(new Map([[8085, 31000]]), () => n++)).toEqual(['--metrics-address=127.0.0.1:31000', '--profiler-address=127.0.0.1:40000']);
    expect(p.listenArgsFor!(agent, new Map(), () => n++)).toEqual(['--metrics-address=127.0.0.1:40001']);
  });

  it('runs the admin console (with a kotsadm build) on a port patched into its own copy; migrations and rqlite as kots deploys them', () => {
    const real = {
      ...programs,
      kotsadm: '/cache/kotsadm',
      kubectl: '/cache/kubectl',
      kustomize: '/cache/kustomize',
      schemahero: '/cache/schemahero',
      schemaheroRqlite: '/cache/schemahero-rqlite',
      kotsTables: '/cache/tables',
      rqlited: '/cache/rqlited',
    };
    const k = imageProfile('r.lab/lifeboat/kotsadm:v1.131.4', real)!;
    expect(k.executes!(containerArgv({}, k))).toBe(true);
    expect(k.fixedPort).toEqual({ containerPort: 3000, binary: '/cache/kotsadm', dest: '/kotsadm', literal: ':3000' });
    expect(k.env?.PATH?.split(':')[0]).toBe('/opt/kotsadm/bin');
    expect(k.files).toContainEqual({ src: '/cache/kubectl', dest: '/opt/kotsadm/bin/kubectl', readOnly: true });
    const m = imageProfile('r.lab/lifeboat/kotsadm-migrations:v1.131.4', real)!;
    expect(containerArgv({ args: ['plan'] }, m)).toEqual(['/schemahero', 'plan']);
    expect(m.files).toContainEqual({ src: '/cache/tables', dest: '/tables', readOnly: true });
    const r = imageProfile('r.lab/lifeboat/rqlite:10.2.7', real)!;
    const argv = containerArgv({ args: ['-disco-mode=dns', '-disco-config={"name":"x"}', '-bootstrap-expect=1', '-auth=/auth/config.json'] }, r);
    expect(r.filterArgs!(argv)).toEqual(['/rqlited', '-auth=/auth/config.json']);
    expect(
      r.listenArgs!(
        new Map([
          [4001, 20750],
          [4002, 20751],
        ]),
        () => 0,
      ).slice(-5),
    ).toEqual(['-http-addr', '127.0.0.1:20750', '-raft-addr', '127.0.0.1:20751', '/rqlite/file/data']);
  });

  it("runs MinIO on the kubelet's loopback ports: by flags for `minio server`, by MinIO's environment when kots starts it through a shell", () => {
    const p = imageProfile('r.lab/lifeboat/minio:RELEASE.2025-10-15T17-29-55Z', programs)!;
    // kotsadm-fs-minio (kots pkg/snapshot/filesystem_minio.go): the image's minio with args.
    const fs = containerArgv({ args: ['server', 'data'] }, p);
    expect(fs).toEqual(['/minio', 'server', 'data']);
    let n = 40000;
    expect(p.listenArgsFor!(fs, new Map([[9000, 31000]]), () => n++)).toBeUndefined();
    expect(p.listenArgs!(new Map([[9000, 31000]]), () => n++)).toEqual(['--address', '127.0.0.1:31000', '--console-address', '127.0.0.1:40000']);
    expect(p.listenEnv!(fs, new Map([[9000, 31000]]), () => n++)).toBeUndefined();
    // kotsadm-minio (kots pkg/kotsadm/objects/minio_objects.go): `minio` on PATH, through a shell.
    const sh = containerArgv({ command: ['/bin/sh', '-ce', 'minio -C /home/minio/.minio/ server /export'] }, p);
    expect(p.listenArgsFor!(sh, new Map([[9000, 31000]]), () => n++)).toEqual([]);
    expect(p.listenEnv!(sh, new Map([[9000, 31000]]), () => n++)).toEqual({ MINIO_ADDRESS: '127.0.0.1:31000', MINIO_CONSOLE_ADDRESS: '127.0.0.1:40001' });
    expect(p.env?.PATH?.split(':')[0]).toBe('/opt/minio/bin');
    expect(p.files).toContainEqual({ src: '/cache/bin/minio', dest: '/opt/minio/bin/minio', readOnly: true });
  });

  it('has no profile for images the lab has no build of', () => {
    expect(imageProfile('docker.io/lifeboat/sample-db:1.0.0', programs)).toBeUndefined();
    expect(imageProfile('velero/velero-plugin-for-gcp:v1.14.0', programs)).toBeUndefined(); // not built
  });

  it('composes argv as a runtime does: command replaces ENTRYPOINT, args replace CMD', () => {
    const p = { name: 'x', files: [], entrypoint: ['/e'], cmd: ['c'] };
    expect(containerArgv({}, p)).toEqual(['/e', 'c']);
    expect(containerArgv({ args: ['a'] }, p)).toEqual(['/e', 'a']);
    expect(containerArgv({ command: ['/x'], args: ['a'] }, p)).toEqual(['/x', 'a']);
  });

  it('puts volumes after image files so a volume hides the image path, and ends with --', () => {
    const argv = sandboxArgv({
      files: [{ src: '/f', dest: '/data', readOnly: true }],
      volumes: [{ src: '/v', dest: '/data' }],
      hostsFile: '/h',
      workingDir: '/w',
    });
    expect(argv[0]).toBe('bwrap');
    expect(argv.indexOf('/f')).toBeLessThan(argv.indexOf('/v'));
    expect(argv.slice(argv.indexOf('/h') - 1, argv.indexOf('/h') + 2)).toEqual(['--ro-bind', '/h', '/etc/hosts']);
    expect(argv.slice(-3)).toEqual(['--chdir', '/w', '--']);
  });

  it('gives Services their cluster names and each lab its own loopback block', () => {
    expect(serviceHostnames('kotsadm-fs-minio', 'kotsadm')).toEqual([
      'kotsadm-fs-minio.kotsadm',
      'kotsadm-fs-minio.kotsadm.svc',
      'kotsadm-fs-minio.kotsadm.svc.cluster.local',
    ]);
    const octets = [23000, 24000, 25000, 26000, 28000, 37500].map(ServiceNetwork.secondOctetFor);
    expect(new Set(octets).size).toBe(octets.length);
    for (const o of octets) expect(o).toBeLessThan(255);
  });
});
