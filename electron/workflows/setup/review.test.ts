import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../api/contract.js';
import type { SetupKube } from '../../cluster/rest.js';
import { bslSummary, buildReview, destinationNotes, installedObjects, requireReviewable, runbook, type ReviewDeps } from './review.js';

const creds = { held: true, remembered: false, rememberAvailable: false, rememberNote: '' };
const s3 = { provider: 's3-compatible' as const, bucket: 'b', region: 'r', endpoint: 'http://m:9000' };
const w: SetupWizard = {
  step: 'review',
  veleroNamespace: 'velero',
  kotsNamespace: 'kots',
  veleroVersion: 'v1.18.3',
  credentials: creds,
  updatedAt: '',
  mode: 'install',
  destination: s3,
  validation: { ok: true, online: true, checks: [], note: '', at: '' },
};
const secrets = {
  summary: () => creds,
  getDestination: () => ({ accessKeyId: 'AKID', secretAccessKey: 'SECRETKEY' }),
  getRegistryPassword: () => 'PW12',
  values: () => ['AKID', 'SECRETKEY', 'PW12'],
};
const manifests =
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: velero}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: velero, namespace: velero}\n';

function deps(objects: Record<string, unknown>): ReviewDeps & { dryRuns: string[][] } {
  const dryRuns: string[][] = [];
  return {
    dryRuns,
    tools: { run: async (_t: string, args: string[]) => (dryRuns.push(args), { stdout: manifests }) } as never,
    kube: () => ({ find: async (p: string) => objects[p] }) as unknown as SetupKube,
    secrets,
    processEnv: {},
  };
}

describe('setup review', () => {
  it('needs the destination, its secrets and (air gap) every image in the registry', () => {
    expect(() => requireReviewable({ ...w, destination: undefined }, true)).toThrow(/destination first/);
    expect(() => requireReviewable(w, false)).toThrow(/no longer holds/);
    const airgap = { ...w, preflight: { checks: [], at: '', airgap: true }, registry: { host: 'reg', credentials: 'none' as const, source: 'entered' } };
    expect(() =>
      requireReviewable({ ...airgap, images: [{ upstream: 'u', target: 'reg/velero:v1', role: 'server', state: 'missing' as const }] }, true),
    ).toThrow(/1 image\(s\) are not in reg: reg\/velero:v1/);
    expect(requireReviewable({ ...airgap, mode: 'reconfigure', registry: undefined }, true)).toBe(s3);
  });

  it('install: the commands with secrets redacted, the objects from the dry run as the cluster has them', async () => {
    const d = deps({ '/api/v1/namespaces/velero': {} });
    const r = await buildReview(d, w);
    expect(d.dryRuns[0]).toContain('--dry-run');
    expect(r.commands.map((c) => c.title)).toEqual(['Install Velero', 'Configure the destination through KOTS']);
    expect(JSON.stringify(r)).not.toMatch(/SECRETKEY|AKID|PW12/);
    expect(r.commands[1]!.command).toContain('<redacted>');
    expect(r.objects.slice(0, 2)).toEqual([
      { kind: 'Namespace', namespace: undefined, name: 'velero', action: 'exists', by: 'velero install' },
      { kind: 'Deployment', namespace: 'velero', name: 'velero', action: 'create', by: 'velero install' },
    ]);
    expect(r.objects.map((o) => o.name)).toContain('cloud-credentials');
    expect(r.runbook).toContain('## Install Velero');
    expect(r.notes.at(-1)).toMatch(/^Secrets are shown as <redacted>/);
  });

  it("reconfigure refuses a Velero without the destination's plugin, and says what stays", async () => {
    const dep = (image: string) => ({
      '/apis/apps/v1/namespaces/velero/deployments/velero': { spec: { template: { spec: { initContainers: [{ name: 'p', image }] } } } },
    });
    await expect(buildReview(deps(dep('velero/velero-plugin-for-gcp:v1')), { ...w, mode: 'reconfigure' })).rejects.toThrow(/has no velero-plugin-for-aws/);
    const r = await buildReview(deps(dep('velero/velero-plugin-for-aws:v1')), { ...w, mode: 'reconfigure' });
    expect(r.notes[0]).toMatch(/Velero stays installed/);
    expect(r.notes[1]).toBe('Current location: none.');
    expect(r.manifests).toBe('');
  });

  it('parts: upgrade marks existing objects changed, notes per destination, location summary, runbook', async () => {
    const kube = { find: async () => ({}) } as unknown as SetupKube;
    expect((await installedObjects(kube, manifests, true)).map((o) => o.action)).toEqual(['change', 'change']);
    expect(destinationNotes({ provider: 'nfs', server: 's', path: '/p' }, 'v1.18.3')[0]).toMatch(/refused from Velero 1\.17/);
    expect(destinationNotes({ provider: 'gcp', auth: 'workload-identity', bucket: 'b', endpoint: 'https://g' }, 'v1.18.3')[0]).toMatch(
      /custom API endpoint https:\/\/g/,
    );
    expect(
      bslSummary({ spec: { provider: 'aws', objectStorage: { bucket: 'b', prefix: 'p' }, config: { s3Url: 'http://m' } }, status: { phase: 'Available' } }),
    ).toBe('aws b/p at http://m (Available)');
    expect(
      runbook([{ title: 'T', command: 'c', note: 'n' }], 'velero', 'AT')
        .split('\n')
        .slice(0, 8),
    ).toEqual(['# Velero setup runbook (AT)', '', '## T', 'n', '', '```sh', 'c', '```']);
  });
});
