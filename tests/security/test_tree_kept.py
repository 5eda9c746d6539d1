"""The organisation tree is kept between acts (issue 19) but never outlives a change: an
organisation saved anywhere gives the tree a new version, and the next act reads it again."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.jurisdiction import Jurisdiction
from accounts.models import Organisation

pytestmark = pytest.mark.django_db


def tree_reads(question):
    with CaptureQueriesContext(connection) as ctx:
        answer = question()
    return answer, sum('FROM "accounts_organisation"' in q["sql"] for q in ctx.captured_queries)


def test_the_tree_is_read_once_then_kept_until_an_organisation_changes(orgs):
    body, reads = tree_reads(lambda: Jurisdiction().review_body_of(orgs["edu"].pk))
    assert body == orgs["justice"].pk and reads == 1
    assert tree_reads(lambda: Jurisdiction().review_body_of(orgs["edu"].pk)) == (orgs["justice"].pk, 0)
    # the bureau that reviews the education bureau's documents is changed by an administrator
    other = Organisation.objects.create(code="CSFZB", name="春城市法制办", kind="justice", parent=orgs["city"])
    edu = orgs["edu"]
    edu.review_body = other
    edu.save()
    assert tree_reads(lambda: Jurisdiction().review_body_of(edu.pk)) == (other.pk, 1)


def test_without_the_cache_every_act_reads_the_tree(orgs, monkeypatch):
    from django.core import cache as caches

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(caches.cache, "get", down)
    assert tree_reads(lambda: Jurisdiction().review_body_of(orgs["edu"].pk)) == (orgs["justice"].pk, 1)
    assert tree_reads(lambda: Jurisdiction().review_body_of(orgs["edu"].pk)) == (orgs["justice"].pk, 1)
