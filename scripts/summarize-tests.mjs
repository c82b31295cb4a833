// Sums vitest and Playwright JSON reports into the one closing line CI reads:
// "N passed, N failed, N skipped". A suite whose report is missing counts as one failure, so a
// crashed runner can never look green. A check that is not a test runner (lint: ESLint and knip)
// writes { "check": name, "ok": bool } and counts as one test, passed or failed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const suites = ['lint', 'unit', 'integration', 'integration-labs', 'e2e', 'electron'];
let passed = 0,
  failed = 0,
  skipped = 0;
for (const s of suites) {
  const file = join(dir, `${s}.json`);
  if (!existsSync(file)) {
    console.log(`${s}: no report (the runner crashed or did not start) — counted as 1 failed`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  let p, f, k;
  if ('check' in r) {
    p = r.ok ? 1 : 0;
    f = r.ok ? 0 : 1;
    k = 0;
  } else if ('numPassedTests' in r) {
    // vitest
    p = r.numPassedTests;
    f = r.numFailedTests;
    k = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A file that failed without a failed test (it did not load, or its beforeAll/afterAll threw and its
    // tests were skipped) still failed: count it once, so the closing line can never read "0 failed".
    for (const t of r.testResults ?? []) {
      if (t.status === 'failed' && !t.assertionResults.some((a) => a.status === 'failed')) f += 1;
      // Passed only on a retry (CI allows one): named, so a flaky test is seen and fixed.
      for (const a of t.assertionResults ?? []) {
        if (a.status === 'passed' && a.failureMessages?.length) console.log(`${s}: flaky (passed on retry): ${a.fullName}`);
      }
    }
  } else {
    // Playwright
    p = r.stats.expected + (r.stats.flaky ?? 0);
    f = r.stats.unexpected;
    k = r.stats.skipped;
    if (r.errors?.length) f += r.errors.length;
  }
  console.log(`${s}: ${p} passed, ${f} failed, ${k} skipped`);
  passed += p;
  failed += f;
  skipped += k;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
