#!/bin/sh
# Golden tests of the dtm command line. Each folder under CASES_DIR is a case:
#   cmd              shell commands, run with sh in a fresh temporary folder that
#                    holds a copy of the case's files/ folder (if any), with dtm on
#                    PATH, SOURCE_DATE_EPOCH=1767225600, LC_ALL=C, TZ=UTC
#   expected-stdout  expected standard output
#   expected-stderr  expected standard error
#   expected-exit    expected exit status of the last command (a number)
# The temporary folder's path is replaced by $TMP in the outputs before comparing.
# Usage: run-golden.sh DTM CASES_DIR [CASE...]; UPDATE_GOLDEN=1 rewrites the expectations.
set -u
dtm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cases_dir=$(cd "$2" && pwd)
shift 2
[ $# -gt 0 ] || set -- $(cd "$cases_dir" && ls -d */ | tr -d /)
bin=$(mktemp -d)
ln -s "$dtm" "$bin/dtm"
passed=0
failed=0
for name in "$@"; do
  case_dir=$cases_dir/$name
  tmp=$(mktemp -d)
  out=$(mktemp -d)
  [ -d "$case_dir/files" ] && cp -R "$case_dir/files/." "$tmp/"
  # The stat caches of the case's builds go to its output folder, removed with it.
  (cd "$tmp" && PATH="$bin:$PATH" SOURCE_DATE_EPOCH=1767225600 LC_ALL=C TZ=UTC XDG_CACHE_HOME="$out/cache" \
     sh "$case_dir/cmd" >"$out/.stdout" 2>"$out/.stderr" </dev/null; echo $? >"$out/.exit")
  for f in stdout stderr exit; do
    sed "s|$tmp|\$TMP|g" "$out/.$f" >"$out/.$f.norm"
  done
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    for f in stdout stderr exit; do cp "$out/.$f.norm" "$case_dir/expected-$f"; done
  fi
  ok=1
  for f in stdout stderr exit; do
    if ! cmp -s "$out/.$f.norm" "$case_dir/expected-$f"; then
      ok=0
      echo "FAIL $name: $f differs:"
      diff -u "$case_dir/expected-$f" "$out/.$f.norm" | head -40
    fi
  done
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  rm -rf "$tmp" "$out"
done
rm -rf "$bin"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
