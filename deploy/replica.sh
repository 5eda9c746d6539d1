#!/usr/bin/env bash
# A private PostgreSQL primary and a streaming replica of it (issue 19), for local use, the
# benchmarks (bench/bench_replica.py) and the replica tests (tests/replica/test_replica.py).
#   deploy/replica.sh start | stop
#
# Both live in $REPLICA_DIR (default /tmp/normdocs-replica) on free ports of 127.0.0.1, trust
# authentication, and touch nothing of the machine's own PostgreSQL. The replica is what
# production would run: pg_basebackup -R of the primary (wal_level=replica), hot standby,
# streaming. $REPLICA_DIR/replica.env says where they are:
#   DATABASE_URL=postgres://postgres@127.0.0.1:<p>/normdocs    the primary (writes, and every read by default)
#   DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:<r>/normdocs
# `set -a; . $REPLICA_DIR/replica.env; set +a` and then manage.py migrate / runserver use both.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${REPLICA_DIR:-/tmp/normdocs-replica}
DB=${REPLICA_DB:-normdocs}
PG_BIN=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$PG_BIN/initdb" ] || PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start() {
  if [ -e "$RUN/replica.env" ]; then
    echo "already started: $RUN/replica.env (deploy/replica.sh stop first)" >&2
    exit 1
  fi
  mkdir -p "$RUN"
  if [ "$(id -u)" = 0 ]; then chown postgres "$RUN"; fi
  local primary_port replica_port
  primary_port=$(free_port)
  replica_port=$(free_port)
  while [ "$replica_port" = "$primary_port" ]; do replica_port=$(free_port); done
  as_postgres "$PG_BIN/initdb" -D "$RUN/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log"
  cat >>"$RUN/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$RUN'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
CONF
  # replication connections from this host (initdb's file has them; said here so it never depends on that)
  echo "host replication postgres 127.0.0.1/32 trust" >>"$RUN/primary/pg_hba.conf"
  as_postgres "$PG_BIN/pg_ctl" -D "$RUN/primary" -l "$RUN/primary.log" -w start >/dev/null
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -qc "CREATE DATABASE $DB" >/dev/null
  # -R: standby.signal and primary_conninfo; -X stream: the WAL of the copy itself, over a second connection
  as_postgres "$PG_BIN/pg_basebackup" -R -X stream -c fast -D "$RUN/replica" -h 127.0.0.1 -p "$primary_port" -U postgres
  echo "port = $replica_port" >>"$RUN/replica/postgresql.conf"
  as_postgres "$PG_BIN/pg_ctl" -D "$RUN/replica" -l "$RUN/replica.log" -w start >/dev/null
  cat >"$RUN/replica.env" <<ENV
DATABASE_URL=postgres://postgres@127.0.0.1:$primary_port/$DB
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$replica_port/$DB
REPLICA_PRIMARY_PGDATA=$RUN/primary
REPLICA_PGDATA=$RUN/replica
REPLICA_PG_BIN=$PG_BIN
ENV
  echo "primary on 127.0.0.1:$primary_port, streaming replica on 127.0.0.1:$replica_port; $RUN/replica.env"
}

stop() {
  for data in "$RUN/replica" "$RUN/primary"; do
    if [ -e "$data/PG_VERSION" ]; then
      as_postgres "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
  if [ -e "$RUN/replica.env" ] || [ -e "$RUN/primary/PG_VERSION" ]; then
    rm -rf "$RUN"  # only a directory this script made
  fi
  echo "replica pair stopped"
}

"${1:-start}"
