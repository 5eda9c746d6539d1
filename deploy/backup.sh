#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the files under $VAR_DIR/media, if any.
#   deploy/backup.sh [OUT_DIR]     (DATABASE_URL must point at PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL=postgres://...}"
case "$DATABASE_URL" in postgres*) ;; *) echo "backup needs PostgreSQL (DATABASE_URL=$DATABASE_URL)"; exit 2;; esac
OUT=${1:-${VAR_DIR:-var}/backups}
mkdir -p "$OUT"
stamp=$(date +%Y%m%d-%H%M%S)
pg_dump --format=custom --no-owner --file "$OUT/normdocs-$stamp.dump" "$DATABASE_URL"
if [ -d "${VAR_DIR:-var}/media" ]; then tar -C "${VAR_DIR:-var}" -czf "$OUT/normdocs-$stamp.media.tar.gz" media; fi
echo "$OUT/normdocs-$stamp.dump"
