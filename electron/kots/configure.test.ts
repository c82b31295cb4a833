import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../events.js';
import { Journal } from '../journal.js';
import { ToolRunner } from '../tools/runner.js';
import { configureArgs, ensurePermissionsArgs, kotsEnvName, locationMatches, parseConfigureOutput, type ConfigureInput } from './configure.js';

describe('kubectl kots velero configure builders', () => {
  it('configure-other-s3 with registry flags; every secret is listed for redaction', () => {
    const b = configureArgs({
      destination: { provider: 's3-compatible', bucket: 'velero', region: 'minio', endpoint: 'http://minio:9000', prefix: 'lab', caCertPem: 'PEM' },
      secrets: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
      kotsNamespace: 'kotsadm',
      registry: { registry: 'reg:5000/lifeboat', username: 'u', password: 'PW' },
      caCertFile: '/tmp/ca.pem',
    });
    expect(b.args).toEqual([
      'velero',
      'configure-other-s3',
      '--bucket',
      'velero',
      '--region',
      'minio',
      '--endpoint',
      'http://minio:9000',
      '--path',
      'lab',
      '--access-key-id',
      'AKID',
      '--secret-access-key',
      'SECRET',
      '--cacert',
      '/tmp/ca.pem',
      '--kotsadm-registry',
      'reg:5000/lifeboat',
      '--registry-username',
      'u',
      '-n',
      'kotsadm',
    ]);
    // The registry password is not a required flag, so kots's viper reads it from KOTS_REGISTRY_PASSWORD.
    expect(b.env).toEqual({ KOTS_REGISTRY_PASSWORD: 'PW' });
    expect(b.secrets).toEqual(['AKID', 'SECRET', 'PW']);
    expect(b.secretFlagsInArgv).toEqual(['--access-key-id', '--secret-access-key']);
    expect(b.effects.join(' ')).toMatch(/registry-credentials/);
  });

  it('AWS, GCP and Azure take no registry flags; missing secrets are refused', () => {
    const aws = configureArgs({
      destination: { provider: 'aws', auth: 'instance-role', bucket: 'b', region: 'us-east-1' },
      secrets: {},
      kotsNamespace: 'k',
      registry: { registry: 'r/ns' },
    });
    // validateAWS (kots pkg/snapshot/store.go at v1.131.4) runs in the CLI process and asks this
    // computer's EC2 metadata service for the role: from a workstation it always fails, so Lifeboat
    // skips it and verifies the location from the cluster (Velero's BackupStorageLocation Available).
    expect(aws.args).toEqual(['velero', 'configure-aws-s3', 'instance-role', '--bucket', 'b', '--region', 'us-east-1', '--skip-validation', '-n', 'k']);
    expect(aws.effects.join(' ')).toMatch(/not from this computer/);
    expect(() =>
      configureArgs({ destination: { provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r' }, secrets: { accessKeyId: 'a' }, kotsNamespace: 'k' }),
    ).toThrow(/secret access key/);
    const gcp = configureArgs({
      destination: { provider: 'gcp', auth: 'service-account', bucket: 'b' },
      secrets: { serviceAccountJson: '{"k":1}' },
      kotsNamespace: 'k',
      jsonKeyFile: '/tmp/k.json',
    });
    expect(gcp.args).toContain('--json-file');
    expect(gcp.secrets).toEqual(['{"k":1}']);
    const az = configureArgs({
      destination: {
        provider: 'azure',
        container: 'c',
        resourceGroup: 'g',
        storageAccount: 's',
        subscriptionId: 'sub',
        tenantId: 't',
        clientId: 'id',
        cloudName: 'AzurePublicCloud',
      },
      secrets: { clientSecret: 'CS' },
      kotsNamespace: 'k',
    });
    expect(az.args.slice(0, 3)).toEqual(['velero', 'configure-azure', 'service-principle']);
    expect(az.secrets).toEqual(['CS']);
  });

  it('checks from this computer can be turned off deliberately for the cloud stores KOTS validates from the CLI process', () => {
    const off = { checkFromHere: false } as const;
    expect(
      configureArgs({
        destination: { provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r', ...off },
        secrets: { accessKeyId: 'a', secretAccessKey: 's' },
        kotsNamespace: 'k',
      }).args,
    ).toContain('--skip-validation');
    expect(
      configureArgs({
        destination: { provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r' },
        secrets: { accessKeyId: 'a', secretAccessKey: 's' },
        kotsNamespace: 'k',
      }).args,
    ).not.toContain('--skip-validation');
    expect(
      configureArgs({
        destination: { provider: 'gcp', auth: 'service-account', bucket: 'b', ...off },
        secrets: { serviceAccountJson: '{}' },
        kotsNamespace: 'k',
        jsonKeyFile: '/k.json',
      }).args,
    ).toContain('--skip-validation');
    expect(
      configureArgs({
        destination: {
          provider: 'azure',
          container: 'c',
          resourceGroup: 'g',
          storageAccount: 's',
          subscriptionId: 'sub',
          tenantId: 't',
          clientId: 'id',
          cloudName: 'AzurePublicCloud',
          ...off,
        },
        secrets: { clientSecret: 'CS' },
        kotsNamespace: 'k',
      }).args,
    ).toContain('--skip-validation');
  });

  it('GCP workload identity is refused: configure-gcp workload-identity cannot set it (kots pkg/snapshot/store.go at v1.131.4)', () => {
    // The command passes a service account without UseInstanceRole, so ConfigureStore keeps an older
    // JSON key (ignoring the service account) or fails with "missing JSON file".
    expect(() =>
      configureArgs({
        destination: { provider: 'gcp', auth: 'workload-identity', bucket: 'b', serviceAccount: 'sa@p.iam.gserviceaccount.com' },
        secrets: {},
        kotsNamespace: 'k',
      }),
    ).toThrow(/UseInstanceRole|admin console/);
  });

  it('NFS and host path go through KOTS MinIO', () => {
    expect(configureArgs({ destination: { provider: 'nfs', server: 'nfs.local', path: '/exports/velero' }, secrets: {}, kotsNamespace: 'k' }).args).toEqual([
      'velero',
      'configure-nfs',
      '--nfs-server',
      'nfs.local',
      '--nfs-path',
      '/exports/velero',
      '--force-reset',
      '-n',
      'k',
    ]);
    expect(configureArgs({ destination: { provider: 'hostpath', path: '/backups' }, secrets: {}, kotsNamespace: 'k' }).args[1]).toBe('configure-hostpath');
  });

  it('ensure-permissions and output parsing: only "Velero not detected" and error lines are read, never success', () => {
    expect(ensurePermissionsArgs('kotsadm', 'velero').args).toEqual(['velero', 'ensure-permissions', '--velero-namespace', 'velero', '-n', 'kotsadm']);
    // configure-hostpath's whole output at v1.131.4 (cmd/kots/cli/velero.go): no success line at all.
    expect(
      parseConfigureOutput(
        '  • Setting up File System\n    • Deploying File System Minio\n    • Waiting for File System Minio to be ready\n    • Creating Default Bucket\n  • Configuring Velero\n',
      ),
    ).toEqual({ printedInstructions: false });
    // pkg/print/velero.go: exit 0 with instructions when no Velero is found.
    expect(
      parseConfigureOutput(
        '  • No Velero installation has been detected.\n  • Follow these instructions to set up Velero:\n\n[1] Install the latest Velero CLI',
      ).printedInstructions,
    ).toBe(true);
    expect(parseConfigureOutput('', 'Error: failed to configure store: bucket does not exist').error).toMatch(/bucket does not exist/);
  });

  it('decides from the location KOTS leaves: each destination against a BackupStorageLocation shaped as KOTS writes it', () => {
    // pkg/snapshot/store.go at v1.131.4: other S3 → provider aws with s3Url; file system → KOTS's MinIO.
    const other = {
      provider: 'aws',
      objectStorage: { bucket: 'b', prefix: 'p' },
      config: { region: 'us-east-1', s3Url: 'http://minio:9000', s3ForcePathStyle: 'true' },
    };
    const s3c = { provider: 's3-compatible' as const, bucket: 'b', prefix: 'p', region: 'us-east-1', endpoint: 'http://minio:9000/' };
    expect(locationMatches(other, s3c, 'kotsadm')).toEqual({ ok: true });
    expect(locationMatches(other, { ...s3c, bucket: 'other' }, 'kotsadm')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/still points at aws b\/p at http:\/\/minio:9000 \(expected other\/p\)/),
    });
    expect(locationMatches(other, { ...s3c, endpoint: 'http://elsewhere:9000' }, 'kotsadm')).toMatchObject({ ok: false });
    const fs = {
      provider: 'aws',
      objectStorage: { bucket: 'velero' },
      config: { region: 'minio', s3ForcePathStyle: 'true', s3Url: 'http://kotsadm-fs-minio.kotsadm:9000', publicUrl: 'http://10.96.0.7:9000' },
    };
    expect(locationMatches(fs, { provider: 'hostpath', path: '/backups' }, 'kotsadm')).toEqual({ ok: true });
    expect(locationMatches(fs, { provider: 'nfs', server: 'nfs.local', path: '/x' }, 'default')).toMatchObject({ ok: false });
    expect(locationMatches(other, { provider: 'hostpath', path: '/backups' }, 'kotsadm')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('kotsadm-fs-minio'),
    });
    expect(
      locationMatches(
        { provider: 'gcp', objectStorage: { bucket: 'g' } },
        { provider: 'gcp', auth: 'workload-identity', bucket: 'g', serviceAccount: 'sa' },
        'k',
      ),
    ).toEqual({ ok: true });
    expect(
      locationMatches(
        { provider: 'azure', objectStorage: { bucket: 'c' } },
        {
          provider: 'azure',
          container: 'c',
          resourceGroup: 'r',
          storageAccount: 's',
          subscriptionId: 'x',
          tenantId: 't',
          clientId: 'c',
          cloudName: 'AzurePublicCloud',
        },
        'k',
      ),
    ).toEqual({ ok: true });
    expect(locationMatches(undefined, s3c, 'k')).toMatchObject({ ok: false, reason: expect.stringContaining('no BackupStorageLocation') });
  });

  describe('secrets and argv (any local user reads /proc/<pid>/cmdline; environ is owner-only)', () => {
    // kots cmd/kots/cli/root.go at v1.131.4: SetEnvPrefix("KOTS"), AutomaticEnv(), SetEnvKeyReplacer("-" → "_").
    it('names the variable kots reads for a flag', () => {
      expect(kotsEnvName('--registry-password')).toBe('KOTS_REGISTRY_PASSWORD');
      expect(kotsEnvName('secret-access-key')).toBe('KOTS_SECRET_ACCESS_KEY');
    });

    const reg = { registry: 'reg:5000/lifeboat', username: 'u', password: 'REGPASS-1' };
    const envProviders: Array<[string, ConfigureInput]> = [
      [
        's3-compatible',
        {
          destination: { provider: 's3-compatible', bucket: 'b', region: 'r', endpoint: 'http://m:9000' },
          secrets: { accessKeyId: 'AKID', secretAccessKey: 'SECRETKEY' },
          kotsNamespace: 'k',
          registry: reg,
        },
      ],
      ['nfs', { destination: { provider: 'nfs', server: 'nfs.local', path: '/x' }, secrets: {}, kotsNamespace: 'k', registry: reg }],
      ['hostpath', { destination: { provider: 'hostpath', path: '/backups' }, secrets: {}, kotsNamespace: 'k', registry: reg }],
    ];
    for (const [name, input] of envProviders) {
      it(`${name}: the registry password goes in the environment, never in args`, () => {
        const b = configureArgs(input);
        expect(b.args).not.toContain('REGPASS-1');
        expect(b.args).not.toContain('--registry-password');
        expect(b.env).toEqual({ KOTS_REGISTRY_PASSWORD: 'REGPASS-1' });
        expect(b.secrets).toContain('REGPASS-1');
      });
    }

    it('GCP: the JSON key is a file path, no secret in args or env', () => {
      const b = configureArgs({
        destination: { provider: 'gcp', auth: 'service-account', bucket: 'b' },
        secrets: { serviceAccountJson: '{"private_key":"K"}' },
        kotsNamespace: 'k',
        jsonKeyFile: '/tmp/d/key.json',
      });
      expect(b.args.join(' ')).not.toContain('private_key');
      expect(b.env).toEqual({});
      expect(b.secretFlagsInArgv).toEqual([]);
    });

    it('required secret flags stay in args and are listed: cobra demands them on argv and viper then prefers the flag over KOTS_*', () => {
      const aws = configureArgs({
        destination: { provider: 'aws', auth: 'access-key', bucket: 'b', region: 'r' },
        secrets: { accessKeyId: 'AKID', secretAccessKey: 'SECRETKEY' },
        kotsNamespace: 'k',
      });
      expect(aws.secretFlagsInArgv).toEqual(['--access-key-id', '--secret-access-key']);
      expect(aws.env).toEqual({});
      const az = configureArgs({
        destination: {
          provider: 'azure',
          container: 'c',
          resourceGroup: 'g',
          storageAccount: 's',
          subscriptionId: 'sub',
          tenantId: 't',
          clientId: 'id',
          cloudName: 'AzurePublicCloud',
        },
        secrets: { clientSecret: 'CLIENTSECRET' },
        kotsNamespace: 'k',
      });
      expect(az.secretFlagsInArgv).toEqual(['--client-secret']);
      expect(az.args).toContain('CLIENTSECRET');
      expect(
        configureArgs({ destination: { provider: 'aws', auth: 'instance-role', bucket: 'b', region: 'r' }, secrets: {}, kotsNamespace: 'k' }).secretFlagsInArgv,
      ).toEqual([]);
    });

    const linux = process.platform === 'linux' && existsSync('/proc/self/cmdline');
    if (!linux) console.info(`[skip] /proc/<pid>/cmdline check: needs Linux procfs (platform ${process.platform})`);
    it.skipIf(!linux)(
      'through the real runner: /proc/<pid>/cmdline of the running tool has no registry password; it is in environ (0400), and redacted from output, events and journal',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'lb-cfg-argv-'));
        const pidFile = join(dir, 'pid');
        const file = join(dir, 'kubectl-kots');
        // Stands in for kubectl-kots: records its pid, echoes the variable (as a careless tool might), waits.
        writeFileSync(
          file,
          `#!/bin/sh\necho "password is $KOTS_REGISTRY_PASSWORD"\necho $$ > "${pidFile}.tmp" && mv "${pidFile}.tmp" "${pidFile}"\nsleep 10\n`,
        );
        chmodSync(file, 0o755);
        const bus = new EventBus();
        const events: unknown[] = [];
        bus.on((e, p) => events.push([e, p]));
        const jdir = mkdtempSync(join(tmpdir(), 'lb-cfg-argv-j-'));
        const runner = new ToolRunner({ bus, journal: new Journal(jdir, bus) });
        const b = configureArgs(envProviders[0][1]);
        const h = runner.start({ tool: 'kubectl-kots', file, args: b.args, env: b.env, secrets: b.secrets });
        const t0 = Date.now();
        while (!existsSync(pidFile) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
        const pid = readFileSync(pidFile, 'utf8').trim();
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        const mode = statSync(`/proc/${pid}/environ`).mode & 0o777;
        runner.cancel(h.runId);
        await h.done.catch(() => undefined);
        expect(cmdline).toContain('configure-other-s3');
        expect(cmdline.join(' ')).not.toContain('REGPASS-1');
        expect(environ).toContain('KOTS_REGISTRY_PASSWORD=REGPASS-1');
        expect(mode).toBe(0o400);
        expect(JSON.stringify(events)).not.toContain('REGPASS-1');
        expect(JSON.stringify(runner.output(h.runId))).toContain('password is ***');
        const journal = readFileSync(join(jdir, readdirSync(jdir)[0]), 'utf8');
        expect(journal).not.toContain('REGPASS-1');
      },
      20_000,
    );
  });
});
