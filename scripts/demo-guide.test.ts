import { describe, expect, it } from 'vitest';
import type { LabState } from '../test/lab/state.js';
import { DEMO_PREFIX, demoGuide, GUIDE_STEPS, parseDemoGuide } from './demo-guide.js';

function lab(flavour: LabState['flavour']): LabState {
  return {
    dir: '/repo/.lab',
    kubeconfig: '/repo/.lab/kubeconfig',
    restrictedKubeconfig: '/repo/.lab/restricted.kubeconfig',
    apiServer: 'https://127.0.0.1:26443',
    kubernetesVersion: 'v1.36.3',
    toolsDir: '/repo/.lab/tools',
    pluginsDir: '/repo/.lab/plugins',
    minio: { endpoint: 'http://127.0.0.1:26900', region: 'minio', bucket: 'velero', accessKey: 'lifeboat-lab', secretKey: '0123456789abcdef01234567' },
    registry: { host: '127.0.0.1:26500', username: 'lab', password: 'a1b2c3d4e5f6a7b8c9', caFile: '/repo/.lab/pki/ca.crt' },
    adminConsole: { sharedPassword: 'lab-0123456789abcdef' },
    flavour,
    kotsNamespace: flavour === 'kurl' ? 'default' : 'kotsadm',
    app: { slug: 'sample-app', namespace: 'sample-app' },
    pids: {},
  };
}

describe('demoGuide', () => {
  it('gives every value the Destination step asks for, under the labels on the screen', () => {
    const g = parseDemoGuide(demoGuide(lab('existing-airgap')));
    expect(g.values(GUIDE_STEPS.destination)).toEqual({
      Storage: 'S3-compatible (MinIO, Ceph, …)',
      'Endpoint URL': 'http://127.0.0.1:26900',
      Bucket: 'velero',
      Region: 'minio',
      'Prefix (optional)': DEMO_PREFIX,
      'Access key ID': 'lifeboat-lab',
      'Secret access key': '0123456789abcdef01234567',
    });
  });

  it('walks the steps in the wizard order, ending with what to choose in Restore', () => {
    const g = parseDemoGuide(demoGuide(lab('existing-airgap')));
    expect(g.steps).toEqual(Object.values(GUIDE_STEPS));
    expect(g.values(GUIDE_STEPS.restore)).toMatchObject({
      Situation: 'Roll back on this cluster',
      What: 'Application only',
      'Type the application’s name': 'sample-app',
    });
  });

  it('gives the registry, its credentials and its CA on every flavour (every lab flavour is air-gapped)', () => {
    for (const flavour of ['existing-airgap', 'kurl', 'embedded-cluster'] as const) {
      const g = parseDemoGuide(demoGuide(lab(flavour)));
      expect(g.values(GUIDE_STEPS.images)).toEqual({
        'Registry host': '127.0.0.1:26500',
        'Namespace (path)': 'lifeboat',
        'User name': 'lab',
        Password: 'a1b2c3d4e5f6a7b8c9',
        'Registry CA certificate file (optional)': '/repo/.lab/pki/ca.crt',
      });
    }
  });

  it('prints values copy-pasteable: each alone after its label, nothing quoted or cut', () => {
    const text = demoGuide(lab('existing-airgap'));
    expect(text).toContain('    Endpoint URL:       http://127.0.0.1:26900\n');
    expect(text).toMatch(/^ {4}Secret access key: +0123456789abcdef01234567$/m);
    expect(text).toMatch(/^ {4}Password: +a1b2c3d4e5f6a7b8c9$/m);
    // Instructions never parse as values (they may contain colons).
    expect(Object.keys(parseDemoGuide(text).values(GUIDE_STEPS.preflight))).toEqual([]);
  });

  it('says where the flavour differs: Embedded Cluster keeps Velero to itself, kURL and EC back the registry up too', () => {
    expect(demoGuide(lab('embedded-cluster'))).toMatch(/Embedded Cluster installs and manages Velero itself/);
    expect(demoGuide(lab('existing-airgap'))).toMatch(/Velero is not installed yet/);
    expect(demoGuide(lab('kurl'))).toMatch(/Also export the registry/);
    expect(demoGuide(lab('existing-airgap'))).not.toMatch(/Also export the registry/);
  });

  it('says which step and label are missing when a reader asks for one the guide lacks', () => {
    const g = parseDemoGuide(demoGuide(lab('existing-airgap')));
    expect(() => g.value(GUIDE_STEPS.images, 'Registry port')).toThrow(/step "Setup → Images" has no "Registry port"/);
    expect(() => g.values('Nope')).toThrow(/no step "Nope"/);
  });
});
