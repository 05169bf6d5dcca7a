#!/bin/sh
# One command for a newcomer: installs the Debian packages, builds dtm, and runs
# the main job on the example training set (build a manifest, then show it).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The flags of scripts/run-tests.sh, so that the tests reuse this build.
cmake -S . -B build -G Ninja -DDTM_WERROR=ON >/dev/null
cmake --build build
out=$(mktemp -d)
echo
echo "== dtm build examples/training-set-v1/dtm.yaml -o $out/data.dtm"
build/cli/dtm build examples/training-set-v1/dtm.yaml -o "$out/data.dtm"
echo
echo "== dtm show $out/data.dtm"
build/cli/dtm show "$out/data.dtm"
echo
echo "dtm is at build/cli/dtm; the manifest is $out/data.dtm"
