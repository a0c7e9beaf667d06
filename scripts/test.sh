#!/usr/bin/env bash
# The test command: installs what is missing (system packages, pnpm, the workspace), then typechecks, tests every
# package (Node and headless Chromium), builds and lints the packages for publishing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-workspace.sh
pnpm run typecheck
pnpm run test
pnpm run build
pnpm run lint:packages
