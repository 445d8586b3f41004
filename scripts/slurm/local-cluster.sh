#!/usr/bin/env bash
# A one-node Slurm on this machine for the cluster test (issue 19): munge, slurmctld and slurmd,
# configured for localhost in a directory of their own (SLURM_CONF points sbatch, sinfo and squeue at
# it; /etc/slurm is not touched). Needs root and Debian's slurm-wlm and munge packages
# (scripts/ensure-system-deps.mjs installs them).
#   local-cluster.sh start   configure and start the daemons, wait until the node is idle
#   local-cluster.sh stop    stop them
# The configuration is printed by `start` on its last line: export SLURM_CONF=<dir>/slurm.conf.
set -euo pipefail
dir=${VPB_SLURM_DIR:-/tmp/vpb-slurm}
conf="$dir/slurm.conf"

fail() {
  echo "local-cluster: $*" >&2
  for log in "$dir/slurmctld.log" "$dir/slurmd.log" /var/log/munge/munged.log; do
    [ -s "$log" ] && { echo "--- last lines of $log" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

# stop the daemons (by their pid files: no procps needed) and wait until they have exited
# (slurmctld saves its state on the way out)
stop() {
  local pids=()
  for d in slurmd slurmctld; do
    [ -s "$dir/$d.pid" ] && pids+=("$(cat "$dir/$d.pid")")
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 100); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$dir/slurmd.pid" "$dir/slurmctld.pid"
  return 0
}

case "${1:-start}" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac

[ "$(id -u)" = 0 ] || fail "needs root (the daemons run as root here)"
for bin in munged slurmctld slurmd sbatch sinfo; do
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || fail "$bin not found: apt-get install slurm-wlm munge"
done
stop
mkdir -p "$dir/ctld" "$dir/d"

# munge: a key, then the daemon (as the munge user, which the package creates)
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null 2>&1; then mungekey --create --force; else
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; fi
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
  [ -s /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  runuser -u munge -- /usr/sbin/munged --force || fail "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n >/dev/null 2>&1 || fail "munge does not answer"
fi

# the short host name, as slurmd reports itself (no `hostname` binary needed)
host=$(cut -d. -f1 /proc/sys/kernel/hostname)
cpus=$(nproc)
memory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
cat >"$conf" <<CONF
ClusterName=vpblocal
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"
/usr/sbin/slurmctld -f "$conf" || fail "slurmctld did not start"
/usr/sbin/slurmd -f "$conf" -N "$host" || fail "slurmd did not start"
for _ in $(seq 100); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "${state:-}" = idle ] || fail "the node did not become idle (sinfo: ${state:-no answer})"
echo "export SLURM_CONF=$conf"
