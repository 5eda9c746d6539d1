"""Benchmarks at city and province scale, each against a baseline measured in the same run, on
the same PostgreSQL database and data (issue 7).

    make bench                       # scales 10,000 and 100,000 documents; 1,000,000 history rows at the larger
    .venv/bin/python bench/run.py --scales 2000 10000 --history 100000   # quicker

Prints a table and writes bench/results.json: median and p95, the baseline, their ratio, and
the query count. Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/normdocs_bench)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
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


# --- 1. listing and search ----------------------------------------------------------------
LIST_SQL = """
SELECT d.id, d.kind, d.title, v.body, v.number, d.state, i.code, o.code, d.affects_rights, d.business_related,
       d.validity_years, d.provisional, d.comment_opened_on, d.comment_closes_on, d.review_due_at, d.number,
       d.published_on, d.effective_from, d.expires_on, d.filed_on, d.created_at, d.updated_at
FROM review_document d JOIN accounts_organisation i ON i.id = d.issuer_id
JOIN accounts_organisation o ON o.id = d.drafting_org_id LEFT JOIN review_version v ON v.id = d.current_version_id
WHERE {where} ORDER BY d.updated_at DESC, d.id DESC LIMIT 50"""
COUNT_SQL = "SELECT count(*) FROM review_document d JOIN accounts_organisation i ON i.id = d.issuer_id WHERE {where}"


def bench_listing(repeat):
    import psycopg
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(username="auditor"))
    today = dt.date.today()
    cases = {
        "listing": ("/api/documents/?state=legality_review&overdue=true&issuer=CSZF",
                    "d.state = 'legality_review' AND d.review_due_at < %(today)s AND i.code = 'CSZF'", {"today": today}),
        "search": ("/api/documents/?q=" + "%E6%A0%A1%E5%A4%96",  # 校外
                   "(d.title ILIKE %(q)s OR d.number ILIKE %(q)s)", {"q": "%校外%"}),
    }
    out = {}
    with psycopg.connect(dsn()) as raw:
        for name, (path, where, params) in cases.items():
            assert client.get(path).status_code == 200
            reset_queries()  # the query log is a bounded deque: a full one would capture nothing
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            queries = len(ctx.captured_queries)  # now: every request empties the query log
            measure = timed(lambda: client.get(path), repeat)

            def baseline():
                raw.execute(COUNT_SQL.format(where=where), params).fetchone()
                raw.execute(LIST_SQL.format(where=where), params).fetchall()

            base = timed(baseline, repeat)
            out[name] = {**measure, "baseline_ms": base["median_ms"], "ratio": ratio(measure, base),
                         "queries": queries, "target": "ratio <= 3"}
            reset_queries()
    return out


# --- 2. transitions from 8 workers ----------------------------------------------------------
def _service_worker(ids, queue):
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from registry import services as registry
    from review import services
    from core.errors import DomainError

    drafter, reviewer, registrar = (User.objects.get(username=u) for u in ("drafter", "reviewer", "registrar"))
    done = errors = conflicts = 0
    t0 = time.perf_counter()
    for doc_id in ids:
        steps = [
            lambda: services.document_submit_for_review(actor=drafter, document_id=doc_id, drafting_notes="依据",
                                                        exemption_reason="基准测试"),
            lambda: services.document_approve(actor=reviewer, document_id=doc_id, opinion="合法", urgent_reason="基准测试"),
            lambda: registry.document_register(actor=registrar, document_id=doc_id, meeting="常务会议",
                                               deliberated_on=dt.date.today()),
            lambda: registry.document_publish(actor=registrar, document_id=doc_id, channel="website"),
        ]
        for step in steps:
            try:
                step()
                done += 1
            except DomainError as error:
                conflicts += error.status == 409
                errors += error.status != 409
    queue.put((done, errors, conflicts, time.perf_counter() - t0))
    connection.close()


def _raw_worker(ids, queue):
    import psycopg

    done = 0
    t0 = time.perf_counter()
    hist = "INSERT INTO review_history (seq, document_id, action, from_state, to_state, actor_id, at, opinion, " \
           "version_id, prev_hash, hash) VALUES (nextval('bench_seq'), %s, %s, %s, %s, 1, now(), '', %s, '', '')"
    with psycopg.connect(dsn(), autocommit=False) as conn:
        for doc_id in ids:
            with conn.transaction():
                conn.execute("INSERT INTO review_reviewround (document_id, round_no, version_id, submitted_at, "
                             "submitted_by_id, due_on, due_provisional, drafting_notes, comment_summary, "
                             "comment_exemption_reason, outcome, opinion, findings) VALUES (%s, 99, %s, now(), 1, "
                             "current_date + 21, false, '', '', '', '', '', '[]')", [doc_id, doc_id])
                conn.execute("UPDATE review_document SET state = 'legality_review', updated_at = now() "
                             "WHERE id = %s AND state = 'drafting'", [doc_id])
                conn.execute(hist, [doc_id, "submit_for_review", "drafting", "legality_review", doc_id])
            with conn.transaction():
                conn.execute("UPDATE review_reviewround SET outcome = 'lawful', decided_at = now() "
                             "WHERE document_id = %s AND outcome = ''", [doc_id])
                conn.execute("UPDATE review_document SET state = 'registration', approved_version_id = "
                             "current_version_id, updated_at = now() WHERE id = %s AND state = 'legality_review'", [doc_id])
                conn.execute(hist, [doc_id, "approve", "legality_review", "registration", doc_id])
            with conn.transaction():
                seq = conn.execute("UPDATE core_numbersequence SET last_seq = last_seq + 1 WHERE id = "
                                   "(SELECT min(id) FROM core_numbersequence) RETURNING last_seq").fetchone()[0]
                conn.execute("INSERT INTO registry_registryentry (issuer_id, year, seq, number, registration_code, "
                             "document_id, status, void_reason, allocated_at) VALUES (1, 1900, %s, %s, '', %s, "
                             "'allocated', '', now())", [seq, f"raw-{doc_id}-{seq}", doc_id])
                conn.execute("UPDATE review_document SET number = %s, updated_at = now() WHERE id = %s",
                             [f"RAW〔{doc_id}〕", doc_id])
                conn.execute(hist, [doc_id, "register", "registration", "registration", doc_id])
            with conn.transaction():
                conn.execute("UPDATE review_document SET state = 'published', published_on = current_date, "
                             "publication_channel = 'website', updated_at = now() WHERE id = %s", [doc_id])
                conn.execute(hist, [doc_id, "publish", "registration", "published", doc_id])
            done += 4
    queue.put((done, 0, 0, time.perf_counter() - t0))


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


def bench_transitions(per_worker):
    import psycopg

    from accounts.models import Organisation
    from review.models import Document

    ids = list(Document.objects.filter(state="drafting").order_by("id").values_list("id", flat=True)[:2 * WORKERS * per_worker])
    # the benchmark's drafter belongs to D00: give it these drafts
    Document.objects.filter(pk__in=ids).update(drafting_org=Organisation.objects.get(code="D00"))
    service_ids, raw_ids = ids[:WORKERS * per_worker], ids[WORKERS * per_worker:]
    with psycopg.connect(dsn(), autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS bench_seq START 100000000")
    wall, results = _run_workers(_service_worker, [service_ids[i::WORKERS] for i in range(WORKERS)])
    done = sum(r[0] for r in results)
    base_wall, base_results = _run_workers(_raw_worker, [raw_ids[i::WORKERS] for i in range(WORKERS)])
    base_done = sum(r[0] for r in base_results)
    per = wall / done * 1000
    base_per = base_wall / base_done * 1000
    return {"transitions": done, "errors": sum(r[1] for r in results), "conflicts_409": sum(r[2] for r in results),
            "wall_s": round(wall, 2), "per_transition_ms": round(per, 2), "transitions_per_s": round(done / wall, 1),
            "baseline_per_transition_ms": round(base_per, 2), "ratio": round(per / base_per, 2), "target": "ratio <= 4"}


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
            "target": "ratio <= 5, peak memory < 150 MB"}


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
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    out = {}
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer"))
    for name, client, path in (("reviewer_home", reviewer, "/"), ("public_portal", Client(), "/public/")):
        assert client.get(path).status_code == 200
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        queries = len(ctx.captured_queries)
        out[name] = {**timed(lambda: client.get(path), repeat), "queries": queries}
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--history", type=int, default=1_000_000, help="history rows at the largest scale")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    prepare_database()
    from bench.seed import seed

    results = {"machine": {"cores": os.cpu_count()}, "date": dt.date.today().isoformat(), "scales": {}}
    for scale in args.scales:
        history = args.history if scale == max(args.scales) else scale * 5
        t0 = time.perf_counter()
        seeded = seed(dsn(), scale, history)
        print(f"seeded {seeded} in {time.perf_counter() - t0:.1f}s", flush=True)
        r = {"seeded": seeded}
        r.update(bench_listing(args.repeat))
        r["pages"] = bench_pages(max(10, args.repeat // 2))
        r["transitions"] = bench_transitions(per_worker=12)
        r["allocation"] = bench_allocation(per_worker=200)
        r["sweep"] = bench_sweep(100_000 if scale == max(args.scales) else 10_000, scale)
        if scale == max(args.scales):
            r["export"] = bench_export()
        results["scales"][scale] = r
        print(f"scale {scale} done", flush=True)
    results["precheck"] = bench_precheck()
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_table(results)


def print_table(results):
    print(f"\n{'benchmark':<34}{'scale':>8}{'median ms':>11}{'p95 ms':>9}{'baseline':>10}{'ratio':>7}{'queries':>9}")
    for scale, r in results["scales"].items():
        for name in ("listing", "search"):
            m = r[name]
            print(f"{name:<34}{scale:>8}{m['median_ms']:>11}{m['p95_ms']:>9}{m['baseline_ms']:>10}{m['ratio']:>7}{m['queries']:>9}")
        t = r["transitions"]
        print(f"{'transitions (8 workers, per act)':<34}{scale:>8}{t['per_transition_ms']:>11}{'':>9}"
              f"{t['baseline_per_transition_ms']:>10}{t['ratio']:>7}{'':>9}  errors={t['errors']}")
        a = r["allocation"]
        print(f"{'numbers (8 procs, per number)':<34}{scale:>8}{a['per_number_ms']:>11}{'':>9}"
              f"{a['baseline_per_number_ms']:>10}{a['ratio']:>7}{'':>9}  gapless={a['distinct_gapless']}")
        s = r["sweep"]
        print(f"{'sweep':<34}{scale:>8}{s['wall_s'] * 1000:>11.0f}{'':>9}{'':>10}{'':>7}{s['queries']:>9}"
              f"  {s['reminders_per_s']}/s over {s['reminders']}")
        for page, m in r["pages"].items():
            print(f"{page:<34}{scale:>8}{m['median_ms']:>11}{m['p95_ms']:>9}{'':>10}{'':>7}{m['queries']:>9}")
        if "export" in r:
            e = r["export"]
            print(f"{'audit export CSV (s)':<34}{e['rows']:>8}{e['seconds']:>11}{'':>9}{e['baseline_seconds']:>10}"
                  f"{e['ratio']:>7}{'':>9}  peak {e['peak_rss_mb']} MB")
    p = results["precheck"]
    print(f"{'pre-check 1 MB':<34}{'':>8}{p['median_ms']:>11}{p['p95_ms']:>9}{'':>10}{'':>7}{'':>9}  {p['chars_per_s']:,} chars/s")


if __name__ == "__main__":
    main()
