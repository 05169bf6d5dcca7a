#!/usr/bin/env bash
# bench/run.sh: how fast `dtm` hashes and compares, next to sha256sum, hashdeep
# and b3sum, and how its memory behaves at 10 million entries (issue 6).
#
#   bench/run.sh                       the full run (about 9 GiB in a temp folder)
#   BENCH_SCALE=0.05 bench/run.sh      a quick run on 5% of every corpus
#
# Environment:
#   BENCH_SCALE  corpus size factor (default 1): sizes of the large files, the
#                number of small files and of declared entries are multiplied by it
#   BENCH_RUNS   timed rounds per corpus (default 3; the table shows medians)
#   BENCH_DIR    work folder (default: a new folder under ${TMPDIR:-/tmp}); removed at the end
#   BENCH_KEEP=1 keep the work folder
#   DTM          the dtm binary (default: the newest of build*/cli/dtm in this checkout)
#
# Steps: install the peers (hashdeep, b3sum, GNU time, zstd) from Debian's
# packages if missing; check free space; make the corpora (bench/gen_corpus.py);
# read every file once so the page cache holds it; run each tool in turn,
# RUNS rounds, rotating the order; print one table (bench/report.py).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

# --- set-up: peer tools ----------------------------------------------------
install_peers() {
  local missing=()
  command -v hashdeep >/dev/null || missing+=(hashdeep)
  command -v b3sum >/dev/null || missing+=(b3sum)
  command -v zstd >/dev/null || missing+=(zstd)
  command -v openssl >/dev/null || missing+=(openssl)
  [[ -x /usr/bin/time ]] || missing+=(time)
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  log "installing ${missing[*]} from Debian's packages"
  "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; } ||
    die "could not install ${missing[*]}"
}

find_dtm() {
  if [[ -n ${DTM:-} ]]; then
    [[ -x $DTM ]] || die "DTM=$DTM is not executable"
    return
  fi
  DTM=$(ls -t "$REPO"/build*/cli/dtm 2>/dev/null | head -1 || true)
  [[ -n $DTM ]] || die "no dtm binary: build one (cmake -DCMAKE_BUILD_TYPE=Release) or set DTM"
}

install_peers
find_dtm
command -v python3 >/dev/null || die "python3 is needed for the corpus generator"

WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dtm-bench.XXXXXX")}
mkdir -p "$WORK"
cleanup() { [[ ${BENCH_KEEP:-0} == 1 ]] || rm -rf "$WORK"; }
trap cleanup EXIT

# Large corpus 4.1 GiB, small 1 GiB on disk, listings and manifests about 3.5 GiB.
need_kib=$(python3 -c "print(int($SCALE * 9.5 * 1024 * 1024) + 262144)")
avail_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
((avail_kib > need_kib)) || die "$WORK has $((avail_kib / 1024)) MiB free; the run needs $((need_kib / 1024)) MiB"

N1M=$(python3 -c "print(max(1000, round(1000000 * $SCALE)))")
N10M=$(python3 -c "print(max(10000, round(10000000 * $SCALE)))")
FACTS=$WORK/facts
TIMES=$WORK/times
: >"$FACTS"
: >"$TIMES"
fact() { printf '%s=%s\n' "$1" "$2" >>"$FACTS"; }

fact scale "$SCALE"
fact runs "$RUNS"
fact cores "$(nproc)"
fact cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
fact dtm "$DTM"
fact load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
log "dtm: $DTM; work folder: $WORK; scale $SCALE; load $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME OK_CODES CMD...: runs CMD under GNU time (stdout discarded) and
# appends "NAME wall user sys maxrss_kib" to $TIMES. OK_CODES: exit codes that
# count as success, e.g. "0" or "0 1" (diff and comm-like tools).
measure() {
  local name=$1 ok=$2 rc=0
  shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/stderr.out" || rc=$?
  if [[ " $ok " != *" $rc "* ]]; then
    cat "$WORK/stderr.out" >&2
    die "$name exited with $rc: $*"
  fi
  echo "$name $(tail -1 "$WORK/time.out")" >>"$TIMES"
}

# rounds NAME... : RUNS rounds of the functions run_NAME, each round starting
# one further along the list, so that no tool always runs first.
rounds() {
  local names=("$@") n=$# r k
  for ((r = 0; r < RUNS; r++)); do
    for ((k = 0; k < n; k++)); do
      "run_${names[(r + k) % n]}"
    done
  done
}

# --- the hardware limit ------------------------------------------------------
sha256_speed() {
  # bytes per second of one core on 16 KiB blocks
  openssl speed -seconds 3 -bytes 16384 -evp sha256 2>/dev/null |
    awk '$1 == "sha256" { v = $2; sub(/k$/, "", v); print int(v * 1000) }'
}
log "openssl speed -evp sha256"
fact sha256_speed "$(sha256_speed)"

# --- corpora -----------------------------------------------------------------
log "making corpora"
python3 "$BENCH/gen_corpus.py" large "$WORK/large" "$SCALE" >&2
python3 "$BENCH/gen_corpus.py" small "$WORK/small" "$SCALE" >&2
python3 "$BENCH/gen_corpus.py" listing "$N1M" "$WORK/m1" >&2
python3 "$BENCH/gen_corpus.py" listing "$N10M" "$WORK/m10" >&2

# spec_for NAME DATA: a build spec with one source; DATA is its `data:` value.
spec_for() {
  cat >"$WORK/$1.yaml" <<EOF
dtm: 1
dataset: {name: bench-$1, version: "1"}
publisher: {name: dtm benchmark}
sources:
  - id: corpus
    name: Benchmark corpus $1
    modality: text
    license: {expression: CC0-1.0}
    provenance: {acquisition: other}
    data: $2
EOF
}
spec_for large '{include: ["**"]}'
spec_for small '{include: ["**"]}'
for m in m1 m10; do
  for v in v1 v2; do spec_for "$m.$v" "{listing: $WORK/$m.$v.tsv}"; done
done

"$DTM" keygen -o "$WORK/k" >/dev/null 2>&1 || die "dtm keygen failed"
export SOURCE_DATE_EPOCH=1767225600
# The builds' stat caches stay in the work folder.
export XDG_CACHE_HOME=$WORK/cache

for c in large small; do
  fact "${c}_files" "$(find "$WORK/$c" -type f | wc -l)"
  fact "${c}_bytes" "$(find "$WORK/$c" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }')"
done

# --- hashing: large and small files -----------------------------------------
for c in large small; do
  D=$WORK/$c
  log "$c: warming the page cache"
  find "$D" -type f -print0 | xargs -0 cat >/dev/null
  run_build() { measure "$c:dtm_build" 0 "$DTM" build -q "$WORK/$c.yaml" --root "$D" -o "$WORK/$c.dtm"; }
  run_sha256sum() { measure "$c:sha256sum" 0 sh -c "cd '$D' && find . -type f -printf '%P\0' | xargs -0 sha256sum >'$WORK/$c.sha256'"; }
  run_hashdeep() { measure "$c:hashdeep" 0 sh -c "cd '$D' && hashdeep -c sha256 -r . >'$WORK/$c.hashdeep'"; }
  run_b3sum() { measure "$c:b3sum" 0 sh -c "cd '$D' && find . -type f -printf '%P\0' | xargs -0 b3sum >'$WORK/$c.b3'"; }
  run_verify() { measure "$c:dtm_verify_data" 0 "$DTM" verify "$WORK/$c.dtm" --key "$WORK/k.pub" --data "$D"; }
  # A manifest to verify exists before the first round.
  "$DTM" build -q "$WORK/$c.yaml" --root "$D" -o "$WORK/$c.dtm"
  "$DTM" sign "$WORK/$c.dtm" --key "$WORK/k.key" --force >/dev/null
  log "$c: $RUNS rounds (load $(cut -d' ' -f1-3 /proc/loadavg))"
  rounds build sha256sum hashdeep b3sum verify
  # Incremental rebuilds (spec/cli.md): the previous version and its stat
  # cache. large: 1% of the bytes changed before each round (a byte of each of
  # the smallest files, which then also get a new ctime); small: nothing changed.
  "$DTM" build -q "$WORK/$c.yaml" --root "$D" -o "$WORK/$c.prev.dtm"
  changed=()
  if [[ $c == large ]]; then
    mapfile -t changed < <(find "$D" -type f -printf '%s %p\n' | sort -n |
      awk -v total="$(find "$D" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')" \
        '{ if (sum < total / 100) { print $2; sum += $1 } }')
    fact "large_rebuild_changed_files" "${#changed[@]}"
  fi
  run_rebuild() {
    for f in "${changed[@]}"; do
      printf '%05d' "$RANDOM" | dd of="$f" bs=1 seek=7 conv=notrunc status=none
    done
    measure "$c:dtm_rebuild" 0 "$DTM" build -q "$WORK/$c.yaml" --root "$D" -o "$WORK/$c.next.dtm" \
      --reuse "$WORK/$c.prev.dtm"
    mv "$WORK/$c.next.dtm" "$WORK/$c.prev.dtm"
  }
  rounds rebuild
  fact "${c}_manifest_bytes" "$(stat -c %s "$WORK/$c.dtm")"
  fact "${c}_listing_zstd_bytes" "$(LC_ALL=C sort -k2 "$WORK/$c.sha256" | zstd -q -c | wc -c)"
  fact "sha256_speed_after_$c" "$(sha256_speed)"
done
rm -rf "$WORK/large" "$WORK/small"

# --- declared entries: 1M and 10M ----------------------------------------------
for m in m1 m10; do
  for v in v1 v2; do
    log "$m.$v: dtm build of declared entries"
    measure "$m:dtm_build_$v" 0 "$DTM" build -q "$WORK/$m.$v.yaml" -o "$WORK/$m.$v.dtm"
  done
  "$DTM" sign "$WORK/$m.v1.dtm" --key "$WORK/k.key" --force >/dev/null
  fact "${m}_entries" "$(wc -l <"$WORK/$m.v1.tsv")"
  fact "${m}_manifest_bytes" "$(stat -c %s "$WORK/$m.v1.dtm")"
  fact "${m}_listing_zstd_bytes" "$(python3 "$BENCH/gen_corpus.py" sumlist "$WORK/$m.v1.tsv" | zstd -q -c | wc -c)"
  probe=$(sed -n "$(($(wc -l <"$WORK/$m.v1.tsv") / 2))p" "$WORK/$m.v1.tsv" | cut -f1)
  log "$m: show, export, prove, diff"
  measure "$m:dtm_show" 0 "$DTM" show "$WORK/$m.v1.dtm"
  measure "$m:dtm_export" 0 "$DTM" export "$WORK/$m.v1.dtm" --format jsonl
  measure "$m:dtm_prove" 0 "$DTM" prove "$WORK/$m.v1.dtm" --path "$probe" -o "$WORK/$m.proof.json"
  measure "$m:dtm_diff_once" "0 1" "$DTM" diff "$WORK/$m.v1.dtm" "$WORK/$m.v2.dtm"
done

# --- dtm diff against comm -3 and diff on sorted sha256sum listings -------------
log "m1: diff rounds"
for v in v1 v2; do
  python3 "$BENCH/gen_corpus.py" sumlist "$WORK/m1.$v.tsv" | LC_ALL=C sort >"$WORK/m1.$v.sum"
done
cat "$WORK"/m1.*.dtm "$WORK"/m1.*.sum >/dev/null
run_diff() { measure "m1:dtm_diff" "0 1" "$DTM" diff "$WORK/m1.v1.dtm" "$WORK/m1.v2.dtm"; }
run_comm() { measure "m1:comm_-3" 0 env LC_ALL=C comm -3 "$WORK/m1.v1.sum" "$WORK/m1.v2.sum"; }
run_gnudiff() { measure "m1:diff" "0 1" env LC_ALL=C diff "$WORK/m1.v1.sum" "$WORK/m1.v2.sum"; }
rounds diff comm gnudiff

fact sha256_speed_end "$(sha256_speed)"
fact load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
log "done (load $(cut -d' ' -f1-3 /proc/loadavg))"
if ! python3 "$BENCH/report.py" "$FACTS" "$TIMES"; then
  BENCH_KEEP=1
  die "report.py failed; the measurements are kept in $FACTS and $TIMES"
fi
