import { describe, expect, it } from 'vitest';
import { parseImage } from './images.js';
import { objectPath } from './kube.js';
import { sampleApp, flavourObjects } from './seed.js';
import { labFlavour } from './lab.js';
import type { LabState } from './state.js';

const state = (flavour: LabState['flavour']): LabState => ({
  dir: '/tmp/lab',
  kubeconfig: '',
  restrictedKubeconfig: '',
  apiServer: 'https://127.0.0.1:26443',
  kubernetesVersion: 'v1.36.3',
  toolsDir: '',
  pluginsDir: '',
  minio: { endpoint: '', region: 'minio', bucket: 'velero', accessKey: 'a', secretKey: 'b' },
  registry: { host: '127.0.0.1:26500', username: 'lab', password: 'pw', caFile: '' },
  adminConsole: {},
  flavour,
  kotsNamespace: flavour === 'kurl' ? 'default' : 'kotsadm',
  app: { slug: 'sample-app', namespace: 'sample-app' },
  pids: {},
});

describe('parseImage', () => {
  it('defaults to docker.io/library and latest, as runtimes do', () => {
    expect(parseImage('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx', reference: 'latest' });
    expect(parseImage('velero/velero:v1.18.3')).toEqual({ registry: 'docker.io', repository: 'velero/velero', reference: 'v1.18.3' });
  });
  it('keeps a registry with a port apart from the tag', () => {
    expect(parseImage('127.0.0.1:26500/lifeboat/velero:v1.18.3')).toEqual({ registry: '127.0.0.1:26500', repository: 'lifeboat/velero', reference: 'v1.18.3' });
    expect(parseImage('reg.local/a/b@sha256:abc')).toEqual({ registry: 'reg.local', repository: 'a/b', reference: 'sha256:abc' });
  });
});

describe('objectPath', () => {
  it('maps kinds to REST paths', () => {
    expect(objectPath({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' } })).toBe('/api/v1/namespaces/n/configmaps/x');
    expect(objectPath({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' } })).toBe('/apis/storage.k8s.io/v1/storageclasses/s');
    expect(objectPath({ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'b', namespace: 'velero' } })).toBe(
      '/apis/velero.io/v1/namespaces/velero/backups/b',
    );
  });
});

describe('the release and the flavour markers', () => {
  it('releases app objects labelled with kots.io/backup and the app slug, pod templates included, upstream images, no Namespace', () => {
    const objs = sampleApp(state('existing-airgap'));
    expect(objs.some((o) => o.kind === 'Namespace')).toBe(false);
    for (const c of objs.flatMap((o) => o.spec?.template?.spec?.containers ?? [])) expect(c.image).toMatch(/^docker\.io\/lifeboat\//);
    for (const o of objs) {
      expect(o.metadata.labels['kots.io/app-slug']).toBe('sample-app');
      if (o.spec?.template) expect(o.spec.template.metadata.labels['kots.io/backup']).toBe('velero');
    }
  });
  it('gives kURL its kurl namespace and Embedded Cluster its registry namespace', () => {
    expect(flavourObjects(state('kurl')).some((o) => o.kind === 'Namespace' && o.metadata.name === 'kurl')).toBe(true);
    expect(flavourObjects(state('embedded-cluster')).some((o) => o.kind === 'Namespace' && o.metadata.name === 'registry')).toBe(true);
    expect(flavourObjects(state('existing-airgap'))).toEqual([]);
  });
  it('has no online flavour, and says why when asked for one', () => {
    expect(() => labFlavour('existing')).toThrow(/cannot be installed without internet.*replicated\.app/);
    expect(() => labFlavour('nope')).toThrow(/Use one of: existing-airgap, kurl, embedded-cluster/);
    expect(labFlavour('kurl')).toBe('kurl');
  });
});

describe('termination message (what the kubelet reports for a finished container)', () => {
  it('is the file the program wrote, bounded; falls back to the log tail only when asked and failed', async () => {
    const { terminationMessage } = await import('./pods.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'lab-term-'));
    const msg = join(d, 'm'),
      log = join(d, 'l');
    writeFileSync(log, 'line 1\nboom\n');
    writeFileSync(msg, '{"snapshotID":"abc"}');
    expect(terminationMessage(msg, log, 0)).toBe('{"snapshotID":"abc"}');
    writeFileSync(msg, 'x'.repeat(5000));
    expect(terminationMessage(msg, log, 0)?.length).toBe(4096);
    writeFileSync(msg, '');
    expect(terminationMessage(msg, log, 1)).toBeUndefined();
    expect(terminationMessage(msg, log, 0, 'FallbackToLogsOnError')).toBeUndefined();
    expect(terminationMessage(msg, log, 1, 'FallbackToLogsOnError')).toContain('boom');
  });
});
