import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'summarize-tests.mjs');

function summarize(reports: Record<string, unknown>): { out: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lb-summary-'));
  for (const [suite, r] of Object.entries(reports)) writeFileSync(join(dir, `${suite}.json`), JSON.stringify(r));
  try {
    return { out: execFileSync(process.execPath, [script, dir], { encoding: 'utf8' }), code: 0 };
  } catch (e) {
    const err = e as { stdout: string; status: number };
    return { out: err.stdout, code: err.status };
  }
}

const vitest = (files: Array<{ status: string; tests: string[] }>) => ({
  numTotalTestSuites: files.length,
  numPassedTests: files.flatMap((f) => f.tests).filter((t) => t === 'passed').length,
  numFailedTests: files.flatMap((f) => f.tests).filter((t) => t === 'failed').length,
  numPendingTests: files.flatMap((f) => f.tests).filter((t) => t === 'skipped').length,
  testResults: files.map((f) => ({ status: f.status, assertionResults: f.tests.map((status) => ({ status })) })),
});
const playwright = { stats: { expected: 2, unexpected: 0, skipped: 1, flaky: 0 }, errors: [] };
const lint = { check: 'lint', ok: true };

describe('the closing line of the test run', () => {
  it('sums every suite', () => {
    const { out, code } = summarize({
      lint,
      unit: vitest([{ status: 'passed', tests: ['passed', 'passed'] }]),
      integration: vitest([{ status: 'passed', tests: ['passed'] }]),
      'integration-labs': vitest([{ status: 'passed', tests: ['passed'] }]),
      e2e: playwright,
      electron: playwright,
    });
    expect(out.trim().split('\n').at(-1)).toBe('9 passed, 0 failed, 2 skipped');
    expect(code).toBe(0);
  });

  it('counts a file whose beforeAll threw (its tests skipped, none failed) as a failure', () => {
    const { out, code } = summarize({
      lint,
      unit: vitest([]),
      integration: vitest([
        { status: 'failed', tests: ['skipped', 'skipped'] },
        { status: 'passed', tests: ['passed'] },
      ]),
      'integration-labs': vitest([]),
      e2e: playwright,
      electron: playwright,
    });
    expect(out).toContain('integration: 1 passed, 1 failed, 2 skipped');
    expect(code).toBe(1);
  });

  it('counts a missing report as a failure', () => {
    const { out, code } = summarize({ lint, unit: vitest([]), 'integration-labs': vitest([]), e2e: playwright, electron: playwright });
    expect(out).toMatch(/integration: no report/);
    expect(out.trim().split('\n').at(-1)).toMatch(/, 1 failed,/);
    expect(code).toBe(1);
  });
  it('names a test that passed only on its retry, and still counts it as passed', () => {
    const integration = vitest([{ status: 'passed', tests: ['passed', 'passed'] }]);
    integration.testResults[0]!.assertionResults[1] = Object.assign(
      { status: 'passed' },
      { fullName: 'setup wizard reconfigures', failureMessages: ['AssertionError: timed out'] },
    );
    const { out, code } = summarize({ lint, unit: vitest([]), integration, 'integration-labs': vitest([]), e2e: playwright, electron: playwright });
    expect(out).toContain('integration: flaky (passed on retry): setup wizard reconfigures');
    expect(out).toContain('integration: 2 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
  });

  it('counts the lint check as one test, and a failed lint fails the run', () => {
    const ok = summarize({
      lint,
      unit: vitest([{ status: 'passed', tests: ['passed'] }]),
      integration: vitest([]),
      'integration-labs': vitest([]),
      e2e: playwright,
      electron: playwright,
    });
    expect(ok.out).toContain('lint: 1 passed, 0 failed, 0 skipped');
    const bad = summarize({
      lint: { check: 'lint', ok: false },
      unit: vitest([{ status: 'passed', tests: ['passed'] }]),
      integration: vitest([]),
      'integration-labs': vitest([]),
      e2e: playwright,
      electron: playwright,
    });
    expect(bad.out).toContain('lint: 0 passed, 1 failed, 0 skipped');
    expect(bad.out.trim().split('\n').at(-1)).toBe('5 passed, 1 failed, 2 skipped');
    expect(bad.code).toBe(1);
  });
});
