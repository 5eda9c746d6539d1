"""Two-character Chinese search at province scale (issue 18): the bigram index of migration 0015
against today's icontains, measured in the same run on the same PostgreSQL data.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/normdocs_bench .venv/bin/python bench/bench_search.py --documents 1000000

Migrates the database named by BENCH_DATABASE_URL, replaces its documents with N generated
titles (a rare word, 罚款, in 0.1% of them; common ones such as 校外 in about 7%), and times the
page a search opens: the count and the first 50 by last change, as the API and the pages ask.
Writes the figures under "search_bigram" in bench/results.json, keeping every other key."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/normdocs_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)

WORDS = ["校外", "培训", "机构", "户外", "广告", "设置", "城市", "道路", "挖掘", "住房", "公积", "提取", "中小", "学校",
         "安全", "养犬", "物业", "服务", "收费", "农村", "宅基", "投资", "项目", "消防", "责任", "环境", "卫生", "交通",
         "停车", "供水", "排水", "燃气", "绿化", "市容", "殡葬", "旅游", "文物", "体育", "医疗", "养老"]
INDEXES = ["document_title_trgm", "document_number_trgm", "document_title_bigram", "document_number_bigram"]
QUERIES = {"rare": "罚款", "common": "校外", "absent": "犬类"}


def seed(cursor, documents: int) -> None:
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    n = len(WORDS)
    cursor.execute("SET session_replication_role = replica")  # no R7 trigger on a bulk load
    cursor.execute("TRUNCATE review_document RESTART IDENTITY CASCADE")
    cursor.execute("TRUNCATE accounts_user, accounts_organisation RESTART IDENTITY CASCADE")
    cursor.execute("""INSERT INTO accounts_organisation (id, code, name, kind, number_prefix, number_template,
                      registration_code_template, level, opinion_prefix, signoff_required)
                      VALUES (1, 'CSZF', '春城市人民政府', 'office', '春府规', '', '', 'city', '', true)""")
    cursor.execute("""INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email,
                      is_staff, is_active, date_joined, organisation_id, role)
                      VALUES (1, '!', false, 'drafter', '', '', '', false, true, now(), 1, 'drafter')""")
    for index in INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {index}")
    cursor.execute(f"""
        INSERT INTO review_document (id, kind, title, affects_rights, business_related, provisional, state,
            comment_short_period_reason, comment_exemption_reason, drafting_notes, comment_summary,
            review_due_provisional, deliberation_meeting, publication_channel, filed_with, filing_reference,
            closing_reason, repeal_decision_ref, created_at, updated_at, created_by_id, drafting_org_id, issuer_id)
        SELECT i, 'normative',
               '春城市' || ({words})[1 + (i * 7) %% {n}] || ({words})[1 + (i * 13 / 7) %% {n}]
                 || CASE WHEN i %% 1000 = 0 THEN '罚款' ELSE ({words})[1 + (i * 31 / 11) %% {n}] END || '管理办法（' || i || '）',
               false, false, false, 'drafting', '', '', '', '', false, '', '', '', '', '', '',
               now() - (i %% 3650) * interval '1 day', now() - (i %% 3650) * interval '1 day', 1, 1, 1
        FROM generate_series(1, %s) AS i""", [documents])
    cursor.execute("SET session_replication_role = DEFAULT")
    from importlib import import_module

    for name in ("0007_title_number_trigram_search", "0016_bigram_search"):
        for sql in import_module(f"review.migrations.{name}").CREATE:
            if "INDEX" in sql:
                cursor.execute(sql)
    cursor.execute("ANALYZE review_document")


def timed(fn, repeat):
    fn()  # warm
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    runs.sort()
    return {"median_ms": round(statistics.median(runs) * 1000, 2), "p95_ms": round(runs[int(0.95 * (len(runs) - 1))] * 1000, 2)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-seed", action="store_true", help="reuse the documents already there")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from review import selectors
    from review.models import Document

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    if not args.no_seed:
        with connection.cursor() as cursor:
            seed(cursor, args.documents)
    seeded_s = None if args.no_seed else round(time.perf_counter() - t0, 1)  # a reused database: not timed here
    documents = Document.objects.count()
    everything = Document.objects.order_by("-updated_at", "-id")

    def page(qs):
        return lambda: (qs.count(), list(qs.values_list("pk", flat=True)[:50]))

    out = {"documents": documents, "seed_s": seeded_s, "cases": {}}
    for name, q in QUERIES.items():
        new = selectors.search(everything, q)
        old = everything.filter(Q(title__icontains=q) | Q(number__icontains=q))  # today's search, no index for 2 chars
        assert set(new.values_list("pk", flat=True)) == set(old.values_list("pk", flat=True)), q
        with connection.cursor() as cursor:
            sql, params = new.values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            uses_index = any("bigram" in row[0] for row in cursor.fetchall())
        measure, base = timed(page(new), args.repeat), timed(page(old), args.repeat)
        out["cases"][name] = {"query": q, "matches": new.count(), **measure, "baseline_ms": base["median_ms"],
                              "baseline_p95_ms": base["p95_ms"],
                              "ratio": round(measure["median_ms"] / base["median_ms"], 3) if base["median_ms"] else None,
                              "uses_bigram_index": uses_index}
    out["target"] = "uses the bigram index; ratio < 1 in every case; the same rows as icontains"
    out["baseline"] = "the same page with today's icontains (UPPER(title) LIKE '%q%' OR UPPER(number) LIKE ...), same run"
    out["date"] = dt.date.today().isoformat()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    path = ROOT / "bench" / "results.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    results["search_bigram"] = out
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
