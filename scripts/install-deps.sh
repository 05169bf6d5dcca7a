#!/bin/sh
# Installs the Debian 12 packages that building and testing DTM need.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config \
  libprotobuf-dev protobuf-compiler \
  libssl-dev openssl \
  libzstd-dev zstd libutf8proc-dev \
  libsimdjson-dev zlib1g-dev libidn2-dev libpsl-dev publicsuffix libarchive-dev \
  libgtest-dev \
  libyaml-dev nlohmann-json3-dev libcli11-dev \
  libcurl4-openssl-dev \
  libp11-kit-dev softhsm2 \
  clang libclang-rt-14-dev \
  chromium \
  slurm-wlm munge \
  python3 >/dev/null
