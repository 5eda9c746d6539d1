#!/usr/bin/env bash
# Property-based API testing with Schemathesis against /api/schema/, once per role (and anonymous):
# no 500 anywhere, and every documented response matches the schema. A throwaway SQLite world
# seeded by seed_demo and deploy/schemathesis_world.py (documents in every state, comments,
# findings, inbox messages), served by gunicorn on 127.0.0.1 only. Path ids are drawn from that
# world most of the time (schemathesis.toml dictionaries), so document actions reach real
# documents; the run fails if an operation only ever answered 404 (issue 17).
# Usage: deploy/schemathesis.sh [SECONDS_PER_ROLE]
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-40}
PORT=${SCHEMATHESIS_PORT:-8765}
WORK=$(mktemp -d)
export VAR_DIR=$WORK DATABASE_URL= REDIS_URL= DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export AXES_FAILURE_LIMIT=100000 THROTTLE_PUBLIC_COMMENTS=100000/hour THROTTLE_PUBLIC_COMMENTS_PER_DOCUMENT=1000000/hour THROTTLE_REVIEW_SUBMISSIONS=100000/hour THROTTLE_REVIEW_REQUESTS=100000/hour LOG_LEVEL=ERROR  # 4xx answers are the point here, not news
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo >/dev/null
$PY deploy/schemathesis_world.py >"$WORK/world.toml"
.venv/bin/gunicorn config.wsgi:application -b 127.0.0.1:$PORT -w 2 --log-level warning --error-logfile "$WORK/gunicorn.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/schema/" -o /dev/null && break; sleep 0.2; done

# Ids from the seeded world nine times in ten; anything else the rest of the time.
cat "$WORK/world.toml" - >"$WORK/schemathesis.toml" <<'TOML'
[parameters]
"path.id" = { dictionary = "documents", probability = 0.9 }
"path.comment_id" = { dictionary = "comments", probability = 0.9 }
"path.finding_id" = { dictionary = "findings", probability = 0.9 }

"path.number" = { dictionary = "numbers", probability = 0.9 }
"path.receipt" = { dictionary = "receipts", probability = 0.9 }

[[operations]]
include-path = "/api/inbox/{id}/read/"
parameters = { "path.id" = { dictionary = "messages", probability = 0.9 } }

[[operations]]
include-path-regex = "^/api/opinions/"
parameters = { "path.id" = { dictionary = "opinions", probability = 0.9 } }

[[operations]]
include-path-regex = "^/api/filings/"
parameters = { "path.id" = { dictionary = "filings", probability = 0.9 } }

[[operations]]
include-path-regex = "/versions/\\{number\\}/file/$"
parameters = { "path.id" = { dictionary = "uploaded", probability = 0.9 }, "path.number" = { dictionary = "uploaded_numbers", probability = 0.9 } }

[[operations]]
include-path-regex = "^/api/public/documents/\\{id\\}/"
parameters = { "path.id" = { dictionary = "public", probability = 0.9 } }

[[operations]]
include-path-regex = "cleanups/"
parameters = { "path.id" = { dictionary = "cleanups", probability = 0.9 }, "path.document_id" = { dictionary = "documents", probability = 0.9 } }

[[operations]]
include-path-regex = "^/api/review-requests/"
parameters = { "path.id" = { dictionary = "requests", probability = 0.9 } }
TOML

token() {
  curl -sf -X POST "http://127.0.0.1:$PORT/api/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"demo12345\"}" | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

status=0
hars=()
for role in ${SCHEMATHESIS_ROLES:-anonymous drafter head reviewer adviser registrar auditor}; do
  headers=()
  [ "$role" = anonymous ] || headers=(-H "Authorization: Token $(token $role)")
  echo "=== schemathesis as $role (${BUDGET}s)"
  log=var/schemathesis-$role.log
  mkdir -p var
  hars+=("$WORK/$role.har")
  if .venv/bin/schemathesis --config-file "$WORK/schemathesis.toml" run "http://127.0.0.1:$PORT/api/schema/" \
      "${headers[@]}" \
      --checks not_a_server_error,response_schema_conformance,content_type_conformance \
      --phases examples,coverage,fuzzing --max-time "$BUDGET" --workers 1 \
      --suppress-health-check all --no-color \
      --report har --report-har-path "$WORK/$role.har" \
      --exclude-operation-id auth_token_revoke >"$log" 2>&1; then  # revoke would end this run's token
    tail -5 "$log"
  else
    status=1
    sed -n '/FAILURES/,/SUMMARY/p' "$log" | head -150
    tail -8 "$log"
  fi
done
echo "=== did every operation reach a real object?"
$PY deploy/schemathesis_coverage.py "http://127.0.0.1:$PORT/api/schema/?format=json" "${hars[@]}" \
  --exclude auth_token_revoke | tee var/schemathesis-coverage.log || status=1
exit $status
