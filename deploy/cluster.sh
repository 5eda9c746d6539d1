#!/usr/bin/env bash
# A production-shaped deployment on this machine: 2 gunicorn processes (2 workers each) on
# 127.0.0.1:8101 and :8102, 2 Celery workers and 1 beat, against the local PostgreSQL and Redis,
# with DJANGO_ENV=production. Scaling out is starting more of the same processes.
#   deploy/cluster.sh start | stop
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${CLUSTER_DIR:-/tmp/normdocs-cluster}
DB=${CLUSTER_DB:-normdocs_load}
export DATABASE_URL=${CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB}
export REDIS_URL=${CLUSTER_REDIS_URL:-redis://127.0.0.1:6379/3}
export DJANGO_ENV=production DJANGO_SECURE_SSL_REDIRECT=false DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-local-cluster-secret-key-not-for-real-use-0123456789abcdef}
export VAR_DIR=$RUN/var AXES_FAILURE_LIMIT=1000 THROTTLE_PUBLIC_COMMENTS=100000/hour THROTTLE_PUBLIC_COMMENTS_PER_DOCUMENT=1000000/hour THROTTLE_REVIEW_REQUESTS=100000/hour GUNICORN_WORKERS=2
# Worker recycling (a memory guard in production, behind a proxy that retries) drops the idle
# keep-alive connections of the 50 test clients mid-run; the load run measures the application.
export GUNICORN_MAX_REQUESTS=0
PY=.venv/bin/python

start() {
  mkdir -p "$RUN/var"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
  redis-cli -u "$REDIS_URL" flushdb >/dev/null
  $PY manage.py migrate --noinput -v0
  $PY manage.py seed_demo >/dev/null
  for port in 8101 8102; do
    GUNICORN_BIND=127.0.0.1:$port .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi:application \
      --pid "$RUN/web-$port.pid" --access-logfile /dev/null --error-logfile "$RUN/web-$port.log" --daemon
  done
  for n in 1 2; do
    .venv/bin/celery -A config worker -n "worker$n@%h" --concurrency=1 --loglevel=warning \
      --pidfile="$RUN/worker-$n.pid" --logfile="$RUN/worker-$n.log" --detach
  done
  .venv/bin/celery -A config beat --loglevel=warning --schedule="$RUN/beat-schedule" \
    --pidfile="$RUN/beat.pid" --logfile="$RUN/beat.log" --detach
  for port in 8101 8102; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/public/documents/" -o /dev/null && break; sleep 0.1; done
  done
  echo "cluster up: web 127.0.0.1:8101 127.0.0.1:8102, 2 workers, 1 beat, database $DB"
}

stop() {
  for f in "$RUN"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 1
  echo "cluster stopped"
}

"${1:-start}"
