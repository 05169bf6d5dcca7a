#!/bin/sh
# Configures, builds and runs the whole test suite (unit tests and CLI golden tests).
# Usage: scripts/run-tests.sh [BUILD_DIR]    (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
cmake -S . -B "$build" -G Ninja -DDTM_WERROR=ON >/dev/null
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure --timeout 600 -j2
