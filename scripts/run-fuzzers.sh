#!/bin/bash
# Builds the libFuzzer targets of fuzz/ with clang (DTM_FUZZ=ON, with ASan and
# UBSan) and runs each for a bounded time, starting from its committed seed
# corpus (fuzz/corpus/<name>/). Fails if any target finds a crash, a leak, an
# input slower than -timeout, or one that needs more than -rss_limit_mb: the
# input is printed in base64 and kept in BUILD_DIR/artifacts/.
# Usage: scripts/run-fuzzers.sh [SECONDS_EACH] [BUILD_DIR]   (default: 60, build-fuzz)
#   FUZZERS="spdx dsse"  run only these targets (default: every fuzz/*_fuzzer.cc)
#   DTM_JOBS=N           compile jobs, and targets fuzzing at once (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${2:-build-fuzz}
jobs=${DTM_JOBS:-2}
if [ -z "${FUZZERS:-}" ]; then
  FUZZERS=$(cd fuzz && ls ./*_fuzzer.cc | sed 's|^\./||; s|_fuzzer\.cc$||' | tr '\n' ' ')
fi

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DDTM_SANITIZE=ON -DDTM_FUZZ=ON \
  -DDTM_BUILD_TESTS=OFF >/dev/null
targets=()
for name in $FUZZERS; do targets+=("${name}_fuzzer"); done
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# The largest input each target is given; seeds longer than that are cut.
max_len() {
  case "$1" in
    container | buildspec | policy | bundle | proof | documents) echo 16384 ;;
    spdx) echo 1024 ;;
    *) echo 4096 ;;
  esac
}

# The dictionary a target uses (fuzz/dict/): YAML tokens (anchors, aliases,
# nesting) for the YAML inputs, frame-header values for the container.
dict_of() {
  case "$1" in
    buildspec | policy | model) echo fuzz/dict/yaml.dict ;;
    container) echo fuzz/dict/container.dict ;;
    documents) echo fuzz/dict/documents.dict ;;
  esac
}

# The container and listing targets write each input to a file: on tmpfs if we can.
scratch=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then scratch=/dev/shm; fi
work=$(mktemp -d "$scratch/dtm-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Runs one target; its output goes to $work/<name>.log.
fuzz_one() {
  local name=$1
  mkdir -p "$work/$name/corpus" "$work/$name/tmp"
  local start=$SECONDS
  rm -f "$build/artifacts/$name-"*
  local dict=()
  if [ -n "$(dict_of "$name")" ]; then dict=(-dict="$(dict_of "$name")"); fi
  if TMPDIR="$work/$name/tmp" "$build/fuzz/${name}_fuzzer" "$work/$name/corpus" "fuzz/corpus/$name" \
    "${dict[@]}" -max_total_time="$seconds" -max_len="$(max_len "$name")" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$build/artifacts/$name-" -print_final_stats=1 >"$work/$name.log" 2>&1; then
    echo "fuzz $name: ok ($((SECONDS - start)) s, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
      "$work/$name.log" | grep -o '[0-9]*$') runs)"
  else
    echo "fuzz $name: FAILED ($((SECONDS - start)) s); the last lines of its output:"
    tail -n 60 "$work/$name.log"
    local artifact
    for artifact in "$build/artifacts/$name-"*; do
      [ -f "$artifact" ] || continue
      echo "input $artifact, base64:"
      base64 "$artifact" | head -c 20000
      echo
    done
    return 1
  fi
}

failed=0
running=0
for name in $FUZZERS; do
  fuzz_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
  echo "run-fuzzers: a fuzz target failed (inputs in $build/artifacts/)"
  exit 1
fi
echo "run-fuzzers: every target ran ${seconds} s without a finding"
