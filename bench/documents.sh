#!/bin/bash
# Documents benchmark (issue 12): dtm build on a JSON Lines corpus and a WARC
# corpus that the script makes, beside the peer pipelines doing the same work
# in one run: Python's standard library (json, hashlib, unicodedata; one
# process per core) and, for JSONL, `zcat | jq` parsing alone. Then the
# manifest's bytes per document beside the zstd-compressed listing of the same
# entries (`dtm export --documents`).
#
# Usage: bench/documents.sh [JSONL_DOCS] [WARC_RECORDS] [DIR]
#   defaults: 1000000 documents, a tenth as many WARC records, /tmp/dtm-bench-docs
#   DTM=path/to/dtm (default build/cli/dtm)
#   DTM_BENCH_WORDS=N   words per article at most (default 200)
#   DTM_BENCH_PEERS=0   run dtm only (for the largest corpora, where the peers take hours)
#   (zstd -19 of the listing is skipped beyond 10 million documents and printed as 0)
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-1000000}
records=${2:-$((docs / 10))}
dir=${3:-/tmp/dtm-bench-docs}
dtm=$(realpath "${DTM:-build/cli/dtm}")
shards=$(( docs >= 8000000 ? 64 : 8 ))

if [ "$(cat "$dir/made" 2>/dev/null)" != "$docs $records $shards" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "making the corpus: $docs JSONL documents in $shards shards, $records WARC records" >&2
  python3 bench/gen_documents.py "$dir" "$docs" "$records" "$shards"
  echo "$docs $records $shards" >"$dir/made"
fi
cat >"$dir/dtm.yaml" <<YAML
dtm: 1
dataset: {name: bench-documents, version: "1"}
publisher: {name: Bench}
sources:
  - id: jsonl
    name: JSONL shards
    modality: text
    license: {expression: CC0-1.0}
    provenance: {acquisition: public_dataset}
    data:
      include: ["jsonl/*.jsonl.gz"]
      documents: {format: jsonl, id: /id, url: /url, text: /text}
YAML
sed -e 's/id: jsonl/id: warc/; s/JSONL shards/WARC files/; s#jsonl/\*.jsonl.gz#warc/*.warc.gz#' \
    -e 's#documents: {format: jsonl.*#documents: {format: warc}#' "$dir/dtm.yaml" >"$dir/warc.yaml"
cat "$dir"/jsonl/* "$dir"/warc/* >/dev/null  # into the page cache

# run NAME CMD...: wall, CPU and peak RSS of CMD (GNU time), output to $dir/NAME.out
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$dir/$name.time" "$@" >"$dir/$name.out" 2>"$dir/$name.err" ||
    { cat "$dir/$name.err" >&2; exit 1; }
  read -r wall user sys rss <"$dir/$name.time"
  printf '%s %s %s %s\n' "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$name"
}

row() {  # corpus name docs input_bytes  "wall cpu rss name"
  local corpus=$1 docs=$2 bytes=$3 wall cpu rss name
  read -r wall cpu rss name <<<"$4"
  printf '%-6s %-18s %8.2f %8.2f %8d %12.0f %8.1f\n' "$corpus" "$name" "$wall" "$cpu" "$rss" \
    "$(echo "$docs / $wall" | bc -l)" "$(echo "$bytes / $wall / 1000000" | bc -l)"
}

jsonl_bytes=$(cat "$dir"/jsonl/* | wc -c)
warc_bytes=$(cat "$dir"/warc/* | wc -c)
echo "dtm documents benchmark: $docs JSONL documents ($jsonl_bytes bytes gzip), $records WARC records ($warc_bytes bytes gzip), $(nproc) cores"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall and CPU in s; RSS = peak resident MiB; docs/s and MB/s (of the compressed input) over the wall time"
echo
printf '%-6s %-18s %8s %8s %8s %12s %8s\n' corpus command wall CPU RSS docs/s MB/s
echo "--------------------------------------------------------------------------"
rm -f "$dir/jsonl.dtm" "$dir/warc.dtm"
row jsonl "$docs" "$jsonl_bytes" "$(run dtm_build "$dtm" build "$dir/dtm.yaml" -o "$dir/jsonl.dtm" --quiet)"
peers=${DTM_BENCH_PEERS:-1}
if [ "$peers" = 1 ]; then
  row jsonl "$docs" "$jsonl_bytes" "$(run python_peer python3 bench/peer_documents.py jsonl "$dir"/jsonl/*)"
  row jsonl "$docs" "$jsonl_bytes" "$(run zcat_jq_parse sh -c "zcat $dir/jsonl/* | jq -c '[.id,.url]'")"
fi
row warc "$records" "$warc_bytes" "$(run dtm_build_warc "$dtm" build "$dir/warc.yaml" -o "$dir/warc.dtm" --quiet)"
if [ "$peers" = 1 ]; then
  row warc "$records" "$warc_bytes" "$(run python_peer_warc python3 bench/peer_documents.py warc "$dir"/warc/*)"
fi
echo
"$dtm" export "$dir/jsonl.dtm" --documents >"$dir/listing.jsonl"
manifest=$(wc -c <"$dir/jsonl.dtm")
z3=$(zstd -q -3 -c "$dir/listing.jsonl" | wc -c)
# zstd -19 runs at a few MB/s: beyond 10 million documents (tens of GB) it would take hours.
if [ "$docs" -le 10000000 ]; then
  z19=$(zstd -q -19 -T2 -c "$dir/listing.jsonl" | wc -c)
else
  z19=0
fi
printf 'bytes per document: manifest %.1f; export --documents listing %.1f raw, %.1f zstd -3, %.1f zstd -19\n' \
  "$(echo "$manifest / $docs" | bc -l)" "$(echo "$(wc -c <"$dir/listing.jsonl") / $docs" | bc -l)" \
  "$(echo "$z3 / $docs" | bc -l)" "$(echo "$z19 / $docs" | bc -l)"
echo "documents in the manifest: $("$dtm" show "$dir/jsonl.dtm" | grep -o '[0-9,]* documents measured' | head -1)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
