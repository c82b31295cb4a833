import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Binaries } from './binaries';
import { ToolRunner } from './runner';
import { Tools } from './tools';

describe('Tools', () => {
  it('runs a resolved tool with KUBECONFIG in env and the context flag each tool expects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-tools-'));
    for (const name of ['velero', 'kubectl-kots']) {
      writeFileSync(join(dir, name), '#!/bin/sh\necho "KUBECONFIG=$KUBECONFIG args=$*"\n');
      chmodSync(join(dir, name), 0o755);
    }
    const tools = new Tools(new Binaries({ overrideDir: dir }), new ToolRunner(), () => ({ kubeconfigPath: '/k/config', context: 'lab' }));
    expect((await tools.run('velero', ['backup', 'get'])).stdout).toBe('KUBECONFIG=/k/config args=backup get --kubecontext=lab');
    expect((await tools.run('kubectl-kots', ['backup', 'ls'])).stdout).toBe('KUBECONFIG=/k/config args=backup ls --context=lab');
  });

  it('sets no KOTS_SKIP_UPDATE_CHECK: kots reads no such variable (kots cmd/kots/cli/root.go at v1.131.4)', () => {
    const tools = new Tools(new Binaries({ overrideDir: '/nowhere' }), new ToolRunner(), () => ({ kubeconfigPath: '/k/config' }));
    expect(tools.envFor()).toEqual({ KUBECONFIG: '/k/config' });
  });

  it("kots's version-check notice on stderr is a noted line, not part of the result or the JSON", async () => {
    // After a successful command, kots's root PersistentPostRun compares its version with the admin
    // console's and, when they differ, writes this to stderr (kots cmd/kots/cli/check-version.go at
    // v1.131.4, CompareVersions, through pkg/logger/clilogger.go Errorf). Exit code stays 0.
    const dir = mkdtempSync(join(tmpdir(), 'lb-tools-kots-'));
    writeFileSync(
      join(dir, 'kubectl-kots'),
      `#!/bin/sh\necho '{"success":true,"backupName":"instance-abcde"}'\nprintf '  \\342\\200\\242 KOTS CLI version 1.131.4 does not match API version 1.130.0. To update, run:\n  $ curl https://kots.io/install/1.130.0 | bash\n\n' >&2\n`,
    );
    chmodSync(join(dir, 'kubectl-kots'), 0o755);
    const runner = new ToolRunner();
    const tools = new Tools(new Binaries({ overrideDir: dir }), runner, () => ({}));
    const { result, value } = await tools.runJson<{ success: boolean; backupName: string }>('kubectl-kots', [
      'backup',
      '-n',
      'default',
      '--wait=false',
      '-o',
      'json',
    ]);
    expect(value).toEqual({ success: true, backupName: 'instance-abcde' });
    expect(result.stderr.trim()).toBe('');
    const noted = runner.output(result.runId).filter((l) => l.stream === 'stderr' && l.line.trim());
    expect(noted).toHaveLength(2);
    for (const l of noted) expect(l.note).toMatch(/not an error/);
  });

  it('a missing tool is TOOL_MISSING before anything runs', async () => {
    const tools = new Tools(new Binaries({ overrideDir: mkdtempSync(join(tmpdir(), 'lb-none-')) }), new ToolRunner(), () => ({}));
    await expect(tools.run('velero', ['version'])).rejects.toMatchObject({ code: 'TOOL_MISSING' });
  });

  it("kubectl-kots gets no inherited KOTS_* variable (kots's viper reads KOTS_<FLAG> for every flag not on argv), only those Lifeboat passes", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-tools-env-'));
    for (const name of ['velero', 'kubectl-kots']) {
      writeFileSync(join(dir, name), '#!/bin/sh\necho "path=${KOTS_PATH-unset} pw=${KOTS_REGISTRY_PASSWORD-unset}"\n');
      chmodSync(join(dir, name), 0o755);
    }
    const tools = new Tools(new Binaries({ overrideDir: dir }), new ToolRunner(), () => ({}));
    const saved = { p: process.env.KOTS_PATH, r: process.env.KOTS_REGISTRY_PASSWORD };
    process.env.KOTS_PATH = 'inherited-prefix';
    process.env.KOTS_REGISTRY_PASSWORD = 'inherited-pw';
    try {
      expect((await tools.run('kubectl-kots', ['velero'])).stdout).toBe('path=unset pw=unset');
      expect((await tools.run('kubectl-kots', ['velero'], { env: { KOTS_REGISTRY_PASSWORD: 'given-pw' } })).stdout).toBe('path=unset pw=given-pw');
      expect((await tools.run('velero', ['version'])).stdout).toBe('path=inherited-prefix pw=inherited-pw');
    } finally {
      for (const [k, v] of [
        ['KOTS_PATH', saved.p],
        ['KOTS_REGISTRY_PASSWORD', saved.r],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
