#!/bin/bash
# A sharded build on a real Slurm cluster (spec/sharding.md): starts munged,
# slurmctld and slurmd as this test's own processes (state in a temporary
# folder, ports of its own), submits deploy/slurm/submit.sh's job array of 4
# build tasks and the dependent merge over a generated corpus, waits, and
# compares the merged manifest byte for byte with a one-machine build. Stops
# the daemons at the end, whatever happens.
#
#   tests/slurm/run-slurm-test.sh DTM_BINARY REPO_DIR
#
# Fails when Slurm or MUNGE is not installed (scripts/install-deps.sh installs
# them). Skipped, saying so, only when DTM_SKIP_SLURM=1 (exit 77 for ctest).
set -euo pipefail
dtm=$(realpath "$1")
repo=$(realpath "$2")
if [ "${DTM_SKIP_SLURM:-}" = 1 ]; then
  echo "SKIPPED: the Slurm test, because DTM_SKIP_SLURM=1"
  exit 77
fi
for tool in munged munge slurmctld slurmd sbatch squeue scontrol sinfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool is not installed: scripts/install-deps.sh installs slurm-wlm and munge" >&2
    echo "      (DTM_SKIP_SLURM=1 skips this test)" >&2
    exit 1
  fi
done

t=$(mktemp -d /tmp/dtm-slurm.XXXXXX)
chmod 755 "$t"  # munged wants the folder of its socket reachable by all
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$t"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$t"/log/* "$t"/parts/*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  done
  exit 1
}

# Two free TCP ports on the loopback address.
read -r ctld_port d_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

mkdir -p "$t/log" "$t/state" "$t/spool" "$t/munge"
chmod 700 "$t/munge"
dd if=/dev/urandom of="$t/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$t/munge/munge.key"
munged -F -f --key-file="$t/munge/munge.key" --socket="$t/munge.sock" \
  --pid-file="$t/munge/munged.pid" --seed-file="$t/munge/munged.seed" \
  --log-file="$t/log/munged.log" >"$t/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$t/munge.sock" ] && break; sleep 0.1; done
munge -S "$t/munge.sock" -n | unmunge -S "$t/munge.sock" >/dev/null || fail "munged does not answer"

user=$(id -un)
cat >"$t/slurm.conf" <<CONF
ClusterName=dtmtest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$t/munge.sock
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldLogFile=$t/log/slurmctld.log
SlurmdLogFile=$t/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SwitchType=switch/none
NodeName=dtmnode NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=dtm Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# slurmd loads a cgroup plugin even when nothing uses one; cgroup/v1 touches no
# cgroup file system until a controller is asked for, so the test also runs
# where none is mounted (a chroot).
echo "CgroupPlugin=cgroup/v1" >"$t/cgroup.conf"
export SLURM_CONF="$t/slurm.conf"
slurmctld -D -f "$SLURM_CONF" >"$t/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N dtmnode -f "$SLURM_CONF" >"$t/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  state=$(sinfo -h -n dtmnode -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || fail "the Slurm node did not come up (state '$state')"
echo "slurm: controller on port $ctld_port, node dtmnode idle"

# The corpus: files of sizes from 0 to 2 MiB in nested folders, a declared
# file, and documents in JSON Lines, so that every part holds work.
data="$t/data"
python3 - "$data" <<'PY'
import os, random, sys, json
root = sys.argv[1]
rng = random.Random(14)
for i in range(120):
    folder = os.path.join(root, "shards", f"d{i % 7}")
    os.makedirs(folder, exist_ok=True)
    size = rng.choice([0, 1, 100, 4096, 65536, 2 << 20]) + rng.randrange(1000)
    with open(os.path.join(folder, f"f{i:03}.bin"), "wb") as f:
        f.write(rng.randbytes(size))
os.makedirs(os.path.join(root, "text"), exist_ok=True)
for i in range(9):
    with open(os.path.join(root, "text", f"t{i}.jsonl"), "w") as f:
        for j in range(50):
            f.write(json.dumps({"text": f"document {i}.{j} " * rng.randrange(1, 40)}) + "\n")
PY
cp "$repo/tests/slurm/dtm.yaml" "$data/dtm.yaml"

export DTM="$dtm"
export SOURCE_DATE_EPOCH=1796688000
export XDG_CACHE_HOME="$t/cache"  # the one-machine build's stat cache
out=$("$repo/deploy/slurm/submit.sh" "$data/dtm.yaml" "$t/parts" "$t/sharded.dtm" 4 \
  --partition=dtm) || fail "submit.sh failed"
echo "$out"
merge_job=$(echo "$out" | sed -n 's/^merge: \([0-9]*\).*/\1/p')
[ -n "$merge_job" ] || fail "no merge job id in submit.sh's output"
for _ in $(seq 600); do
  state=$(scontrol show job "$merge_job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case "$state" in
    COMPLETED) break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) fail "merge job $state" ;;
  esac
  sleep 0.5
done
[ "$state" = COMPLETED ] || fail "the merge job did not finish in 300 s (state '$state')"
echo "slurm: merge job $merge_job COMPLETED"

parts=$(ls "$t/parts"/*.dtmpart | wc -l)
[ "$parts" = 4 ] || fail "expected 4 parts, found $parts"
"$dtm" build "$data/dtm.yaml" -o "$t/single.dtm" -q || fail "the one-machine build failed"
cmp "$t/single.dtm" "$t/sharded.dtm" || fail "the merged manifest differs from the one-machine build"
"$dtm" verify --unsigned "$t/sharded.dtm" >/dev/null || fail "the merged manifest does not verify"
for i in 0 1 2 3; do
  "$dtm" verify --unsigned "$t/sharded.dtm" --data "$data" --shard "$i/4" >"$t/audit-$i.txt" ||
    fail "audit shard $i/4 failed: $(cat "$t/audit-$i.txt")"
done
echo "PASS: 4 Slurm tasks and the dependent merge wrote the one-machine manifest byte for byte" \
  "($(stat -c %s "$t/sharded.dtm") bytes, root $("$dtm" show "$t/sharded.dtm" | sed -n 's/^Root *sha256:\(.\{16\}\).*/\1/p'))"
