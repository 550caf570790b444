#!/bin/sh
# bqx test image entrypoint: PostgreSQL 15 + pg_cron, one throwaway cluster per container.
#
# First start: initdb as the postgres user, create database "bqx", write the
# bqx settings (pg_cron preloaded for database bqx, settings sized for bulk loads; the
# same as the embedded cluster of `bqx db start`, see scripts/lib/local-cluster.ts).
# Authentication: local (socket) connections are trusted; host connections are trusted
# too unless POSTGRES_PASSWORD is set, then they need that password (scram-sha-256) for
# the superuser postgres. The test harness sets a random one, because published ports
# listen on every interface of the host.
# Then exec postgres in the foreground as PID 1. Extra server settings can be passed
# as arguments: docker run IMAGE -c work_mem=128MB
set -eu

PGBIN=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
  auth=trust; pwopt=
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    auth=scram-sha-256
    printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pgpass.init
    chown postgres /tmp/pgpass.init; chmod 600 /tmp/pgpass.init
    pwopt=--pwfile=/tmp/pgpass.init
  fi
  as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=$auth $pwopt \
    --encoding=UTF8 --no-locale >/tmp/initdb.log 2>&1 || { cat /tmp/initdb.log >&2; exit 1; }
  rm -f /tmp/pgpass.init
  # clients from any address (the container's published port)
  echo "host all all all $auth" >> "$PGDATA/pg_hba.conf"
  echo "CREATE DATABASE bqx" | as_postgres "$PGBIN/postgres" --single -D "$PGDATA" postgres >/dev/null
  cat >> "$PGDATA/postgresql.conf" <<'CONF'

# ---- bqx settings (keep in step with scripts/lib/local-cluster.ts) ----
listen_addresses = '*'
port = 5432
max_connections = 60
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
checkpoint_timeout = 30min
synchronous_commit = off
wal_level = minimal
max_wal_senders = 0
max_worker_processes = 24
max_parallel_workers = 4
max_parallel_workers_per_gather = 2
timezone = 'UTC'
log_timezone = 'UTC'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'bqx'
cron.use_background_workers = on
cron.max_running_jobs = 16
cron.host = '/var/run/postgresql'
# a throwaway test container: durability is not needed
fsync = off
full_page_writes = off
# this image ships without LLVM
jit = off
CONF
  echo "bqx-test: initialized $PGDATA (database bqx, pg_cron preloaded)" >&2
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$PGBIN/postgres" -D "$PGDATA" "$@"
