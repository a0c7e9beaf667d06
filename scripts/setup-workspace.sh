#!/usr/bin/env bash
# Installs pnpm (if missing) and the workspace's npm dependencies. Idempotent; needs only Node 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.21.0" ]; then
  echo "[setup] installing pnpm 12.21.0"
  npm install -g pnpm@12.21.0 >/dev/null
fi
# onnxruntime-node's postinstall downloads a CUDA provider from outside the registry; its CPU and WebGPU
# providers ship in the package, so skip the download.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.pnpm/lock.yaml ]; then
  echo "[setup] pnpm install"
  pnpm install --frozen-lockfile
fi
# The generated lists of losses (git-ignored; decision 0008). `pnpm install` writes them too (`prepare`), but an
# install that had nothing to do skipped that.
node scripts/generate-loss-index.mjs
