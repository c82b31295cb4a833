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

  it('a missing tool is TOOL_MISSING before anything runs', async () => {
    const tools = new Tools(new Binaries({ overrideDir: mkdtempSync(join(tmpdir(), 'lb-none-')) }), new ToolRunner(), () => ({}));
    await expect(tools.run('velero', ['version'])).rejects.toMatchObject({ code: 'TOOL_MISSING' });
  });
});
