"""The replica scenario, run by tests/replica/test_replica.py in a child process whose
DATABASE_URL is a private primary and DATABASE_REPLICA_URL its streaming replica (deploy/replica.sh).
It migrates, builds a small city through the services, drives the views through Django's test
client and prints what it saw as one JSON object for the test to assert.

    python -m tests.replica.scenario replica | no-replica
"""
import contextlib
import json
import logging
import os
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from core import replica  # noqa: E402
from core.clock import today  # noqa: E402
from registry import services as registry  # noqa: E402
from review import services  # noqa: E402

BODY = "第一条 为规范本市校外培训机构管理，根据《中华人民共和国教育法》，制定本办法。\n第二条 本办法自公布之日起施行。"
PASSWORD = "replica-test-pw-1"
out = {}


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


warnings = Warnings()
logging.getLogger("core.replica").addHandler(warnings)
logging.getLogger("core.replica").setLevel(logging.WARNING)


def world():
    make = Organisation.objects.create
    city = make(code="CSZF", name="春城市人民政府", kind="office", number_prefix="春府规", level="city")
    orgs = {"city": city,
            "edu": make(code="CSJY", name="春城市教育局", kind="drafting", number_prefix="春教规", parent=city),
            "justice": make(code="CSSFJ", name="春城市司法局", kind="justice", parent=city, opinion_prefix="春司审",
                            signoff_required=False),
            "audit": make(code="CSSJJ", name="春城市审计局", kind="audit", parent=city)}
    users = {}
    for name, org, role in [("drafter", "edu", "drafter"), ("reviewer", "justice", "reviewer"),
                            ("registrar", "city", "registrar"), ("auditor", "audit", "auditor")]:
        users[name] = User.objects.create_user(username=name, password=PASSWORD, organisation=orgs[org], role=role)
    return orgs, users


def document(orgs, users, title, *, until="published"):
    doc = services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"],
                                   affects_rights=False, validity_years=5)
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk,
                                        drafting_notes="依据《中华人民共和国教育法》第十条制定。")
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="经审核，合法。",
                              urgent_reason="市政府常务会议即将审议，需提前出具审核意见")
    registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="市政府第12次常务会议",
                               deliberated_on=today())
    if until == "published":
        registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
    return doc.pk


def replica_sql(sql):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def caught_up(timeout=10.0):
    """Until the replica has replayed everything the primary has written."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def titles(response):
    return [row["title"] for row in response.json()["results"]]


_NOTHING = type("Nothing", (), {"captured_queries": []})()


def routed(client, path, *, count_replica=True):
    """The response, and how many queries went to each database while it was made (not counted
    on the replica once it is stopped: counting connects)."""
    with CaptureQueriesContext(connections["default"]) as primary, \
            (CaptureQueriesContext(connections["replica"]) if count_replica else contextlib.nullcontext(_NOTHING)) as standby:
        response = client.get(path)
        if getattr(response, "streaming", False):
            response.body_text = b"".join(response.streaming_content).decode("utf-8-sig")
    reads = [q for q in standby.captured_queries if "pg_is_in_recovery" not in q["sql"]]  # not the probe
    return response, len(primary), len(reads)


def token_client(username):
    login = Client().post("/api/auth/token/", {"username": username, "password": PASSWORD},
                          content_type="application/json")
    client = Client(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")
    return client, login


def with_replica():
    orgs, users = world()
    first = document(orgs, users, "春城市校外培训机构管理办法")
    out["caught_up_after_seed"] = caught_up()
    out["replica_in_recovery"] = replica_sql("SELECT pg_is_in_recovery()")[0]

    # (a) the anonymous public reads the replica: replay paused, a document published on the
    # primary is not on the public listing, the portal or the feed while the lag is under the limit
    second = document(orgs, users, "春城市见义勇为人员奖励办法", until="registered")
    auditor = Client()
    auditor.force_login(users["auditor"])
    registrar, login = token_client("registrar")
    out["token_login_marks_the_client"] = replica.COOKIE in login.cookies
    out["caught_up_before_pause"] = caught_up()
    replica_sql("SELECT pg_wal_replay_pause()")
    paused_at = time.monotonic()
    published = registrar.post(f"/api/documents/{second}/publish/", {"channel": "website"},
                               content_type="application/json")
    out["publish_status"] = published.status_code
    out["publish_sets_cookie"] = replica.COOKIE in published.cookies
    replica.forget_health()
    anonymous = Client()
    response, on_primary, on_replica = routed(anonymous, "/api/public/documents/")
    out["a_public_api"] = {"status": response.status_code, "titles": titles(response),
                           "primary_queries": on_primary, "replica_queries": on_replica}
    page, _, on_replica = routed(anonymous, "/public/")
    out["a_portal"] = {"status": page.status_code, "has_first": "校外培训机构" in page.content.decode(),
                       "has_second": "见义勇为" in page.content.decode(), "replica_queries": on_replica}
    feed, _, on_replica = routed(anonymous, "/api/public/feed.atom")
    out["a_feed"] = {"status": feed.status_code, "has_second": "见义勇为" in feed.content.decode(),
                     "replica_queries": on_replica}
    listing, _, on_replica = routed(auditor, "/api/documents/?q=见义勇为")
    out["a_staff_listing_other_user"] = {"status": listing.status_code,
                                         "states": [r["state"] for r in listing.json()["results"]],
                                         "replica_queries": on_replica}
    export, _, on_replica = routed(auditor, "/api/audit/events/?format=csv")
    out["a_export_other_user"] = {"status": export.status_code, "publishes": export.body_text.count("publish,"),
                                  "replica_queries": on_replica}
    # (b) read-your-own-writes: the registrar, by the token's user mark (a new client, no cookies) …
    fresh_token_client = Client(HTTP_AUTHORIZATION=registrar.defaults["HTTP_AUTHORIZATION"])
    mine, _, on_replica = routed(fresh_token_client, "/api/registry/")
    out["b_writer_registry_by_token"] = {"status": mine.status_code, "replica_queries": on_replica,
                                         "statuses": [r.get("status") for r in mine.json()["results"]],
                                         "numbers": [r.get("number") for r in mine.json()["results"]]}
    mine, _, on_replica = routed(fresh_token_client, "/api/documents/?q=见义勇为")
    out["b_writer_listing_by_token"] = {"states": [r["state"] for r in mine.json()["results"]],
                                        "replica_queries": on_replica}
    # … and by the cookie, on the public pages the writer opens next
    public_after_write, _, on_replica = routed(registrar, "/api/public/documents/")
    out["b_writer_public_by_cookie"] = {"titles": titles(public_after_write), "replica_queries": on_replica}
    # a page log-in marks the browser too
    browser = Client()
    page_login = browser.post("/login/", {"username": "drafter", "password": PASSWORD})
    out["b_page_login"] = {"status": page_login.status_code, "cookie": replica.COOKIE in page_login.cookies}
    out["a_elapsed_seconds"] = round(time.monotonic() - paused_at, 2)

    # (c) too far behind: still paused, the replica's last commit ages past the limit
    time.sleep(max(0.0, settings.REPLICA_MAX_LAG_SECONDS + 0.5 - (time.monotonic() - paused_at)))
    replica.forget_health()
    response, on_primary, on_replica = routed(Client(), "/api/public/documents/")
    out["c_behind"] = {"status": response.status_code, "titles": titles(response), "replica_queries": on_replica,
                       "health": replica.health().reason, "warned": any("behind" in w for w in warnings.lines)}
    page, _, on_replica = routed(Client(), "/public/")
    out["c_warnings"] = sum("behind" in w for w in warnings.lines)  # one per REPLICA_WARNING_SECONDS, not per request
    out["c_portal"] = {"status": page.status_code, "has_second": "见义勇为" in page.content.decode(),
                       "replica_queries": on_replica}
    replica_sql("SELECT pg_wal_replay_resume()")
    out["caught_up_after_resume"] = caught_up()
    replica.forget_health()
    response, _, on_replica = routed(Client(), "/api/public/documents/")
    out["c_resumed"] = {"titles": titles(response), "replica_queries": on_replica}

    # (d) the replica dies: first while it is believed healthy (mid-request), then for good
    third = document(orgs, users, "春城市生活垃圾分类管理办法")
    out["caught_up_before_stop"] = caught_up()
    settings.REPLICA_WARNING_SECONDS = 0
    settings.REPLICA_HEALTH_SECONDS = 3600  # the verdict "healthy" stays: the next request meets a dead replica
    replica.forget_health()
    routed(Client(), "/api/public/documents/")  # probe: healthy; the connection stays open (CONN_MAX_AGE)
    bin_dir = os.environ["REPLICA_PG_BIN"]
    stop = [f"{bin_dir}/pg_ctl", "-D", os.environ["REPLICA_PGDATA"], "-m", "immediate", "-w", "stop"]
    if os.geteuid() == 0:
        stop = ["runuser", "-u", "postgres", "--", *stop]
    subprocess.run(stop, check=True, capture_output=True)
    started = time.monotonic()
    response, on_primary, _ = routed(Client(), "/api/public/documents/", count_replica=False)
    out["d_mid_request"] = {"status": response.status_code, "titles": titles(response), "primary_queries": on_primary,
                            "seconds": round(time.monotonic() - started, 2), "health": replica.health().reason}
    settings.REPLICA_HEALTH_SECONDS = 0.2
    replica.forget_health()
    started = time.monotonic()
    page = Client().get("/public/")
    listing = auditor.get("/api/documents/")
    export = auditor.get("/api/audit/events/?format=csv")
    export_text = b"".join(export.streaming_content).decode("utf-8-sig")
    xlsx = auditor.get("/api/audit/events/?format=xlsx")
    feed = Client().get("/api/public/feed.atom")
    out["d_stopped"] = {
        "portal": page.status_code, "portal_has_third": "生活垃圾分类" in page.content.decode(),
        "listing": listing.status_code, "listing_count": listing.json().get("count"),
        "export": export.status_code, "export_has_third": "生活垃圾分类" in export_text,
        "xlsx": xlsx.status_code, "feed": feed.status_code, "feed_has_third": "生活垃圾分类" in feed.content.decode(),
        "seconds": round(time.monotonic() - started, 2), "health": replica.health().reason,
    }
    out["ids"] = [first, second, third]
    out["warnings"] = warnings.lines


def without_replica():
    out["replica_alias"] = "replica" in settings.DATABASES
    response = Client().get("/api/public/documents/")
    out["public_status"] = response.status_code
    out["public_titles"] = titles(response)
    login = Client().post("/api/auth/token/", {"username": "registrar", "password": PASSWORD},
                          content_type="application/json")
    out["login_status"] = login.status_code
    out["login_cookie"] = replica.COOKIE in login.cookies
    out["routers"] = settings.DATABASE_ROUTERS


if __name__ == "__main__":
    mode = sys.argv[1]
    try:
        if mode == "replica":
            call_command("migrate", verbosity=0)
            with_replica()
        else:
            without_replica()
    finally:  # what was seen so far, also when a step failed
        print("RESULT " + json.dumps(out, ensure_ascii=False))
