#!/usr/bin/env bash
# The main job: installs pnpm and the workspace where missing, then runs the training demo on the embedded
# float64 reference backend (no GPU, no system packages needed). Extra arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-workspace.sh
pnpm demo "$@"
