#!/bin/bash
# The example's document entries, re-derived by tests/documents/rederive.py (a
# second implementation written from spec/documents.md alone), equal what dtm
# build recorded, for both versions; a one-word change in an article is caught.
# It also canonicalizes the URL vectors whose host needs no IDNA.
# Usage: rederive-example.sh DTM SOURCE_DIR
set -euo pipefail
dtm=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"  # the builds' stat caches go with it
python3 "$src/tests/documents/rederive.py" --url-vectors "$src/spec/vectors/documents/urls.json"
cp -r "$src/examples/training-set-v1" "$src/examples/training-set-v2" "$work/"
"$dtm" build "$work/training-set-v1/dtm.yaml" -o "$work/training-set-v1/data.dtm" --quiet
"$dtm" build "$work/training-set-v2/dtm.yaml" -o "$work/v2.dtm" --quiet
for v in v1:training-set-v1/data.dtm v2:v2.dtm; do
  "$dtm" export "$work/${v#*:}" --format jsonl -o "$work/${v%%:*}.jsonl"
  python3 "$src/tests/documents/rederive.py" "$work/${v%%:*}.jsonl" "$work/training-set-${v%%:*}"
done
sed -i 's/former quarry site/former-quarry site/' "$work"/training-set-v1/news/*.jsonl
if python3 "$src/tests/documents/rederive.py" "$work/v1.jsonl" "$work/training-set-v1" 2>"$work/err"; then
  echo "a changed article was not caught" >&2
  exit 1
fi
grep -q "the re-derived documents differ" "$work/err" || { cat "$work/err" >&2; exit 1; }
echo "a changed article is caught"
