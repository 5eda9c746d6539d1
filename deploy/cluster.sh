#!/usr/bin/env bash
# A production-shaped deployment on this machine: 2 gunicorn processes (2 workers each) on
# 127.0.0.1:8101 and :8102 (CLUSTER_WEB_PORTS), 2 Celery workers and 1 beat, with
# DJANGO_ENV=production. Scaling out is starting more of the same processes.
#   deploy/cluster.sh start | stop
#
# Isolated by default (issue 17): its own PostgreSQL cluster (initdb in $RUN/pg, a free port) and
# its own Redis (a free port), so that the load run's PostgreSQL restart and the flush touch
# nothing of a developer's own services. $RUN/cluster.env says where they are (bench/load.py
# reads it). CLUSTER_DATABASE_URL / CLUSTER_REDIS_URL use existing servers instead (then the
# load run cannot restart PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${CLUSTER_DIR:-/tmp/normdocs-cluster}
WEB_PORTS=${CLUSTER_WEB_PORTS:-8101 8102}
PG_BIN=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
export DJANGO_ENV=production DJANGO_SECURE_SSL_REDIRECT=false DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-local-cluster-secret-key-not-for-real-use-0123456789abcdef}
export VAR_DIR=$RUN/var AXES_FAILURE_LIMIT=1000 THROTTLE_PUBLIC_COMMENTS=100000/hour THROTTLE_PUBLIC_COMMENTS_PER_DOCUMENT=1000000/hour THROTTLE_REVIEW_SUBMISSIONS=100000/hour THROTTLE_REVIEW_REQUESTS=100000/hour GUNICORN_WORKERS=2
# Worker recycling (a memory guard in production, behind a proxy that retries) drops the idle
# keep-alive connections of the 50 test clients mid-run; the load run measures the application.
export GUNICORN_MAX_REQUESTS=0
PY=.venv/bin/python

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start() {
  mkdir -p "$RUN/var"
  local pgdata="" pg_port="" redis_port=""
  if [ -n "${CLUSTER_DATABASE_URL:-}" ]; then
    export DATABASE_URL=$CLUSTER_DATABASE_URL
  else
    pgdata=$RUN/pg pg_port=$(free_port)
    mkdir -p "$pgdata"
    if [ "$(id -u)" = 0 ]; then chown postgres "$RUN" "$pgdata"; fi
    as_postgres "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log"
    as_postgres "$PG_BIN/pg_ctl" -D "$pgdata" -l "$RUN/pg.log" -w \
      -o "-p $pg_port -k $RUN -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE normdocs_load" >/dev/null
    export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/normdocs_load
  fi
  if [ -n "${CLUSTER_REDIS_URL:-}" ]; then
    export REDIS_URL=$CLUSTER_REDIS_URL
  else
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --dir "$RUN" --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
    export REDIS_URL=redis://127.0.0.1:$redis_port/0
  fi
  cat >"$RUN/cluster.env" <<ENV
DATABASE_URL=$DATABASE_URL
REDIS_URL=$REDIS_URL
CLUSTER_PGDATA=$pgdata
CLUSTER_WEB_PORTS="$WEB_PORTS"
ENV
  $PY manage.py migrate --noinput -v0
  $PY manage.py seed_demo >/dev/null
  for port in $WEB_PORTS; do
    GUNICORN_BIND=127.0.0.1:$port .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi:application \
      --pid "$RUN/web-$port.pid" --access-logfile /dev/null --error-logfile "$RUN/web-$port.log" --daemon
  done
  for n in 1 2; do
    .venv/bin/celery -A config worker -n "worker$n@%h" --concurrency=1 --loglevel=warning \
      --pidfile="$RUN/worker-$n.pid" --logfile="$RUN/worker-$n.log" --detach
  done
  .venv/bin/celery -A config beat --loglevel=warning --schedule="$RUN/beat-schedule" \
    --pidfile="$RUN/beat.pid" --logfile="$RUN/beat.log" --detach
  for port in $WEB_PORTS; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/public/documents/" -o /dev/null && break; sleep 0.1; done
  done
  echo "cluster up: web on $WEB_PORTS, 2 workers, 1 beat, $DATABASE_URL, $REDIS_URL"
}

stop() {
  local pids=()
  for f in "$RUN"/web-*.pid "$RUN"/worker-*.pid "$RUN"/beat.pid; do
    [ -e "$f" ] && pids+=("$(cat "$f")")
  done
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  # the workers finish their task before the broker and the database go away
  for _ in $(seq 20); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  [ -e "$RUN/redis.pid" ] && kill "$(cat "$RUN/redis.pid")" 2>/dev/null || true
  if [ -e "$RUN/pg/PG_VERSION" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$RUN/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -e "$RUN/cluster.env" ] && rm -rf "$RUN"  # only a directory this script made
  echo "cluster stopped"
}

"${1:-start}"
