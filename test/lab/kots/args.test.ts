import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRequired, parseArgs, UsageError } from './args.js';
import { GLOBAL_FLAGS, ROOT, run } from './cli.js';

const p = (argv: string[]) => parseArgs(argv, ROOT, GLOBAL_FLAGS);

describe('parseArgs (cobra/pflag behaviour)', () => {
  it('finds nested commands with flags in between', () => {
    const r = p(['-n', 'kots', 'velero', 'configure-aws-s3', '--bucket=b', 'access-key', '--region', 'us-east-1']);
    expect(r.path).toEqual(['velero', 'configure-aws-s3', 'access-key']);
    expect(r.flags.namespace).toBe('kots');
    expect(r.flags.bucket).toBe('b');
    expect(r.flags.region).toBe('us-east-1');
  });
  it('backup has its own -n defaulting to "default" and --wait defaulting to true', () => {
    const r = p(['backup']);
    expect(r.flags.namespace).toBe('default');
    expect(r.flags.wait).toBe(true);
    const r2 = p(['backup', '--wait=false', '-ojson', '-nkotsadm']);
    expect(r2.flags.wait).toBe(false);
    expect(r2.flags.output).toBe('json');
    expect(r2.flags.namespace).toBe('kotsadm');
  });
  it('aliases: get backup / get restore', () => {
    expect(p(['get', 'backup']).path).toEqual(['get', 'backups']);
    expect(p(['get', 'restore', '-o', 'json']).path).toEqual(['get', 'restores']);
  });
  it('reports pflag errors', () => {
    expect(() => p(['backup', '--nope'])).toThrow('unknown flag: --nope');
    expect(() => p(['backup', '-x'])).toThrow("unknown shorthand flag: 'x' in -x");
    expect(() => p(['restore', '--from-backup'])).toThrow('flag needs an argument: --from-backup');
    expect(() => p(['backup', '--wait=maybe'])).toThrow(UsageError);
  });
  it('checks required flags like MarkFlagRequired', () => {
    const r = p(['velero', 'configure-other-s3', '-n', 'k', '--bucket', 'b']);
    expect(() => checkRequired(r)).toThrow('required flag(s) "region", "access-key-id", "secret-access-key", "endpoint" not set');
  });
});

function io() {
  let out = '';
  let err = '';
  return {
    io: { out: { write: (s: string) => ((out += s), true) } as never, err: { write: (s: string) => ((err += s), true) } as never, argv: ['kubectl-kots'] },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe('run (no cluster needed)', () => {
  it('version, text and json', async () => {
    const a = io();
    expect(await run(['version'], a.io)).toBe(0);
    expect(a.out).toBe('Replicated KOTS 1.131.4\n');
    const b = io();
    expect(await run(['version', '-o', 'json'], b.io)).toBe(0);
    expect(JSON.parse(b.out)).toEqual({ version: '1.131.4' });
    const c = io();
    expect(await run(['version', '-o', 'yaml'], c.io)).toBe(1);
    expect(c.err).toBe('Error: output format yaml not supported (allowed formats are: json)\n');
  });
  it('restore without --from-backup prints to stdout and exits 1', async () => {
    const a = io();
    expect(await run(['restore'], a.io)).toBe(1);
    expect(a.out).toBe("a backup name must be provided via the '--from-backup' flag\n");
  });
  it('restore rejects --exclude-admin-console with --exclude-apps', async () => {
    const a = io();
    expect(await run(['restore', '--from-backup', 'x', '--exclude-apps', '--exclude-admin-console'], a.io)).toBe(1);
    expect(a.err).toBe('Error: --exclude-admin-console and --exclude-apps cannot be used together\n');
  });
  it('configure-* needs -n', async () => {
    const a = io();
    const rc = await run(['velero', 'configure-other-s3', '--bucket', 'b', '--region', 'r', '--access-key-id', 'a', '--secret-access-key', 's', '--endpoint', 'http://x'], a.io);
    expect(rc).toBe(1);
    expect(a.err).toBe('Error: namespace is required\n');
  });
  it('ensure-permissions validates --velero-namespace', async () => {
    const a = io();
    expect(await run(['velero', 'ensure-permissions'], a.io)).toBe(1);
    expect(a.err).toBe('Error: velero-namespace is required\n');
    const b = io();
    expect(await run(['velero', 'ensure-permissions', '--velero-namespace', 'a_b'], b.io)).toBe(1);
    expect(b.err).toBe('Error: velero-namespace should not contain the _ character\n');
  });
  it('configure-nfs checks its flags in code (after loading the kubeconfig, as the real one does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kots-'));
    const kc = join(dir, 'kubeconfig');
    writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
    const a = io();
    expect(await run(['velero', 'configure-nfs', '-n', 'k', '--nfs-server', 's', '--kubeconfig', kc], a.io)).toBe(1);
    expect(a.err).toBe('Error: --nfs-path is required\n');
  });
});
