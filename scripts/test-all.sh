#!/usr/bin/env bash
# `npm test`: every suite, then one line "N passed, N failed[, N skipped]" summing them all.
# Suites: lint (ESLint + Prettier + knip, one pass/fail check), unit (vitest), integration against the
# shared lab (vitest; the lab is started once), browser e2e in Chromium against web mode + lab
# (Playwright), Electron e2e (Playwright; skipped with a printed reason where no Electron binary
# exists), and beside those three the suites on labs of their own. The lab's Go tools build (cached)
# beside the checks and unit tests.
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
results="$PWD/.tmp/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

echo "== prepare (Debian and npm packages, once)"
bash scripts/prepare.sh || exit 1

# The lab's Go tools (cached; a cold build takes most of half an hour on two cores) build in the
# background while the checks, the build and the unit tests run: none of those needs them, and
# the Go build leaves a core idle while it downloads modules and links. It runs niced, so the
# checks and the unit tests keep the CPU they would have alone and the build takes what is left.
echo "== lab tools: building in the background (built once, then cached; log: .tmp/test-results/lab-tools.log)"
tools_t0=$(date +%s)
(nice -n 10 bash test/lab/build-tools.sh > "$results/lab-tools.log" 2>&1; echo $? > "$results/lab-tools.rc") &
tools_pid=$!

echo "== typecheck"
npx tsc -p tsconfig.json --noEmit || status=1

echo "== lint (ESLint, Prettier, knip): one check in the closing summary"
lint_ok=true
npx eslint . || lint_ok=false
npx prettier --check . --log-level warn || { echo "format: run \`npx prettier --write .\`"; lint_ok=false; }
npx knip || lint_ok=false
echo "{\"check\": \"lint\", \"ok\": $lint_ok}" > "$results/lint.json"
$lint_ok || { echo "lint: FAILED (fix the errors above; eslint.config.js lists the known exceptions; \`npx prettier --write .\` formats)"; status=1; }

echo "== build (main, preload, renderer)"
npm run --silent build || status=1

echo "== unit"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json" || status=1

echo "== lab tools (waiting for the background build)"
wait "$tools_pid"
cat "$results/lab-tools.log"
echo "lab tools ready $(( $(date +%s) - tools_t0 ))s after their build started"
[ "$(cat "$results/lab-tools.rc" 2>/dev/null)" = 0 ] || { echo "lab tools: the build failed (above); the lab suites cannot run"; status=1; }

# Two lanes, side by side (on two cores the lab suites leave about half the CPU idle: they mostly
# wait on their clusters). They share no lab, folder or port (test/lab/integration-projects.test.ts
# checks it):
#   lane 1: the shared lab's suites (and the two that leave labs for e2e's photos), then the browser
#           e2e specs, then the Electron specs;
#   lane 2: the suites on labs of their own (vitest.config.ts OWN_LAB_SUITES), each stopping its lab
#           when done so idle clusters do not slow the other lane.
# Lane 2 writes to a log printed when it ends, so each lane's output reads in one piece.
echo "== lane 2 (in the background; log: .tmp/test-results/lane-2.log): the integration suites on labs of their own"
lanes_t0=$(date +%s)
(
  npx vitest run --project integration-labs --reporter=default --reporter=json --outputFile.json="$results/integration-labs.json"
  echo $? > "$results/lane-2.rc"
  echo "lane 2 done $(( $(date +%s) - lanes_t0 ))s after the lanes started"
) > "$results/lane-2.log" 2>&1 &
lane2_pid=$!

echo "== lane 1: integration (lab): the shared lab's suites"
# Kept running for e2e below (the shared lab, and the Embedded Cluster and hooks labs e2e photographs);
# stopped at the end.
LIFEBOAT_LAB_KEEP=1 npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json" || status=1

echo "== lane 1: e2e (Chromium, web mode)"
# The renderer was built above; rebuilding it here would swap dist/renderer under lane 2's web-mode children.
LIFEBOAT_E2E_SKIP_BUILD=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test -c test/e2e/playwright.config.ts --reporter=list,json || status=1

echo "== lane 1: electron e2e"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/electron.json" npx playwright test -c test/electron/playwright.config.ts --reporter=list,json || status=1
echo "lane 1 done $(( $(date +%s) - lanes_t0 ))s after the lanes started"

echo "== lane 2 (waiting for it; its output follows)"
wait "$lane2_pid"
cat "$results/lane-2.log"
[ "$(cat "$results/lane-2.rc" 2>/dev/null)" = 0 ] || status=1

echo "== lab down (every lab the suites started)"
for d in .lab .lab-*/; do
  [ -d "$d" ] || continue
  LIFEBOAT_LAB_DIR="$PWD/${d%/}" npx tsx test/lab/cli.ts down || status=1
done

node scripts/summarize-tests.mjs "$results" || status=1
exit $status
