#!/usr/bin/env bash
# Installs the Debian packages that the browser, GPU and reference tests need, where they are missing:
# Chromium (WebGL/WebGPU browser tests), python3-onnx (independent ONNX model checker), python3-torch (only to
# regenerate fixtures; skipped unless CONTRASTIVE_INSTALL_TORCH=1), and Mesa 25 lavapipe for Dawn (WebGPU in Node).
#
# This changes the system, as root (sudo when not root): `apt-get update` and `apt-get install` of chromium,
# chromium-driver and python3-onnx from Debian 12; then packages/webgpu/scripts/install-system-deps.sh appends
# `bookworm-backports` to the `Suites:` line of /etc/apt/sources.list.d/debian.sources (permanently; without that
# file it writes /etc/apt/sources.list.d/backports.list) and installs mesa-vulkan-drivers from backports, which
# upgrades the system's Mesa and libdrm packages. Every step is skipped when already done. The root README's
# "Set up and run" section says the same for users; keep the two in step.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing+=(python3-onnx)
if [ "${CONTRASTIVE_INSTALL_TORCH:-0}" = "1" ]; then
  /usr/bin/python3 -c "import torch" >/dev/null 2>&1 || missing+=(python3-torch libopenblas0-openmp)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -f packages/webgpu/scripts/install-system-deps.sh ]; then
  bash packages/webgpu/scripts/install-system-deps.sh
fi
