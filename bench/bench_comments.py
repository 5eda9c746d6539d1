"""Benchmark: a comment flood (issue 17). 10,000 comments on one document — a third copies of a
campaign with small variations, the rest distinct — then the times a user waits for:

- summary:  GET /api/documents/{id}/comments/summary/ (the drafter's grouped report);
- report:   selectors.comment_report, the staff document page's data;
- page:     the whole staff document page (GET /documents/{id}/, rendered), as the drafter;
- dispose:  disposing one comment (the campaign's group of ~3,300, and a single comment);
- arrival:  filing one more comment (placing it in its group) at 10,000.
Target: each under 1 s. Writes the figures under "comments" in bench/results.json (other keys
kept). Everything runs in one transaction that is rolled back: the database is left as found.

    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_comments.py [--comments 10000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL",
                                            "postgres://postgres@127.0.0.1:5432/normdocs_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)

CAMPAIGN = "强烈建议取消第五条关于罚款的规定，减轻小微企业负担！"
WORDS = ("建议", "取消", "修改", "明确", "规定", "条款", "罚款", "审批", "时限", "企业", "市民", "区域", "管理",
         "标准", "程序", "公开", "听证", "监督", "培训", "机构", "收费", "退费", "安全", "场地", "教师")


def timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    runs.sort()
    return {"median_ms": round(statistics.median(runs) * 1000, 1), "p95_ms": round(runs[int(0.95 * (len(runs) - 1))] * 1000, 1)}


def texts(n, rng):
    for i in range(n):
        if i % 3 == 0:
            yield CAMPAIGN if i % 2 else CAMPAIGN.replace("！", "。") + " "
        else:
            yield "".join(rng.choice(WORDS) for _ in range(30)) + f"，第{i}条意见。"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from rest_framework.test import APIClient

    from accounts.models import Organisation, User
    from review import selectors, services
    from review.models import PublicComment
    from core.calendar import add_working_days

    call_command("migrate", verbosity=0)
    rng = random.Random(17)
    results = {"comments": args.comments, "database": connection.vendor}

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            city = Organisation.objects.create(code="BENCHCITY", name="基准市人民政府", kind="office",
                                               number_prefix="基府规")
            edu = Organisation.objects.create(code="BENCHEDU", name="基准市教育局", kind="drafting",
                                              number_prefix="基教规", parent=city)  # R14: drafts for its government
            drafter = User.objects.create_user(username="bench-drafter", password="x" * 12, organisation=edu,
                                               role="drafter")
            doc = services.document_create(actor=drafter, title="基准市校外培训机构管理办法", issuer=city,
                                           body="第一条 为规范管理，制定本办法。", affects_rights=False)
            services.document_open_public_comment(actor=drafter, document_id=doc.pk,
                                                  closes_on=add_working_days(dt.date.today(), 8).date)
            t0 = time.perf_counter()
            for i, body in enumerate(texts(args.comments, rng)):
                services.comment_create(document_id=doc.pk, author_name=f"市民{i}", body=body)
            results["filing_all_s"] = round(time.perf_counter() - t0, 1)
            client = APIClient()
            client.force_authenticate(drafter)
            summary = client.get(f"/api/documents/{doc.pk}/comments/summary/").json()
            results["received"], results["distinct"] = summary["received"], summary["distinct"]
            results["largest_group"] = max(g["count"] for g in summary["groups"])

            results["summary"] = timed(lambda: client.get(f"/api/documents/{doc.pk}/comments/summary/"), args.repeat)
            results["report"] = timed(lambda: selectors.comment_report(doc, include_names=True), args.repeat)
            from django.test import Client

            browser = Client()
            browser.force_login(drafter)
            assert browser.get(f"/documents/{doc.pk}/").status_code == 200
            results["page"] = timed(lambda: browser.get(f"/documents/{doc.pk}/"), args.repeat)
            campaign = PublicComment.objects.filter(document=doc).order_by("id").first()
            single = PublicComment.objects.filter(document=doc).order_by("-id").first()
            results["dispose_group"] = timed(lambda: services.comment_dispose(
                actor=drafter, document_id=doc.pk, comment_id=campaign.pk, disposition="adopted"), args.repeat)
            results["dispose_one"] = timed(lambda: services.comment_dispose(
                actor=drafter, document_id=doc.pk, comment_id=single.pk, disposition="not_adopted",
                reason="与上位法不一致"), args.repeat)
            counter = iter(range(10**6))
            results["arrival"] = timed(lambda: services.comment_create(
                document_id=doc.pk, author_name="后来者", body="".join(rng.choice(WORDS) for _ in range(30))
                + f"，补充意见{next(counter)}。"), args.repeat)
            raise Rollback
    except Rollback:
        pass

    results["target_ms"] = 1000
    results["all_under_target"] = all(results[k]["p95_ms"] < 1000 for k in
                                      ("summary", "report", "page", "dispose_group", "dispose_one", "arrival"))
    print(f"{args.comments:,} comments ({results['distinct']:,} distinct groups, largest {results['largest_group']:,}),"
          f" filed in {results['filing_all_s']} s")
    print(f"{'case':<16}{'median ms':>11}{'p95 ms':>9}")
    for key in ("summary", "report", "page", "dispose_group", "dispose_one", "arrival"):
        print(f"{key:<16}{results[key]['median_ms']:>11}{results[key]['p95_ms']:>9}")
    path = ROOT / "bench" / "results.json"
    existing = json.loads(path.read_text("utf-8")) if path.exists() else {}
    existing["comments"] = {**results, "date": dt.date.today().isoformat()}
    path.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n")
    return 0 if results["all_under_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
