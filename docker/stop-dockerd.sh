#!/usr/bin/env bash
# Stop the Docker engine that docker/start-dockerd.sh started (and only that one).
set -uo pipefail
PIDFILE=${BQX_DOCKERD_PIDFILE:-/run/bqx-dockerd.pid}
[ -f "$PIDFILE" ] || { echo "dockerd: not started by bqx, left alone"; exit 0; }
pid=$(cat "$PIDFILE")
rm -f "$PIDFILE"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { echo "dockerd: stopped pid $pid"; exit 0; }; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null
  echo "dockerd: killed pid $pid (did not stop within 30 s)"
else
  echo "dockerd: pid $pid already gone"
fi
