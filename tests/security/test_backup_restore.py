"""make backup / make restore: a restore into a fresh database verifies intact, and every
document's state and number are the same."""
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.helpers import postgres_only

ROOT = Path(__file__).resolve().parents[2]


def url(name):
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def documents(dsn):
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT id, state, number, current_version_id FROM review_document ORDER BY id").fetchall()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_restore_into_a_fresh_database(make_document, users, tmp_path):
    for step in ("drafting", "submitted", "approved", "registered", "published", "published"):
        make_document(step)
    source = url(connection.settings_dict["NAME"])
    env = {**os.environ, "DATABASE_URL": source}
    dump = subprocess.run(["deploy/backup.sh", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]
    target_name = connection.settings_dict["NAME"] + "_restored"
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        admin.execute(f'CREATE DATABASE "{target_name}"')
    try:
        restored = subprocess.run(["deploy/restore.sh", dump, url(target_name)], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
        assert restored.returncode == 0, restored.stderr[-2000:]
        assert "intact" in restored.stdout
        assert documents(url(target_name)) == documents(source)
        assert sum(1 for _, _, number, _ in documents(source) if number) == 3
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
