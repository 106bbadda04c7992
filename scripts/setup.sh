#!/usr/bin/env bash
# Installs everything maskdiff needs on a fresh Debian/Ubuntu machine, then builds it:
# libtorch (CPU, with OpenBLAS for matmuls; Gloo's headers for data-parallel training), the PyTorch peer used by tests and the bench,
# Chromium for the browser tests of `maskdiff serve` (driven by playwright-core, which downloads no browser),
# the npm packages, the native binding and the TypeScript.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS="libtorch-dev libgloo-dev libopenblas0-pthread libjemalloc2 python3-torch python3 g++ make fortunes chromium"
if ! dpkg -s $PKGS >/dev/null 2>&1; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $PKGS
fi
npm ci --no-audit --no-fund
npm run build:ts
[ -f data/fortunes.txt ] || node scripts/prepare-corpus.mjs
