"""Issue 17: comment grouping that scales. Each comment is placed in its near-duplicate group
once, on arrival, and the group is stored; the summary, the document page's report and a
disposal read the stored groups and compare nothing; placing a comment compares it with a few
candidate groups (MinHash bands), not with every group. (Speed itself is in bench/.)"""
import importlib
import random

import pytest
from django.apps import apps

from review import comments as grouping
from review import selectors, services
from review.models import PublicComment
from core.clock import today
from core.calendar import add_working_days

pytestmark = pytest.mark.django_db

CAMPAIGN = "强烈建议取消第五条的罚款规定！"
WORDS = "建议取消修改明确规定条款罚款审批时限企业市民区域管理标准程序公开听证监督"


def distinct_texts(n, seed=17):
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(40)) + f"（第{i}号意见）" for i in range(n)]


@pytest.fixture
def consultation(users, make_document):
    doc = make_document()
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                          closes_on=add_working_days(today(), 8).date)
    return doc


def comment(doc, body, name="市民"):
    return services.comment_create(document_id=doc.pk, author_name=name, body=body)


def test_each_comment_is_grouped_once_on_arrival(consultation):
    first = comment(consultation, CAMPAIGN)
    copy = comment(consultation, CAMPAIGN.replace("！", "。 "))
    near = comment(consultation, CAMPAIGN + "谢谢")
    other = comment(consultation, "第三条表述不清，建议修改为按区域分类管理。")
    rows = {c.pk: c for c in PublicComment.objects.all()}
    assert rows[first.pk].group_key == first.pk and rows[first.pk].signature
    assert rows[copy.pk].group_key == rows[near.pk].group_key == first.pk
    assert rows[other.pk].group_key == other.pk


def test_reports_and_disposal_compare_nothing(consultation, users, monkeypatch):
    for i, body in enumerate([CAMPAIGN] * 5 + distinct_texts(20)):
        comment(consultation, body, name=f"市民{i}")

    def no_grouping_here(*args, **kwargs):
        raise AssertionError("comments were compared on a read")

    monkeypatch.setattr(grouping, "_trigrams", no_grouping_here)
    monkeypatch.setattr(grouping, "_jaccard", no_grouping_here)
    report = selectors.comment_report(consultation, include_names=True)
    assert (report["received"], report["distinct"]) == (25, 21) and report["groups"][0]["count"] == 5
    first = PublicComment.objects.order_by("id").first()
    members = services.comment_dispose(actor=users["drafter"], document_id=consultation.pk, comment_id=first.pk,
                                       disposition="adopted")
    assert len(members) == 5
    assert "合并相同或相近意见后为21条" in grouping.adoption_summary(PublicComment.objects.all())


def test_placing_a_comment_compares_it_with_few_groups(monkeypatch):
    calls = []
    real = grouping._jaccard
    monkeypatch.setattr(grouping, "_jaccard", lambda a, b: calls.append(1) or real(a, b))
    grouper = grouping.Grouper()
    texts = distinct_texts(1000)
    keys = [grouper.place(i, text)[0] for i, text in enumerate(texts)]
    assert len(set(keys)) == 1000
    assert len(calls) < 5000  # comparing every pair would be ~500,000
    # and copies still find their group
    assert grouper.place("new", texts[500])[0] == 500
    assert grouper.place("new2", texts[500] + "。")[0] == 500


def test_the_data_migration_fills_existing_comments(consultation):
    for body in [CAMPAIGN, CAMPAIGN + "。", "完全不同的一条意见，关于第七条。"]:
        comment(consultation, body)
    expected = list(PublicComment.objects.order_by("id").values_list("group_key", "signature"))
    PublicComment.objects.update(group_key=None, signature=None)
    migration = importlib.import_module("review.migrations.0013_publiccomment_signature")
    migration.fill(apps, None)
    assert list(PublicComment.objects.order_by("id").values_list("group_key", "signature")) == expected


def test_comments_without_a_stored_group_are_still_grouped():
    class Unsaved:
        def __init__(self, body):
            self.body, self.disposition = body, ""

    groups = grouping.group_comments([Unsaved(CAMPAIGN), Unsaved("别的意见，完全不同。"), Unsaved(CAMPAIGN + "！")])
    assert [g.count for g in groups] == [2, 1]


def test_the_document_page_shows_the_groups_fifty_at_a_time(consultation, users):
    from django.test import Client

    for i, body in enumerate(distinct_texts(60)):
        comment(consultation, body, name=f"市民{i}")
    client = Client()
    client.force_login(users["drafter"])
    first = client.get(f"/documents/{consultation.pk}/").content.decode()
    second = client.get(f"/documents/{consultation.pk}/?comments_page=2").content.decode()
    assert first.count("（第") == 50 and second.count("（第") == 10
    assert "?comments_page=2" in first and "1 / 2" in first
