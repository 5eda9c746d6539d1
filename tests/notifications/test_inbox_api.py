"""The inbox API: GET /api/inbox/ (mine only, unread first, paginated like the rest) and
POST /api/inbox/{id}/read/ (404 for someone else's message, in the project's error format)."""
import datetime as dt

import pytest

from notifications.models import InboxMessage
from notifications.sweep import run_sweep
from review import services
from tests.conftest import BODY

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(users, orgs, freeze_today):
    """Two documents in review; both reviewers get their due-soon reminders."""
    freeze_today(dt.date(2025, 9, 26))
    docs = []
    for title in ("春城市校外培训机构管理办法", "春城市托育机构管理办法"):
        doc = services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"],
                                       affects_rights=False)
        docs.append(services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk,
                                                        drafting_notes="依据教育法"))
    assert run_sweep(today=dt.date(2025, 10, 20)) == 4
    return docs


def test_inbox_lists_my_messages_unread_first(client_for, delivered, users):
    client = client_for("reviewer")
    first = InboxMessage.objects.filter(recipient=users["reviewer"]).order_by("id").first()
    assert client.post(f"/api/inbox/{first.pk}/read/").status_code == 200

    body = client.get("/api/inbox/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    results = body["results"]
    assert [m["unread"] for m in results] == [True, False]
    assert results[1]["id"] == first.pk and results[1]["read_at"]
    assert results[0]["kind"] == "review_due_soon" and results[0]["due_on"] == "2025-10-20"
    assert results[0]["title"].startswith("【合法性审核即将到期】")
    assert {m["document"] for m in results} == {d.pk for d in delivered}

    unread = client.get("/api/inbox/?unread=true").json()
    assert unread["count"] == 1 and unread["results"][0]["unread"]
    assert client_for("drafter").get("/api/inbox/").json()["count"] == 0


def test_marking_read_is_idempotent_and_private(client_for, delivered, users):
    mine = InboxMessage.objects.filter(recipient=users["reviewer"]).first()
    r = client_for("reviewer").post(f"/api/inbox/{mine.pk}/read/")
    assert r.status_code == 200 and r.json()["unread"] is False
    read_at = r.json()["read_at"]
    assert client_for("reviewer").post(f"/api/inbox/{mine.pk}/read/").json()["read_at"] == read_at

    r = client_for("reviewer2").post(f"/api/inbox/{mine.pk}/read/")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client_for("reviewer").post("/api/inbox/999999/read/").status_code == 404
    assert client_for(None).get("/api/inbox/").status_code == 401
    assert InboxMessage.objects.get(pk=mine.pk).read_at is not None


def test_inbox_is_paginated(client_for, users, make_document):
    from notifications.models import Kind, Reminder

    doc = make_document("published")
    Reminder.objects.bulk_create(Reminder(document=doc, kind=Kind.FILING_DUE, recipient=users["registrar"],
                                          due_on=dt.date(2025, 1, 1) + dt.timedelta(days=i)) for i in range(60))
    assert run_sweep(today=dt.date(2025, 12, 31)) == 60
    page = client_for("registrar").get("/api/inbox/").json()
    assert page["count"] == 60 and len(page["results"]) == 50 and page["next"]
    assert len(client_for("registrar").get(page["next"]).json()["results"]) == 10
