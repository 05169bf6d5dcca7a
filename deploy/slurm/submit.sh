#!/bin/bash
# Queues a sharded dtm build on Slurm: a job array of N build tasks, then the
# merge as a job that starts only when every task has succeeded.
#
#   deploy/slurm/submit.sh SPEC PARTS_DIR OUTPUT N [sbatch options...]
#
# PARTS_DIR and OUTPUT must be on a file system every node sees. Set DTM to the
# dtm binary when it is not on PATH, DTM_ROOT when the data is not beside the
# spec. Prints the two job ids. A failed task is re-run alone with
# `scontrol requeue JOBID_TASK`; the merge waits for it.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
spec=$1 parts=$2 output=$3 n=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$parts"
export DTM_SPEC=$spec DTM_PARTS=$parts DTM_OUTPUT=$output
# One creation time for every task, fixed at submission.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date +%s)}"
build=$(sbatch --parsable --export=ALL --array="0-$((n - 1))" \
  --output="$parts/build-%a.log" "$@" "$here/dtm-build.sbatch")
build=${build%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$build" --kill-on-invalid-dep=yes \
  --output="$parts/merge.log" "$@" "$here/dtm-merge.sbatch")
echo "build array: $build (tasks 0-$((n - 1)))"
echo "merge: ${merge%%;*} (after every task of $build succeeds)"
