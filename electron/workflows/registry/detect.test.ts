import { describe, expect, it } from 'vitest';
import { parseDockerConfig, registryAddress, registryCoverage, type RegistrySnapshot } from './detect.js';

const dockerConfig = (host: string, user: string, pass: string) =>
  JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${pass}`).toString('base64') } } });

function ec(over: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return {
    flavour: 'embedded-cluster',
    airgapped: true,
    kotsNamespace: 'kotsadm',
    namespaces: ['registry'],
    workload: {
      namespace: 'registry',
      labels: { app: 'docker-registry' },
      podLabels: { app: 'docker-registry' },
      podAnnotations: {},
      containers: ['docker-registry'],
      volumes: [{ name: 'data', kind: 'pvc', claim: 'registry-data' }],
    },
    service: { namespace: 'registry', clusterIP: '10.96.0.11', port: 5000 },
    registryCreds: { namespace: 'kotsadm', host: '10.96.0.11:5000', labels: { 'replicated.com/disaster-recovery': 'infra' } },
    credentials: [{ host: '10.96.0.11:5000', username: 'embedded-cluster', password: 'p', source: 'Secret kotsadm/registry-creds' }],
    backupAnnotationHosts: [],
    fileSystemBackup: true,
    ...over,
  };
}

function kurl(over: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return {
    ...ec(),
    flavour: 'kurl',
    kotsNamespace: 'default',
    namespaces: ['kurl'],
    workload: {
      namespace: 'kurl',
      labels: {},
      podLabels: { app: 'registry' },
      podAnnotations: {},
      containers: ['registry'],
      volumes: [{ name: 'registry-data', kind: 'pvc', claim: 'registry-pvc' }],
    },
    registryCreds: { namespace: 'default', host: '10.96.0.10', labels: { 'kots.io/backup': 'velero', 'kots.io/kotsadm': 'true' } },
    ...over,
  };
}

const find = (checks: ReturnType<typeof registryCoverage>, title: string) => checks.find((c) => c.title === title);

describe('parseDockerConfig', () => {
  it('reads user and password from auth or fields, host without scheme', () => {
    expect(parseDockerConfig(dockerConfig('10.0.0.1:5000', 'kurl', 'a:b'))).toEqual([{ host: '10.0.0.1:5000', username: 'kurl', password: 'a:b' }]);
    expect(parseDockerConfig(JSON.stringify({ auths: { 'https://r.example/': { username: 'u', password: 'p' } } }))).toEqual([
      { host: 'r.example', username: 'u', password: 'p' },
    ]);
    expect(parseDockerConfig('not json')).toEqual([]);
    expect(parseDockerConfig(undefined)).toEqual([]);
  });
});

describe('registryAddress', () => {
  it('prefers registry-creds, then the backup annotation, then the Service', () => {
    expect(registryAddress(ec())).toEqual({ host: '10.96.0.11:5000', source: 'Secret kotsadm/registry-creds' });
    expect(registryAddress(ec({ registryCreds: undefined, backupAnnotationHosts: ['10.96.0.12'] }))).toMatchObject({
      host: '10.96.0.12',
      unconfirmed: true,
      plainHttp: false,
    });
    expect(registryAddress(ec({ registryCreds: undefined })).host).toBe('10.96.0.11:5000');
    expect(registryAddress(ec({ registryCreds: undefined, service: undefined }))).toEqual({});
  });
});

describe('registryCoverage', () => {
  it('Embedded Cluster air gap: objects covered, images not (no volume opt-in), with the export fix', () => {
    const c = registryCoverage(ec());
    expect(find(c, 'Namespace registry is in full backups')?.ok).toBe(true);
    expect(find(c, 'Registry matched by the full-backup label selectors')?.ok).toBe(true);
    expect(find(c, 'Secret registry-creds is in full backups')?.ok).toBe(true);
    const img = find(c, 'Registry images are not in full backups')!;
    expect(img).toMatchObject({ ok: false, severity: 'error' });
    expect(img.reason).toContain('PVC registry-data');
    expect(img.fix).toMatch(/Export the registry with Lifeboat/);
  });

  it('Embedded Cluster online: namespace not included', () => {
    expect(find(registryCoverage(ec({ airgapped: false })), 'Namespace registry is not in full backups')?.severity).toBe('warning');
  });

  it('Embedded Cluster with an opted-in volume: ok with node-agent, warning without', () => {
    const w = { ...ec().workload!, podAnnotations: { 'backup.velero.io/backup-volumes': 'data' } };
    expect(find(registryCoverage(ec({ workload: w })), 'Registry volume opted in to backups')?.ok).toBe(true);
    expect(find(registryCoverage(ec({ workload: w, fileSystemBackup: false })), 'Registry images need Velero file system backup')?.severity).toBe('warning');
  });

  it('kURL PVC mode: no kots.io/backup label, images not covered, both with the concrete fix', () => {
    const c = registryCoverage(kurl());
    expect(find(c, 'Namespace kurl is in full backups')?.ok).toBe(true);
    const label = find(c, 'kURL registry has no kots.io/backup label')!;
    expect(label.reason).toMatch(/PVC mode/);
    expect(label.fix).toMatch(/^Export the registry with Lifeboat.*kubectl -n kurl label deployment registry kots.io\/backup=velero/s);
    expect(find(c, 'Registry images are not in full backups')?.reason).toContain('PVC registry-pvc');
    expect(find(c, 'Secret registry-creds is in full backups')?.ok).toBe(true);
  });

  it('kURL object-store mode: the registry-backup sidecar copies the images; a missing sidecar breaks the hook', () => {
    const w = {
      namespace: 'kurl',
      labels: { 'kots.io/backup': 'velero', 'kots.io/kotsadm': 'true' },
      podLabels: {},
      containers: ['registry', 'registry-backup'],
      volumes: [{ name: 'backup', kind: 'emptyDir' as const }],
      podAnnotations: { 'backup.velero.io/backup-volumes': 'backup', 'pre.hook.backup.velero.io/container': 'registry-backup' },
    };
    const c = registryCoverage(kurl({ workload: w }));
    expect(find(c, 'Registry labelled kots.io/backup=velero')?.ok).toBe(true);
    expect(find(c, 'Registry images copied by the registry-backup sidecar')?.ok).toBe(true);
    const broken = registryCoverage(kurl({ workload: { ...w, containers: ['registry'] } }));
    expect(find(broken, 'Registry backup sidecar is missing')).toMatchObject({ ok: false, severity: 'error' });
  });

  it('no registry: nothing to cover online, an error in air gap; other flavours: none', () => {
    expect(registryCoverage(ec({ workload: undefined, airgapped: false }))[0]!.ok).toBe(true);
    expect(registryCoverage(ec({ workload: undefined }))[0]!.severity).toBe('error');
    expect(registryCoverage(ec({ flavour: 'existing' }))).toEqual([expect.objectContaining({ ok: true, title: 'No embedded registry' })]);
  });

  it('warns when backups record another registry address, and about an unlabelled registry-creds', () => {
    const c = registryCoverage(ec({ backupAnnotationHosts: ['10.96.0.99'], registryCreds: { namespace: 'kotsadm', host: '10.96.0.11:5000', labels: {} } }));
    expect(find(c, 'Backups record another registry address')?.reason).toContain('10.96.0.99');
    expect(find(c, 'Secret registry-creds is not in full backups')?.fix).toContain('kubectl -n kotsadm label secret registry-creds');
  });
});
