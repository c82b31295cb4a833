import { describe, expect, it } from 'vitest';
import type { RestoreWizard } from '../../api/contract.js';
import { parseKubeconfig } from '../../cluster/kubeconfig.js';
import { kubeconfigYaml } from '../../cluster/test-fixtures.js';
import { restoreCluster } from './access.js';
import { run } from './restore.test-fixtures.js';
import { initialWizard } from './state.js';

describe('restoreCluster', () => {
  const { kc } = parseKubeconfig(kubeconfigYaml({ server: 'http://127.0.0.1:1' }));
  const services = (veleroNs?: string) =>
    ({
      cluster: { kubeConfig: () => kc },
      journal: { record: () => {} },
      detector: { get: () => (veleroNs ? { velero: { namespace: veleroNs } } : null) },
    }) as never;

  it('reads Velero where the run started, else where detection found it, else in "velero"', () => {
    let w: RestoreWizard = initialWizard();
    const c = restoreCluster(services('oadp'), () => w);
    expect(c.veleroNamespace()).toBe('oadp');
    expect(c.velero().namespace).toBe('oadp');
    w = { ...w, run: run({ veleroNamespace: 'velero-old' }) };
    expect(c.velero().namespace).toBe('velero-old');
    expect(c.velero('other').namespace).toBe('other');
    expect(restoreCluster(services(), () => initialWizard()).veleroNamespace()).toBe('velero');
  });
});
