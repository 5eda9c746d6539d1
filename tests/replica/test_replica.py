"""A real streaming replica (issue 19): deploy/replica.sh starts a private primary (initdb,
wal_level=replica) and a hot standby made with pg_basebackup -R, on free ports in a temporary
directory; the machine's own PostgreSQL is not touched. A child process with DATABASE_URL on the
primary and DATABASE_REPLICA_URL on the standby (tests/replica/scenario.py) migrates, builds a small
city through the services and drives the views with Django's test client; the assertions are here.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import postgres_only

ROOT = Path(__file__).resolve().parents[2]
pytestmark = postgres_only
LAG_LIMIT = 4.0


def _env_file(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="module")
def pair():
    run = tempfile.mkdtemp(prefix="normdocs-replica-test-")
    env = {**os.environ, "REPLICA_DIR": run, "PYTHON": sys.executable}
    try:
        subprocess.run([str(ROOT / "deploy/replica.sh"), "start"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
        yield {**_env_file(Path(run) / "replica.env"), "RUN": run}
    finally:
        subprocess.run([str(ROOT / "deploy/replica.sh"), "stop"], cwd=ROOT, env=env, capture_output=True, timeout=60)
        shutil.rmtree(run, ignore_errors=True)


def _scenario(pair, mode) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REPLICA_", "DJANGO_"))}
    env.update(DATABASE_URL=pair["DATABASE_URL"], REPLICA_PGDATA=pair["REPLICA_PGDATA"],
               REPLICA_PG_BIN=pair["REPLICA_PG_BIN"], VAR_DIR=f"{pair['RUN']}/var", LOG_LEVEL="ERROR",
               REPLICA_MAX_LAG_SECONDS=str(LAG_LIMIT), REPLICA_READ_YOUR_WRITES_SECONDS="8",
               REPLICA_HEALTH_SECONDS="0.2", DB_CONN_MAX_AGE="60", DJANGO_SETTINGS_MODULE="config.settings")
    if mode == "replica":
        env["DATABASE_REPLICA_URL"] = pair["DATABASE_REPLICA_URL"]
    done = subprocess.run([sys.executable, "-m", "tests.replica.scenario", mode], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-6000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


@pytest.fixture(scope="module")
def seen(pair):
    return _scenario(pair, "replica")


FIRST, SECOND = "春城市校外培训机构管理办法", "春城市见义勇为人员奖励办法"


def test_it_is_a_real_streaming_replica(seen):
    assert seen["replica_in_recovery"] is True
    assert seen["caught_up_after_seed"] and seen["caught_up_before_pause"]


def test_the_anonymous_public_reads_the_replica_while_it_is_close_behind(seen):
    """Replay paused, a document published on the primary: the public does not see it yet, and
    every query of the public listing went to the replica."""
    assert seen["publish_status"] == 200
    assert seen["a_elapsed_seconds"] < LAG_LIMIT, "the phase took too long to prove anything"
    api = seen["a_public_api"]
    assert api["status"] == 200 and api["titles"] == [FIRST] and api["replica_queries"] >= 1
    assert seen["a_portal"] == {"status": 200, "has_first": True, "has_second": False,
                                "replica_queries": seen["a_portal"]["replica_queries"]}
    assert seen["a_portal"]["replica_queries"] >= 1
    assert seen["a_feed"]["status"] == 200 and not seen["a_feed"]["has_second"] and seen["a_feed"]["replica_queries"]


def test_staff_listings_and_exports_of_other_users_read_the_replica(seen):
    listing = seen["a_staff_listing_other_user"]
    assert listing["status"] == 200 and len(listing["states"]) == 1 and listing["states"] != ["published"] and listing["replica_queries"] >= 1
    export = seen["a_export_other_user"]
    assert export["status"] == 200 and export["publishes"] == 1 and export["replica_queries"] >= 1


def test_the_writer_sees_its_write_at_once(seen):
    """By the user's mark (a token client keeps no cookies) and by the cookie, log-ins included."""
    assert seen["publish_sets_cookie"] and seen["token_login_marks_the_client"]
    registry = seen["b_writer_registry_by_token"]
    assert registry["status"] == 200 and registry["replica_queries"] == 0 and len(registry["numbers"]) == 2
    assert seen["b_writer_listing_by_token"] == {"states": ["published"], "replica_queries": 0}
    assert seen["b_writer_public_by_cookie"] == {"titles": [SECOND, FIRST], "replica_queries": 0}
    assert seen["b_page_login"] == {"status": 302, "cookie": True}


def test_a_replica_too_far_behind_is_left_for_the_primary(seen):
    behind = seen["c_behind"]
    assert behind["status"] == 200 and behind["titles"] == [SECOND, FIRST] and behind["replica_queries"] == 0
    assert "behind" in behind["health"] and behind["warned"] and seen["c_warnings"] == 1
    assert seen["c_portal"] == {"status": 200, "has_second": True, "replica_queries": 0}
    # replay resumed: the replica serves again, and has caught up
    assert seen["caught_up_after_resume"]
    assert seen["c_resumed"]["titles"] == [SECOND, FIRST] and seen["c_resumed"]["replica_queries"] >= 1


def test_a_replica_that_dies_costs_nothing_but_a_warning(seen):
    mid = seen["d_mid_request"]
    assert mid["status"] == 200 and len(mid["titles"]) == 3 and mid["primary_queries"] >= 1
    assert mid["seconds"] < 3
    stopped = seen["d_stopped"]
    assert stopped["portal"] == 200 and stopped["portal_has_third"]
    assert stopped["listing"] == 200 and stopped["listing_count"] == 3
    assert stopped["export"] == 200 and stopped["export_has_third"]
    assert stopped["xlsx"] == 200 and stopped["feed"] == 200 and stopped["feed_has_third"]
    assert "unreachable" in stopped["health"] and stopped["seconds"] < 5
    assert any("failed mid-request" in w or "unreachable" in w for w in seen["warnings"])


def test_without_a_replica_url_nothing_changes(pair, seen):
    plain = _scenario(pair, "no-replica")
    assert plain["replica_alias"] is False
    assert plain["public_status"] == 200 and len(plain["public_titles"]) == 3
    assert plain["login_status"] == 200 and plain["login_cookie"] is False
