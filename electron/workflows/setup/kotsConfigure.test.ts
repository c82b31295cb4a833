import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SetupWizard } from '../../api/contract.js';
import type { SetupKube } from '../../cluster/rest.js';
import { configureCommand, configurePhase, permissionsPhase, type ConfigureDeps } from './kotsConfigure.js';

const creds = { held: true, remembered: false, rememberAvailable: false, rememberNote: '' };
const w: SetupWizard = {
  step: 'apply',
  veleroNamespace: 'velero',
  kotsNamespace: 'kots',
  credentials: creds,
  updatedAt: '',
  preflight: { checks: [], at: '', airgap: true },
  destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'http://m:9000', caCertPem: 'PEM' },
  registry: { host: 'reg:5000', namespace: 'lb', username: 'u', credentials: 'entered', source: 'entered' },
};
const secrets = {
  getDestination: () => ({ accessKeyId: 'AKID', secretAccessKey: 'SECRETKEY' }),
  getRegistryPassword: () => 'PW12',
  values: () => ['AKID', 'SECRETKEY', 'PW12'],
};
const bsl = { spec: { provider: 'aws', objectStorage: { bucket: 'b' }, config: { s3Url: 'http://m:9000' } } };

function deps(stdout: string, location: unknown = bsl) {
  const started: Array<{ args: string[]; opts: any; caPem?: string; ca?: string }> = [];
  const start = async (_tool: string, args: string[], opts: any) => {
    const ca = args[args.indexOf('--cacert') + 1];
    started.push({ args, opts, ca, caPem: ca && existsSync(ca) ? readFileSync(ca, 'utf8') : undefined });
    return { runId: 'run-9', done: Promise.resolve({ runId: 'run-9', stdout, stderr: '', exitCode: 0 }) };
  };
  const d: ConfigureDeps = {
    tools: { start, run: async () => ({ runId: 'run-p' }) } as never,
    kube: { find: async () => location } as unknown as SetupKube,
    secrets,
    timeoutMs: 1000,
  };
  return { d, started };
}

describe('KOTS configure step', () => {
  it("the review's command shows placeholders for the files, and the registry only on an air gap", () => {
    const cfg = configureCommand(w, secrets);
    expect(cfg.args).toContain('<ca-cert.pem>');
    expect(cfg.env.KOTS_REGISTRY_PASSWORD).toBe('PW12');
    expect(configureCommand({ ...w, preflight: { checks: [], at: '', airgap: false } }, secrets).env.KOTS_REGISTRY_PASSWORD).toBeUndefined();
  });

  it('runs configure with the CA as a file removed afterwards, and checks where the location points', async () => {
    const { d, started } = deps('Store Configured Successfully');
    const runs: string[] = [];
    expect(await configurePhase(d, w, (id) => runs.push(id))).toMatchObject({ runId: 'run-9' });
    expect(runs).toEqual(['run-9']);
    expect(started[0]!.caPem).toBe('PEM');
    expect(existsSync(started[0]!.ca!)).toBe(false);
    expect(started[0]!.opts.secrets).toEqual(expect.arrayContaining(['SECRETKEY', 'PW12']));
  });

  it('fails when KOTS only printed instructions (quoting its argv redacted) or left the location elsewhere', async () => {
    const printed = deps('No Velero installation has been detected.\nkubectl kots velero configure-other-s3 --secret-access-key SECRETKEY');
    const err = await configurePhase(printed.d, w, () => {}).catch((e) => e);
    expect(err.message).toMatch(/only printed install instructions/);
    expect(JSON.stringify(err.details)).not.toContain('SECRETKEY');
    await expect(configurePhase(deps('', { spec: { provider: 'aws', objectStorage: { bucket: 'other' } } }).d, w, () => {})).rejects.toThrow(
      /kubectl kots exited 0, but BackupStorageLocation "default" still points at/,
    );
  });

  it('ensure-permissions runs only for a minimal-RBAC KOTS', async () => {
    const { d } = deps('');
    expect(await permissionsPhase(d, w)).toMatchObject({ skipped: true });
    expect(await permissionsPhase(d, { ...w, preflight: { checks: [], at: '', airgap: true, minimalRbac: true } })).toEqual({
      message: 'Role and RoleBinding for kotsadm created.',
      runId: 'run-p',
    });
  });
});
