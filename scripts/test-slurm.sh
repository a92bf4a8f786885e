#!/usr/bin/env bash
# `make test-slurm`: a real single-node Slurm (Debian's slurm-wlm and munge, no systemd) runs a
# pipeline on the sample archive as `sitscube slurm` writes it — 4-shard array jobs plus merge
# jobs chained with afterok — and the merged cube (and map, once `sitscube predict` is built)
# must equal the single-machine outputs byte for byte. Every daemon is stopped by its pid.
# Needs root (it installs packages and starts daemons).
set -euo pipefail
sitscube="$(readlink -f "$1")"
state="$(mktemp -d /tmp/sitscube-slurm.XXXXXX)"
cleanup() {
    for f in "$state"/slurmd.pid "$state"/slurmctld.pid "$state"/munged.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    sleep 1
    for f in "$state"/slurmd.pid "$state"/slurmctld.pid "$state"/munged.pid; do
        [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
    done
    [ "${passed:-no}" = yes ] && rm -rf "$state"
    return 0
}
trap cleanup EXIT

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "== installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

echo "== munge"
install -d -m 0755 -o munge -g munge /run/munge          # the socket folder must be 0755
if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
runuser -u munge -- munged
for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
cp /run/munge/munged.pid "$state/munged.pid"

echo "== slurm in $state"
mkdir -p "$state/ctld" "$state/spool" "$state/logs"
cat > "$state/slurm.conf" <<CONF
ClusterName=sitscube
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
export SLURM_CONF="$state/slurm.conf"
slurmctld
slurmd -N localhost          # the hostname is not localhost
for _ in $(seq 50); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 0.2; done
sinfo

echo "== pipeline"
archive="$state/archive"
"$sitscube" sample-data -o "$archive" --size 64 >/dev/null 2>&1
make_pipeline() {  # $1: workdir
    sed -e "s#^archive: .*#archive: $archive#" -e "s#^workdir: .*#workdir: $1#" \
        -e "s#sample-data/archive/#$archive/#" -e "s#^  reducer: median#  reducer: median\n  block: 24#" \
        pipelines/demo.yaml
}
make_pipeline "$state/single" > "$state/single.yaml"
make_pipeline "$state/cluster" > "$state/cluster.yaml"
"$sitscube" slurm "$state/cluster.yaml" --shards 4 --quick -o "$state/scripts"
jobs=$(bash "$state/scripts/submit.sh")
echo "$jobs"

# Poll rather than trust sbatch --wait (0 for a job cancelled by a failed dependency).
for _ in $(seq 600); do
    [ -z "$(squeue -h -o %i)" ] && break
    sleep 1
done
declare -A state_of
while read -r name id; do
    state_of[$name]=$(scontrol show job "$id" | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' ')
    echo "$name $id: ${state_of[$name]}"
done <<< "$jobs"

echo "== single machine"
"$sitscube" run "$state/single.yaml" --quick --until cube >/dev/null 2>&1 || true

status=0
[[ "${state_of[01-cube-shards.sbatch]}" == "JobState=COMPLETED " ]] || { echo "FAIL: cube shards did not complete"; status=1; }
for f in $(cd "$state/single/cube" && find . -name '*.tif' -o -name cube.json | sort); do
    cmp -s "$state/single/cube/$f" "$state/cluster/cube/$f" || { echo "FAIL: cube $f differs"; status=1; }
done
[ -f "$state/cluster/cube/cube.json" ] || { echo "FAIL: no merged cube"; status=1; }
train_probe=$("$sitscube" train 2>&1 || true)
if [[ "$train_probe" == *"not built yet"* ]]; then
    echo "note: sitscube train is not built here: the merge-train job fails and the map jobs are cancelled (kill-on-invalid-dep)"
    [[ "${state_of[03-map-shards.sbatch]}" != *COMPLETED* ]] || { echo "FAIL: map jobs ran after a failed dependency"; status=1; }
else
    "$sitscube" run "$state/single.yaml" --quick >/dev/null 2>&1
    for name in 02-merge-train.sbatch 03-map-shards.sbatch 04-merge-map.sbatch; do
        [[ "${state_of[$name]}" == "JobState=COMPLETED " ]] || { echo "FAIL: $name ${state_of[$name]}"; status=1; }
    done
    cmp "$state/single/map.tif" "$state/cluster/map.tif" || { echo "FAIL: map differs"; status=1; }
fi
if [ $status -eq 0 ]; then
    echo "test-slurm: passed (merged outputs equal the single-machine bytes)"
    passed=yes
else
    echo "test-slurm: failed; logs and outputs kept in $state"
fi
exit $status
