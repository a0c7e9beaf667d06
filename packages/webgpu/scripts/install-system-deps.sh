#!/usr/bin/env bash
# Installs the software Vulkan driver that Dawn (the `webgpu` npm package) needs in Node on Debian 12 (bookworm).
#
# Debian 12's stock lavapipe (Mesa 22.3) is rejected by Dawn's Vulkan backend; Mesa 25's lavapipe from
# bookworm-backports works (adapter "llvmpipe"). We add `bookworm-backports` to the `Suites:` line of the existing
# Debian deb822 source (no new source line), then install `mesa-vulkan-drivers` from it.
# Idempotent: a second run changes nothing. Needs root (or sudo). Chromium's WebGPU uses its own SwiftShader and
# needs nothing from here.
set -euo pipefail

SOURCES=/etc/apt/sources.list.d/debian.sources
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

lavapipe_ok() {
  # Mesa >= 23 lavapipe ICD installed from backports.
  local version
  version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$version" ] && dpkg --compare-versions "$version" ge 23
}

if lavapipe_ok; then
  echo "install-system-deps: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
  exit 0
fi

if [ -f "$SOURCES" ]; then
  if ! grep -Eq '^Suites:.*\bbookworm-backports\b' "$SOURCES"; then
    # Only the main archive's stanza (the one whose Suites: starts with plain `bookworm `).
    $SUDO sed -i -E '/^Suites:[[:space:]]+bookworm([[:space:]]|$)/ s/$/ bookworm-backports/' "$SOURCES"
  fi
elif ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/backports.list >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers
echo "install-system-deps: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
