"""Benchmarks at city and province scale, each against a baseline measured in the same run, on
the same PostgreSQL database and data (issues 7 and 19).

    make bench        # 10,000, 100,000 and 1,000,000 documents (10 history rows each), then the rest
    BENCH_ARGS="--scales 2000 10000 --repeat 10 --lifecycle-per-thread 10" make bench   # quicker

Reads (staff listing with filters, two-character search, the public portal, the catalogue) are
timed against raw SQL returning the same rows, page and count (p95 ratio, target <= 3). The
lifecycle (create, submit, approve, register, publish through the service functions) runs at 1
and 8 threads against the same steps in bare SQL. Prints a table and writes bench/results.json.
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/normdocs_bench;
the database is dropped and created anew)."""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/normdocs_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
WORKERS = 8


def dsn(name=None):
    base, _, db = BENCH_URL.rpartition("/")
    return f"{base}/{name or db}"


def timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    runs.sort()
    return {"median_ms": round(statistics.median(runs) * 1000, 2), "p95_ms": round(runs[int(0.95 * (len(runs) - 1))] * 1000, 2)}


def ratio(measure, baseline):
    return round(measure["median_ms"] / baseline["median_ms"], 2) if baseline["median_ms"] else None


def prepare_database():
    import psycopg

    with psycopg.connect(dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dsn().rpartition("/")[2]}"')
        admin.execute(f'CREATE DATABASE "{dsn().rpartition("/")[2]}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- 1. reads: staff listing, search, public portal, catalogue -------------------------------------
# Each endpoint against raw SQL (psycopg) returning the same rows, page and count in the same run,
# written as one would write it by hand: the count, the page with the columns the endpoint
# returns (joined, with the open round's handler and the catalogue item), and the small per-page
# lookups the endpoint also returns (opinions, links, interpretations). Timed alternately.
def _staff_sql(where, order="d.updated_at DESC, d.id DESC", limit=50):
    from review.selectors import DocumentRow

    columns = ", ".join(f"d.{name}" for name in DocumentRow.FIELDS)
    count = ("SELECT count(*) FROM review_document d JOIN accounts_organisation i ON i.id = d.issuer_id "
             f"WHERE {where}")
    page = f"""SELECT {columns}, i.code, o.code, v.body, v.number, v.precheck, h.username, r.paused_on, c.id
        FROM review_document d JOIN accounts_organisation i ON i.id = d.issuer_id
        JOIN accounts_organisation o ON o.id = d.drafting_org_id
        LEFT JOIN review_version v ON v.id = d.current_version_id
        LEFT JOIN review_reviewround r ON r.document_id = d.id AND r.outcome = ''
        LEFT JOIN accounts_user h ON h.id = r.handler_id
        LEFT JOIN LATERAL (SELECT id FROM review_decisioncatalogueitem c WHERE c.document_id = d.id LIMIT 1) c ON true
        WHERE {where} ORDER BY {order} LIMIT {limit}"""
    return count, page


PAGE_EXTRAS = [
    "SELECT id, document_id, number, outcome, signed_at FROM review_opinion WHERE document_id = ANY(%(ids)s) "
    "AND status = 'issued' ORDER BY signed_at, id",
    "SELECT l.source_id, l.target_id, l.kind, s.state, s.published_on FROM review_documentlink l "
    "JOIN review_document s ON s.id = l.source_id WHERE l.source_id = ANY(%(ids)s) OR l.target_id = ANY(%(ids)s) "
    "ORDER BY 1, 2",
    "SELECT document_id, title, body, interpreter, updated_at FROM review_interpretation "
    "WHERE document_id = ANY(%(ids)s)",
]
PUBLIC = "d.state IN ('published', 'repealed', 'expired') AND d.published_on <= %(today)s"
IN_FORCE = (PUBLIC + " AND d.kind = 'normative' AND d.effective_from <= %(today)s AND "
            "(d.expires_on IS NULL OR d.expires_on >= %(today)s) AND (d.ended_on IS NULL OR d.ended_on > %(today)s)")


def read_cases():
    """name -> (who, path, baseline statements). A statement with %(ids)s runs on the page's ids."""
    staff_extras = PAGE_EXTRAS + ["SELECT date, is_workday FROM core_holidayoverride ORDER BY 1"]
    overdue = "d.state = 'legality_review' AND d.review_due_at < %(today)s AND i.code = 'CSZF'"
    published = "d.state = 'published' AND i.code = 'D00'"
    # the bigram index's condition and the exact match, as the endpoint (selectors.search) and
    # as anyone writing it by hand would: the index finds the candidates, ILIKE keeps it exact
    search = ("(doc_bigrams(d.title) @> ARRAY['校外'] OR doc_bigrams(d.number) @> ARRAY['校外']) "
              "AND (d.title ILIKE '%%校外%%' OR d.number ILIKE '%%校外%%')")
    public_page = f"""SELECT d.id, d.number, d.title, v.body, i.code, i.name, d.state, d.published_on, d.effective_from,
        d.expires_on, d.valid_until, d.publication_channel FROM review_document d
        JOIN accounts_organisation i ON i.id = d.issuer_id LEFT JOIN review_version v ON v.id = d.current_version_id
        WHERE {PUBLIC} ORDER BY d.published_on DESC, d.id DESC LIMIT 50"""
    portal_page = f"""SELECT d.id, d.number, d.title, d.state, d.published_on, d.effective_from, d.expires_on,
        i.code, i.name, o.code FROM review_document d JOIN accounts_organisation i ON i.id = d.issuer_id
        JOIN accounts_organisation o ON o.id = d.drafting_org_id
        WHERE {PUBLIC} ORDER BY d.published_on DESC, d.id DESC LIMIT 20"""
    consultations = """SELECT d.id, d.title, d.comment_closes_on, i.code, i.name FROM review_document d
        JOIN accounts_organisation i ON i.id = d.issuer_id
        WHERE d.state = 'public_comment' AND d.comment_closes_on >= %(today)s ORDER BY d.comment_closes_on, d.id LIMIT 10"""
    catalogue = f"""SELECT d.id, d.number, d.title, i.code, i.name, d.published_on, d.effective_from, d.expires_on
        FROM review_document d JOIN accounts_organisation i ON i.id = d.issuer_id
        WHERE {IN_FORCE} AND i.code = %(issuer)s ORDER BY i.code, d.published_on, d.id"""
    issuers = """SELECT o.id, o.code, o.name FROM accounts_organisation o WHERE EXISTS (SELECT 1 FROM review_document d
        WHERE d.issuer_id = o.id AND d.kind = 'normative' AND d.state IN ('published', 'repealed', 'expired'))
        ORDER BY o.code"""
    cleanups = "SELECT id FROM registry_cleanup WHERE state = 'published' ORDER BY published_on DESC, id DESC LIMIT 20"
    return {
        "listing": ("auditor", "/api/documents/?state=legality_review&overdue=true&issuer=CSZF",
                    [*_staff_sql(overdue), *staff_extras]),
        "listing_published": ("auditor", "/api/documents/?state=published&issuer=D00",
                              [*_staff_sql(published), *staff_extras]),
        "listing_all": ("auditor", "/api/documents/", [*_staff_sql("true"), *staff_extras]),
        "search": ("auditor", "/api/documents/?q=%E6%A0%A1%E5%A4%96", [*_staff_sql(search), *staff_extras]),
        "public_api": (None, "/api/public/documents/",
                       [f"SELECT count(*) FROM review_document d WHERE {PUBLIC}", public_page, *PAGE_EXTRAS[1:]]),
        "public_portal": ("page", "/public/",
                          [f"SELECT count(*) FROM review_document d WHERE {PUBLIC}", portal_page, consultations]),
        "catalogue": (None, "/api/public/catalogue/?issuer=D00",
                      ["SELECT id FROM accounts_organisation WHERE code = %(issuer)s", catalogue]),
        "catalogue_page": ("page", "/public/catalogue/?issuer=D00",
                           ["SELECT id FROM accounts_organisation WHERE code = %(issuer)s", catalogue, issuers,
                            cleanups]),
    }


def _timed_pair(fn, base, repeat):
    fn(), base()  # warm both
    runs, base_runs = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base()
        base_runs.append(time.perf_counter() - t0)
    return _stats(runs), _stats(base_runs)


def _stats(runs):
    runs = sorted(runs)
    return {"median_ms": round(statistics.median(runs) * 1000, 2),
            "p95_ms": round(runs[min(len(runs) - 1, math.ceil(0.95 * len(runs)) - 1)] * 1000, 2)}


def bench_reads(repeat, only=None):
    import psycopg
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User

    clients = {"auditor": APIClient(), None: APIClient(), "page": Client()}
    clients["auditor"].force_authenticate(User.objects.get(username="auditor"))
    params = {"today": dt.date.today(), "issuer": "D00"}
    out = {}
    # the raw SQL is planned for its own values every time (psycopg would prepare a statement run
    # five times, and a generic plan can be far worse: the search's took 1.6 s instead of 0.07)
    with psycopg.connect(dsn(), autocommit=True, prepare_threshold=None) as raw:
        for name, (who, path, statements) in read_cases().items():
            if only and name not in only:
                continue
            client = clients[who]
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            rows = _rows_of(response)
            reset_queries()  # the query log is a bounded deque: a full one would capture nothing
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            queries = len(ctx.captured_queries)  # now: the next request empties the query log

            def baseline():
                ids = None
                returned = []
                for sql in statements:
                    if "%(ids)s" in sql:
                        raw.execute(sql, {**params, "ids": ids}).fetchall()
                    else:
                        result = raw.execute(sql, params).fetchall()
                        returned.append(result)
                        if ids is None and result and len(result[0]) > 1:
                            ids = [row[0] for row in result]
                return returned

            base_rows = max((len(r) for r in baseline()), default=0)
            measure, base = _timed_pair(lambda: client.get(path), baseline, repeat)
            out[name] = {"path": path, **measure, "baseline_median_ms": base["median_ms"],
                         "baseline_p95_ms": base["p95_ms"],
                         "ratio_p95": round(measure["p95_ms"] / base["p95_ms"], 2) if base["p95_ms"] else None,
                         "ratio_median": round(measure["median_ms"] / base["median_ms"], 2) if base["median_ms"] else None,
                         "queries": queries, "baseline_statements": len(statements),
                         "rows": rows, "baseline_rows": base_rows, "target": "ratio_p95 <= 3"}
            print(f"  {name:<20} p95 {measure['p95_ms']:>8} ms  baseline {base['p95_ms']:>8} ms  "
                  f"×{out[name]['ratio_p95']}", flush=True)
    return out


def _rows_of(response):
    """How many rows the endpoint answered with (the page of a list, the catalogue's rows)."""
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        return len(data.get("results", [])) if isinstance(data, dict) else len(data)
    return None


# --- 2. the lifecycle: create → submit → approve → register → publish, 1 and 8 threads --------------
LIFECYCLE_THREADS = 8


def _lifecycle_users(t):
    from accounts.models import Organisation, User

    return (User.objects.get(username=f"drafter_{t}"), User.objects.get(username="reviewer"),
            User.objects.get(username=f"registrar_{t}"), Organisation.objects.get(code=f"D{t:02d}"))


def _lifecycle_one(drafter, reviewer, registrar, issuer, k, capture=None):
    """One document through the five service calls; ``capture`` (a dict) gets each call's statements
    (as tests/test_query_counts.py counts them: savepoints and BEGIN/COMMIT left out)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry import services as registry
    from review import services

    today = dt.date.today()
    calls = [
        ("create", lambda: services.document_create(
            actor=drafter, title=f"春城市校外培训机构管理办法（基准{k}）", body="第一条 为规范校外培训机构，制定本办法。",
            issuer=issuer, affects_rights=False, validity_years=5)),
        ("submit", lambda: services.document_submit_for_review(actor=drafter, document_id=doc_id,
                                                               drafting_notes="依据《中华人民共和国教育法》制定。")),
        ("approve", lambda: services.document_approve(actor=reviewer, document_id=doc_id, opinion="经审核，合法。",
                                                      urgent_reason="基准测试：市政府常务会议即将审议")),
        ("register", lambda: registry.document_register(actor=registrar, document_id=doc_id, meeting="常务会议",
                                                        deliberated_on=today)),
        ("publish", lambda: registry.document_publish(actor=registrar, document_id=doc_id, channel="website")),
    ]
    doc_id = None
    for name, call in calls:
        if capture is None:
            result = call()
        else:
            with CaptureQueriesContext(connection) as ctx:
                result = call()
            capture[name] = [q["sql"] for q in ctx.captured_queries
                             if not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))]
        if name == "create":
            doc_id = result.pk
    return doc_id


def _service_thread(t, count, barrier, results):
    from django.db import connection

    try:
        drafter, reviewer, registrar, issuer = _lifecycle_users(t)
        barrier.wait()
        t0 = time.perf_counter()
        for k in range(count):
            _lifecycle_one(drafter, reviewer, registrar, issuer, f"{t}-{k}-{time.monotonic_ns()}")
        results[t] = (count, time.perf_counter() - t0, None)
    except Exception as error:  # noqa: BLE001 - reported, never hidden
        results[t] = (0, 0.0, repr(error))
        barrier.abort()
    finally:
        connection.close()


def _service_process(t, count, barrier, queue):
    """``_service_thread`` in a process of its own (as gunicorn and Celery run the services)."""
    results = {}
    _service_thread(t, count, barrier, results)
    queue.put(results[t])


def _run_processes(processes, count):
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, queue = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_service_process, args=(t, count, barrier, queue)) for t in range(processes)]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=900) for _ in procs]
    for proc in procs:
        proc.join()
    done, busy = sum(r[0] for r in results), max((r[1] for r in results), default=0.0)
    return {"threads": processes, "documents": done, "seconds": round(busy, 2),
            "docs_per_s": round(done / busy, 1) if busy else None, "errors": [r[2] for r in results if r[2]][:3]}


RAW_HISTORY = ("INSERT INTO review_history (document_id, position, action, from_state, to_state, actor_id, at, "
               "opinion, version_id, prev_hash, hash) SELECT d, (SELECT coalesce(max(position), 0) + 1 FROM "
               "review_history WHERE document_id = d), %s, %s, %s, %s, now(), %s, %s, %s, %s FROM (SELECT %s::bigint AS d) x")


def _raw_thread(t, count, barrier, results, ids):
    """The same five acts in bare SQL, one transaction each, one history row each; numbers from the
    issuer's own counter row (per issuer, as the services' numbering)."""
    import psycopg

    drafter, reviewer, registrar, issuer = ids
    year = dt.date.today().year
    try:
        with psycopg.connect(dsn()) as conn:
            barrier.wait()
            t0 = time.perf_counter()
            prev = "0" * 64
            for k in range(count):
                def history(doc, version, action, before, after, actor, opinion=""):
                    nonlocal prev
                    digest = hashlib.sha256(f"{prev}{doc}{action}{after}".encode()).hexdigest()
                    conn.execute(RAW_HISTORY, [action, before, after, actor, opinion, version, prev, digest, doc])
                    prev = digest

                body = "第一条 为规范校外培训机构，制定本办法。"
                with conn.transaction():  # create
                    doc = conn.execute(
                        "INSERT INTO review_document (kind, title, issuer_id, drafting_org_id, affects_rights, "
                        "business_related, validity_years, provisional, state, comment_short_period_reason, "
                        "comment_exemption_reason, drafting_notes, comment_summary, review_due_provisional, "
                        "deliberation_meeting, publication_channel, filed_with, filing_reference, closing_reason, "
                        "repeal_decision_ref, created_by_id, created_at, updated_at, history_position, history_hash) VALUES "
                        "('normative', %s, %s, %s, "
                        "false, false, 5, false, 'drafting', '', '', '', '', false, '', '', '', '', '', '', %s, now(), "
                        "now(), 0, repeat('0', 64)) RETURNING id", [f"春城市校外培训机构管理办法（裸SQL {t}-{k}-{time.monotonic_ns()}）",
                                                issuer, issuer, drafter]).fetchone()[0]
                    version = conn.execute(
                        "INSERT INTO review_version (document_id, number, body, sha256, author_id, created_at) "
                        "VALUES (%s, 1, %s, %s, %s, now()) RETURNING id",
                        [doc, body, hashlib.sha256(body.encode()).hexdigest(), drafter]).fetchone()[0]
                    conn.execute("UPDATE review_document SET current_version_id = %s WHERE id = %s", [version, doc])
                    history(doc, version, "create", "", "drafting", drafter)
                with conn.transaction():  # submit
                    round_id = conn.execute(
                        "INSERT INTO review_reviewround (document_id, round_no, version_id, submitted_at, "
                        "submitted_by_id, due_on, due_provisional, drafting_notes, comment_summary, "
                        "comment_exemption_reason, outcome, opinion, findings) VALUES (%s, 1, %s, now(), %s, "
                        "current_date + 7, false, '依据', '', '', '', '', '[]') RETURNING id",
                        [doc, version, drafter]).fetchone()[0]
                    conn.execute("UPDATE review_document SET state = 'legality_review', review_due_at = current_date + 7, "
                                 "drafting_notes = '依据', updated_at = now() WHERE id = %s", [doc])
                    history(doc, version, "submit_for_review", "drafting", "legality_review", drafter)
                with conn.transaction():  # approve
                    conn.execute("UPDATE review_reviewround SET outcome = 'lawful', opinion = '经审核，合法。', "
                                 "decided_at = now(), reviewer_id = %s WHERE id = %s", [reviewer, round_id])
                    # an issued opinion is signed and numbered: the review body's own counter row
                    letter = conn.execute(
                        "INSERT INTO core_numbersequence (scope, owner_id, year, last_seq) VALUES ('bench_opinion', 2, "
                        "%s, 1) ON CONFLICT (scope, owner_id, year) DO UPDATE SET last_seq = "
                        "core_numbersequence.last_seq + 1 RETURNING last_seq", [year]).fetchone()[0]
                    conn.execute(
                        "INSERT INTO review_opinion (outcome, basis, content, conclusion, findings, urgent_reason, status, "
                        "drafted_at, signed_at, send_back_note, year, seq, number, document_id, drafted_by_id, "
                        "review_body_id, review_round_id, signed_by_id) VALUES ('lawful', '', '', '经审核，合法。', '[]', "
                        "'基准测试', 'issued', now(), now(), '', %s, %s, %s, %s, %s, 2, %s, %s)",
                        [year, 100000 + letter, f"裸司审〔{year}〕{letter}号", doc, reviewer, round_id, reviewer])
                    conn.execute("UPDATE review_document SET state = 'registration', approved_version_id = %s, "
                                 "updated_at = now() WHERE id = %s", [version, doc])
                    history(doc, version, "approve", "legality_review", "registration", reviewer, "经审核，合法。")
                with conn.transaction():  # register
                    seq = conn.execute(
                        "INSERT INTO core_numbersequence (scope, owner_id, year, last_seq) VALUES ('document_number', %s, "
                        "%s, 1) ON CONFLICT (scope, owner_id, year) DO UPDATE SET last_seq = "
                        "core_numbersequence.last_seq + 1 RETURNING last_seq", [issuer, year]).fetchone()[0]
                    number = f"裸{issuer}规〔{year}〕{seq}号"
                    conn.execute("INSERT INTO registry_registryentry (issuer_id, year, seq, number, registration_code, "
                                 "document_id, status, void_reason, allocated_at) VALUES (%s, %s, %s, %s, '', %s, "
                                 "'allocated', '', now())", [issuer, year, seq, number, doc])
                    conn.execute("UPDATE review_document SET number = %s, registered_at = now(), deliberation_meeting = "
                                 "'常务会议', deliberated_on = current_date, updated_at = now() WHERE id = %s",
                                 [number, doc])
                    history(doc, version, "register", "registration", "registration", registrar)
                with conn.transaction():  # publish
                    conn.execute("UPDATE review_document SET state = 'published', published_on = current_date, "
                                 "effective_from = current_date, publication_channel = 'website', updated_at = now() "
                                 "WHERE id = %s", [doc])
                    history(doc, version, "publish", "registration", "published", registrar)
            results[t] = (count, time.perf_counter() - t0, None)
    except Exception as error:  # noqa: BLE001
        results[t] = (0, 0.0, repr(error))
        barrier.abort()


def _run_threads(target, threads, count, extra=None):
    import threading

    barrier = threading.Barrier(threads)
    results = {}
    pool = [threading.Thread(target=target, args=(t, count, barrier, results, *((extra(t),) if extra else ())))
            for t in range(threads)]
    t0 = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - t0
    errors = [r[2] for r in results.values() if r[2]]
    done = sum(r[0] for r in results.values())
    # throughput over the slowest thread's own time (from the common start), so thread start-up
    # and connection set-up before the barrier do not count
    busy = max((r[1] for r in results.values()), default=0.0)
    return {"threads": threads, "documents": done, "seconds": round(busy, 2), "wall_s": round(wall, 2),
            "docs_per_s": round(done / busy, 1) if busy else None, "acts_per_s": round(5 * done / busy, 1) if busy else None,
            "errors": errors[:3]}


def bench_lifecycle(per_thread, rounds=3):
    import psycopg
    from django.db import connection

    from accounts.models import Organisation, User

    with psycopg.connect(dsn(), autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS bench_history_seq START 1000000000")
    drafter, reviewer, registrar, issuer = _lifecycle_users(0)
    _lifecycle_one(drafter, reviewer, registrar, issuer, "warm")  # imports, caches, the year's counter row
    capture = {}
    _lifecycle_one(drafter, reviewer, registrar, issuer, "count", capture=capture)
    statements = {name: len(sqls) for name, sqls in capture.items()}

    def raw_ids(t):  # the same roles, on other departments (D10-D17): their own counter rows
        org = Organisation.objects.get(code=f"D{10 + t:02d}").pk
        return (User.objects.get(username=f"drafter_{t}").pk, User.objects.get(username="reviewer").pk,
                User.objects.get(username=f"registrar_{t}").pk, org)

    ids = {t: raw_ids(t) for t in range(LIFECYCLE_THREADS)}
    connection.close()
    # Rounds alternate services and bare SQL at 1 and 8 threads, and each figure is the median of
    # its rounds: on this shared 2-core machine one run's rate wanders by a third from the next,
    # and alternating gives both sides the same weather.
    runs = {}
    for round_no in range(rounds):
        for label, target, extra in (("threads", _service_thread, None), ("baseline_threads", _raw_thread, ids.get)):
            for threads in (1, LIFECYCLE_THREADS):
                count = per_thread * (2 if threads == 1 else 1)
                result = _run_threads(target, threads, count, extra=extra)
                runs.setdefault(f"{label}_{threads}", []).append(result)
                print(f"  round {round_no + 1}, {'services' if label == 'threads' else 'bare SQL'} "
                      f"{threads} thread(s): {result}", flush=True)
        # the same services in 8 processes: the production shape (gunicorn and Celery workers)
        result = _run_processes(LIFECYCLE_THREADS, per_thread)
        runs.setdefault(f"processes_{LIFECYCLE_THREADS}", []).append(result)
        print(f"  round {round_no + 1}, services {LIFECYCLE_THREADS} processes: {result}", flush=True)
    out = {}
    for key, results in runs.items():
        rates = [r["docs_per_s"] or 0.0 for r in results]
        out[key] = {"threads": results[0]["threads"], "docs_per_s": round(statistics.median(rates), 1),
                    "rounds_docs_per_s": rates, "documents": sum(r["documents"] for r in results),
                    "errors": [e for r in results for e in r["errors"]][:3]}
    s1, s8 = out["threads_1"]["docs_per_s"], out[f"threads_{LIFECYCLE_THREADS}"]["docs_per_s"]
    b1, b8 = out["baseline_threads_1"]["docs_per_s"], out[f"baseline_threads_{LIFECYCLE_THREADS}"]["docs_per_s"]
    out["ratios"] = {
        "bare_over_services_1_thread": round(b1 / s1, 2) if s1 and b1 else None,
        "bare_over_services_8_threads": round(b8 / s8, 2) if s8 and b8 else None,
        "services_8_over_1_thread": round(s8 / s1, 2) if s1 and s8 else None,
        "services_8_processes_over_1_thread": (round(out[f"processes_{LIFECYCLE_THREADS}"]["docs_per_s"] / s1, 2)
                                               if s1 and out[f"processes_{LIFECYCLE_THREADS}"]["docs_per_s"] else None),
        "bare_8_over_1_thread": round(b8 / b1, 2) if b1 and b8 else None,
        "targets": "bare/services at 1 thread <= 4; services 8 threads / 1 thread >= 1.3",
    }
    out["statements_per_act"] = statements
    out["statements_sql"] = {name: [sql[:160] for sql in sqls] for name, sqls in capture.items()}
    return out


def _run_workers(target, id_lists):
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(ids, queue)) for ids in id_lists]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    return time.perf_counter() - t0, results


# --- 3. number allocation from 8 processes --------------------------------------------------
def _alloc_worker(count, queue):
    import django

    django.setup()
    from django.db import connection, transaction

    from accounts.models import Organisation
    from registry.services import number_allocate

    issuer = Organisation.objects.get(code="D01")
    seqs = []
    t0 = time.perf_counter()
    for _ in range(count):
        with transaction.atomic():
            seqs.append(number_allocate(issuer=issuer, year=2099).seq)
    queue.put((seqs, time.perf_counter() - t0))
    connection.close()


def _alloc_raw_worker(count, queue):
    import psycopg

    seqs = []
    t0 = time.perf_counter()
    with psycopg.connect(dsn(), autocommit=True) as conn:
        for _ in range(count):
            seqs.append(conn.execute("UPDATE bench_counter SET n = n + 1 RETURNING n").fetchone()[0])
    queue.put((seqs, time.perf_counter() - t0))


def bench_allocation(per_worker):
    import psycopg

    with psycopg.connect(dsn(), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_counter")
        conn.execute("CREATE TABLE bench_counter (n integer)")
        conn.execute("INSERT INTO bench_counter VALUES (0)")
    wall, results = _run_workers(lambda ids, q: _alloc_worker(ids, q), [per_worker] * WORKERS)
    seqs = sorted(s for r in results for s in r[0])
    base_wall, base_results = _run_workers(lambda ids, q: _alloc_raw_worker(ids, q), [per_worker] * WORKERS)
    n = WORKERS * per_worker
    return {"numbers": n, "distinct_gapless": seqs == list(range(1, n + 1)), "wall_s": round(wall, 2),
            "per_number_ms": round(wall / n * 1000, 3), "baseline_per_number_ms": round(base_wall / n * 1000, 3),
            "ratio": round(wall / base_wall, 2), "target": "ratio <= 2"}


# --- 4. reminder sweep ----------------------------------------------------------------------
def bench_sweep(count, documents):
    import psycopg
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from notifications.sweep import run_sweep

    today = dt.date.today()
    with psycopg.connect(dsn()) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE notifications_inboxmessage, notifications_reminder RESTART IDENTITY")
        with cur.copy("COPY notifications_reminder (document_id, kind, due_on, recipient_id, created_at) FROM STDIN") as copy:
            for i in range(count):
                copy.write_row((1 + i % documents, "validity_expiring", today - dt.timedelta(days=i // documents), 1 + i % 4,
                                dt.datetime.now(dt.timezone.utc)))
        conn.commit()
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        delivered = run_sweep(batch_size=1000)
        wall = time.perf_counter() - t0
    return {"reminders": count, "delivered": delivered, "wall_s": round(wall, 2),
            "reminders_per_s": round(delivered / wall), "queries": len(ctx.captured_queries),
            "batches": -(-count // 1000), "target": "queries grow with batches, not rows"}


# --- 5. audit export ------------------------------------------------------------------------
EXPORT_CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ["DATABASE_URL"] = {url!r}
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django; django.setup()
from rest_framework.test import APIClient
from accounts.models import User
client = APIClient(); client.force_authenticate(User.objects.get(username="auditor"))
t0 = time.perf_counter(); size = 0
response = client.get("/api/audit/events/?format=csv")
for chunk in response.streaming_content:
    size += len(chunk)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the parent's peak.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(time.perf_counter() - t0, size, peak_kb)
"""
EXPORT_COPY = """COPY (SELECT h.seq, h.at, h.document_id, d.number, d.title, h.action, h.from_state, h.to_state,
  u.username, h.opinion, v.number, h.hash FROM review_history h JOIN review_document d ON d.id = h.document_id
  LEFT JOIN accounts_user u ON u.id = h.actor_id LEFT JOIN review_version v ON v.id = h.version_id ORDER BY h.seq)
  TO STDOUT WITH CSV"""


def bench_export():
    import psycopg

    child = subprocess.run([sys.executable, "-c", EXPORT_CHILD.format(root=str(ROOT), url=BENCH_URL)],
                           capture_output=True, text=True, check=True)
    seconds, size, rss_kb = child.stdout.split()[-3:]
    t0 = time.perf_counter()
    base_size = 0
    with psycopg.connect(dsn()) as conn, conn.cursor() as cur, cur.copy(EXPORT_COPY) as copy:
        for block in copy:
            base_size += len(block)
    base = time.perf_counter() - t0
    rows = int(subprocess.run(["psql", dsn(), "-tAc", "SELECT count(*) FROM review_history"],
                              capture_output=True, text=True).stdout.strip() or 0)
    return {"rows": rows, "seconds": round(float(seconds), 2), "bytes": int(size), "baseline_seconds": round(base, 2),
            "ratio": round(float(seconds) / base, 2), "peak_rss_mb": round(int(rss_kb) / 1024, 1),
            "target": "peak memory < 200 MB; ratio against COPY reported"}


# --- 6. pre-check; 7. pages ------------------------------------------------------------------
def bench_precheck():
    from review.precheck import run_precheck

    corpus = (ROOT / "tests" / "data" / "precheck_corpus.tsv").read_text("utf-8").splitlines()
    text = "\n".join(line.split("\t", 1)[1] for line in corpus if "\t" in line and not line.startswith("#"))
    while len(text) < 1_000_000:
        text += "\n" + text
    text = text[:1_000_000]
    run_precheck("预热")
    result = timed(lambda: run_precheck(text), 3)
    return {**result, "chars": len(text), "chars_per_s": round(len(text) / (result["median_ms"] / 1000))}


def bench_pages(repeat):
    """Pages without a raw-SQL twin (the portal and the catalogue pages are read cases)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    out = {}
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer"))
    for name, client, path in (("reviewer_home", reviewer, "/"),):
        assert client.get(path).status_code == 200
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        queries = len(ctx.captured_queries)
        out[name] = {**timed(lambda: client.get(path), repeat), "queries": queries}
    return out


def bench_replica():
    """bench/bench_replica.py's figures (another engineer's script), when it exists: its last JSON
    object on stdout."""
    script = ROOT / "bench" / "bench_replica.py"
    if not script.exists():
        return None
    child = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    text = child.stdout.strip()
    try:
        return json.loads(text[text.index("{"):]) if "{" in text else {"error": child.stderr[-500:]}
    except ValueError:
        return {"error": "bench_replica.py printed no JSON", "stderr": child.stderr[-500:]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--history-per-document", type=int, default=10,
                        help="history rows per document (10,000,000 at 1,000,000 documents)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--lifecycle-per-thread", type=int, default=50,
                        help="documents per thread at 8 threads (twice that at 1 thread)")
    parser.add_argument("--lifecycle-rounds", type=int, default=3,
                        help="alternating rounds of services and bare SQL; the figures are their medians")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["reads", "pages", "lifecycle", "allocation", "sweep", "export", "precheck", "replica"])
    parser.add_argument("--only-reads", nargs="*", default=None, help="read cases to run (default: all)")
    args = parser.parse_args()
    prepare_database()
    from bench.seed import seed

    results = {"machine": {"cores": os.cpu_count(), "memory_gb": _memory_gb(), "postgres": _pg_version()},
               "date": dt.date.today().isoformat(), "scales": {}}
    for scale in args.scales:
        t0 = time.perf_counter()
        seeded = seed(dsn(), scale, scale * args.history_per_document)
        print(f"seeded {seeded} in {time.perf_counter() - t0:.1f}s", flush=True)
        r = {"seeded": seeded}
        if "reads" not in args.skip:
            r["reads"] = bench_reads(args.repeat, args.only_reads)
        if "pages" not in args.skip:
            r["pages"] = bench_pages(max(10, args.repeat // 2))
        if "allocation" not in args.skip:
            r["allocation"] = bench_allocation(per_worker=200)
        if "sweep" not in args.skip:
            r["sweep"] = bench_sweep(100_000 if scale == max(args.scales) else 10_000, scale)
        if scale == max(args.scales):
            if "export" not in args.skip:
                r["export"] = bench_export()
                print(f"  export {r['export']}", flush=True)
            if "lifecycle" not in args.skip:  # last: it adds documents
                results["lifecycle"] = bench_lifecycle(args.lifecycle_per_thread, max(1, args.lifecycle_rounds))
                results["lifecycle"]["documents_in_database"] = scale
                results["statements_per_act"] = results["lifecycle"].pop("statements_per_act")
        results["scales"][str(scale)] = r
        print(f"scale {scale} done", flush=True)
    if "precheck" not in args.skip:
        results["precheck"] = bench_precheck()
    if "replica" not in args.skip:
        replica = bench_replica()
        if replica is not None:
            results["replica"] = replica
    path = ROOT / "bench" / "results.json"
    previous = json.loads(path.read_text("utf-8")) if path.exists() else {}
    for key in ("comments", "search_bigram"):  # written by bench_comments.py and bench_search.py
        if key in previous:
            results[key] = previous[key]
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(results)


def _memory_gb():
    try:
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:"))
        return round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        return None


def _pg_version():
    import psycopg

    with psycopg.connect(dsn()) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def print_table(results):
    print(f"\n{'read (p95; ratio = p95 / raw SQL p95)':<40}{'scale':>9}{'median':>9}{'p95':>9}{'base p95':>10}"
          f"{'ratio':>7}{'q':>4}{'rows':>6}")
    for scale, r in results["scales"].items():
        for name, m in r.get("reads", {}).items():
            flag = "" if m["ratio_p95"] is not None and m["ratio_p95"] <= 3 else "  > 3"
            print(f"{name:<40}{scale:>9}{m['median_ms']:>9}{m['p95_ms']:>9}{m['baseline_p95_ms']:>10}"
                  f"{m['ratio_p95']:>7}{m['queries']:>4}{str(m['rows']):>6}{flag}")
        for page, m in r.get("pages", {}).items():
            print(f"{page:<40}{scale:>9}{m['median_ms']:>9}{m['p95_ms']:>9}{'':>10}{'':>7}{m['queries']:>4}")
    for scale, r in results["scales"].items():
        if "allocation" in r:
            a = r["allocation"]
            print(f"{'numbers (8 procs, per number ms)':<40}{scale:>9}{a['per_number_ms']:>9}{'':>9}"
                  f"{a['baseline_per_number_ms']:>10}{a['ratio']:>7}  gapless={a['distinct_gapless']}")
        if "sweep" in r:
            s = r["sweep"]
            print(f"{'sweep (ms)':<40}{scale:>9}{s['wall_s'] * 1000:>9.0f}{'':>9}{'':>10}{'':>7}{s['queries']:>4}"
                  f"  {s['reminders_per_s']}/s over {s['reminders']}")
        if "export" in r:
            e = r["export"]
            print(f"{'audit export CSV':<40}{e['rows']:>9} rows {e['seconds']} s vs COPY {e['baseline_seconds']} s "
                  f"(×{e['ratio']}), {e['bytes'] / 1e6:.0f} MB, peak {e['peak_rss_mb']} MB")
    life = results.get("lifecycle")
    if life:
        print(f"\n{'lifecycle (docs/s, 5 acts each)':<40}{'1 thread':>10}{'8 threads':>11}{'8/1':>6}")
        for label, key in (("services", "threads"), ("bare SQL (psycopg)", "baseline_threads")):
            one, eight = life[f"{key}_1"], life[f"{key}_{LIFECYCLE_THREADS}"]
            scaling = round(eight["docs_per_s"] / one["docs_per_s"], 2) if one["docs_per_s"] and eight["docs_per_s"] else "-"
            print(f"{label:<40}{str(one['docs_per_s']):>10}{str(eight['docs_per_s']):>11}{scaling:>6}"
                  f"{'  errors: ' + str(one['errors'] + eight['errors']) if one['errors'] or eight['errors'] else ''}")
        ratios = life["ratios"]
        print(f"bare/services at 1 thread ×{ratios['bare_over_services_1_thread']} [<=4]; services 8/1 threads "
              f"×{ratios['services_8_over_1_thread']} [>=1.3]; services in 8 processes "
              f"{life[f'processes_{LIFECYCLE_THREADS}']['docs_per_s']} docs/s "
              f"(×{ratios['services_8_processes_over_1_thread']} of 1 thread)")
        print("statements per act: " + ", ".join(f"{k} {v}" for k, v in results["statements_per_act"].items()))
    p = results.get("precheck")
    if p:
        print(f"pre-check 1 MB: median {p['median_ms']} ms, {p['chars_per_s']:,} chars/s")


if __name__ == "__main__":
    main()
