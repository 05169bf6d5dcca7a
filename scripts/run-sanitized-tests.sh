#!/bin/sh
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# (DTM_SANITIZE=ON: -fsanitize=address,undefined -fno-sanitize-recover=undefined)
# and runs the whole test suite under them: any memory error, leak or undefined
# behaviour fails the test that met it.
# Usage: scripts/run-sanitized-tests.sh [BUILD_DIR]    (default: build-asan)
#   DTM_JOBS=N  parallel compile and test jobs (default 2)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-asan}
jobs=${DTM_JOBS:-2}
# abort_on_error: a report ends the process with SIGABRT, which no test can
# mistake for an ordinary failure exit code it expects.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Leaks inside third-party libraries the tests load (SoftHSM2), listed with
# their reasons in the file.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(pwd)/tests/sanitizers/lsan.supp:print_suppressions=0}"
# g++ 12's -Wmaybe-uninitialized gives false positives under -fsanitize (in
# <regex>, for one); the ordinary build keeps it, with -Werror.
# -O1 -g1: the sanitizers' usual trade-off; quicker to compile than -O2 -g,
# with file and line in every report.
cmake -S . -B "$build" -G Ninja -DDTM_WERROR=ON -DDTM_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS=-Wno-maybe-uninitialized >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure --timeout 900 -j "$jobs"
