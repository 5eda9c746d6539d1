#!/usr/bin/env bash
# Restore a backup into a fresh, empty database, then verify the audit chain.
#   deploy/restore.sh FILE.dump TARGET_DATABASE_URL
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=${1:?usage: deploy/restore.sh FILE.dump postgres://.../newdb}
TARGET=${2:?usage: deploy/restore.sh FILE.dump postgres://.../newdb}
pg_restore --no-owner --exit-on-error --dbname "$TARGET" "$FILE"
media=${FILE%.dump}.media.tar.gz
if [ -f "$media" ]; then mkdir -p "${VAR_DIR:-var}" && tar -C "${VAR_DIR:-var}" -xzf "$media"; fi
DATABASE_URL=$TARGET .venv/bin/python manage.py verify_audit_log
