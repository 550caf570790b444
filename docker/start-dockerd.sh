#!/usr/bin/env bash
# Start a Docker engine if none answers, and wait until `docker info` works.
# Prints one line: "dockerd: already running" or "dockerd: started pid N (log: FILE)".
# When it starts one, it records the pid in $BQX_DOCKERD_PIDFILE (default
# /run/bqx-dockerd.pid) so docker/stop-dockerd.sh stops only the engine it started.
#
# Flags: the defaults (overlay2, iptables, bridge with userland proxy) work in the bqx
# dev/CI VMs (cgroup v1, kernel with overlay). If the engine does not come up with
# them, a second try uses the most conservative set: --storage-driver=vfs
# --iptables=false --ip6tables=false (ports are then published by docker-proxy only).
# Extra flags: BQX_DOCKERD_FLAGS="...".
set -euo pipefail

LOG=${BQX_DOCKERD_LOG:-/var/log/bqx-dockerd.log}
PIDFILE=${BQX_DOCKERD_PIDFILE:-/run/bqx-dockerd.pid}
SOCK=/var/run/docker.sock
log() { echo "dockerd: $*" >&2; }

if docker info >/dev/null 2>&1; then
  echo "dockerd: already running"
  exit 0
fi
command -v dockerd >/dev/null || { log "dockerd not found: apt-get install docker.io"; exit 1; }
[ "$(id -u)" = 0 ] || { log "must be root to start dockerd"; exit 1; }

# a previous engine that died leaves its pid file behind and dockerd refuses to start
for f in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
  if [ -f "$f" ] && ! kill -0 "$(cat "$f" 2>/dev/null)" 2>/dev/null; then rm -f "$f"; fi
done

try_start() { # $@: flags; returns 0 when docker info answers
  log "starting: dockerd $*"
  echo "==== $(date -u +%FT%TZ) dockerd $*" >> "$LOG"
  # setsid: own session, so it survives the caller's job control and gets no SIGHUP
  setsid dockerd --host="unix://$SOCK" "$@" ${BQX_DOCKERD_FLAGS:-} >> "$LOG" 2>&1 < /dev/null &
  local pid=$! i
  for i in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      echo "$pid" > "$PIDFILE"
      echo "dockerd: started pid $pid (log: $LOG)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  log "no answer from dockerd (pid $pid); last log lines:"
  tail -15 "$LOG" >&2 || true
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f /var/run/docker.pid
  return 1
}

try_start && exit 0
try_start --storage-driver=vfs --iptables=false --ip6tables=false && exit 0
log "could not start a Docker engine (see $LOG)"
exit 1
