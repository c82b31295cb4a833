#!/usr/bin/env bash
# `npm test`: every suite, then one line "N passed, N failed[, N skipped]" summing them all.
# Suites: lint (ESLint + Prettier + knip, one pass/fail check), unit (vitest), integration against the lab (vitest; the lab is started once), browser
# e2e in Chromium against web mode + lab (Playwright), Electron e2e (Playwright; skipped with a
# printed reason where no Electron binary exists). The lab's Go tools are built first (cached).
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
results="$PWD/.tmp/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

echo "== prepare (Debian and npm packages, once)"
bash scripts/prepare.sh || exit 1

echo "== typecheck"
npx tsc -p tsconfig.json --noEmit || status=1

echo "== lint (ESLint, Prettier, knip): one check in the closing summary"
lint_ok=true
npx eslint . || lint_ok=false
npx prettier --check . --log-level warn || { echo "format: run \`npx prettier --write .\`"; lint_ok=false; }
npx knip || lint_ok=false
echo "{\"check\": \"lint\", \"ok\": $lint_ok}" > "$results/lint.json"
$lint_ok || { echo "lint: FAILED (fix the errors above; eslint.config.js lists the known exceptions; \`npx prettier --write .\` formats)"; status=1; }

echo "== lab tools (built once, then cached)"
t0=$(date +%s)
bash test/lab/build-tools.sh || status=1
echo "lab tools ready in $(( $(date +%s) - t0 ))s"

echo "== build (main, preload, renderer)"
npm run --silent build || status=1

echo "== unit"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json" || status=1

echo "== integration (lab)"
export LIFEBOAT_LAB_KEEP=1   # e2e below reuses the same lab; stopped at the end
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json" || status=1

echo "== e2e (Chromium, web mode)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test -c test/e2e/playwright.config.ts --reporter=list,json || status=1

echo "== electron e2e"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/electron.json" npx playwright test -c test/electron/playwright.config.ts --reporter=list,json || status=1

echo "== lab down (every lab the suites started)"
for d in .lab .lab-*/; do
  [ -d "$d" ] || continue
  LIFEBOAT_LAB_DIR="$PWD/${d%/}" npx tsx test/lab/cli.ts down || status=1
done

node scripts/summarize-tests.mjs "$results" || status=1
exit $status
