#!/usr/bin/env bash
# The test command: installs what is missing (system packages, pnpm, the workspace), then typechecks, tests every
# package (Node and headless Chromium), builds and lints the packages for publishing. A failing step does not
# hide the later ones: every step runs, the failed ones are named, and the exit status is non-zero if any failed.
# Every vitest run writes test-results/<package>-<runner>.json; the run ends with scripts/test-summary.mjs's
# `N passed, M failed, K skipped` over all of them (CONTRASTIVE_TEST_SUMMARY=0 leaves that to the caller, as
# .ci/run does to add the scale check).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-workspace.sh
rm -rf test-results # stale reports would be counted again
failed=()
# One compiler per core (100% of the cores, in turbo's terms): turbo's default starts ten at once, which on CI's
# two cores only compete for CPU and memory.
pnpm run typecheck --concurrency=100% || failed+=(typecheck)
pnpm run test || failed+=(test)
pnpm run build || failed+=(build)
pnpm run lint:packages || failed+=(lint:packages)
if [ ${#failed[@]} -gt 0 ]; then echo "[test.sh] failed steps: ${failed[*]}"; fi
if [ "${CONTRASTIVE_TEST_SUMMARY:-1}" != "0" ]; then
  node scripts/test-summary.mjs --expect-all || failed+=(summary)
fi
[ ${#failed[@]} -eq 0 ]
