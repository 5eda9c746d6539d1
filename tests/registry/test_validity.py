"""R11 filing and R12 validity: limits, expiry at the end of the last day (Asia/Shanghai),
the clean-up listing and recorded evaluations."""
import datetime as dt

import pytest

from registry import services as registry
from registry.tasks import expire_documents
from review.models import Document, History

pytestmark = pytest.mark.django_db
D = dt.date


def publish(make_document, users, *, validity_years=5, effective_from=None, published_on=None, **kw):
    doc = make_document("registered", validity_years=validity_years, **kw)
    registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website",
                              published_on=published_on, effective_from=effective_from)
    return Document.objects.get(pk=doc.pk)


def test_validity_and_evaluation_dates(make_document, users, freeze_today):
    freeze_today(D(2026, 3, 1))
    doc = publish(make_document, users, effective_from=D(2026, 4, 1))
    assert (doc.expires_on, doc.evaluation_due_on) == (D(2031, 3, 31), D(2030, 9, 30))
    open_ended = publish(make_document, users, validity_years=None, effective_from=D(2026, 4, 1))
    assert (open_ended.expires_on, open_ended.evaluation_due_on) == (None, D(2031, 4, 1))


def test_provisional_validity_over_two_years_refused(client_for):
    r = client_for("drafter").post("/api/documents/", {"title": "暂行办法", "body": "第一条", "issuer": "CSZF",
                                                       "validity_years": 3, "provisional": True}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validity_too_long"
    assert "2年" in r.json()["error"]["message"]


def test_expire_moves_exactly_the_documents_whose_validity_ended(make_document, users, freeze_today):
    freeze_today(D(2026, 1, 5))
    ends_yesterday = publish(make_document, users, validity_years=1, effective_from=D(2026, 1, 5))  # to 2027-01-04
    ends_today = publish(make_document, users, validity_years=1, effective_from=D(2026, 1, 6))      # to 2027-01-05
    open_ended = publish(make_document, users, validity_years=None)
    freeze_today(D(2027, 1, 5))
    assert expire_documents() == 1
    states = dict(Document.objects.values_list("pk", "state"))
    assert (states[ends_yesterday.pk], states[ends_today.pk], states[open_ended.pk]) == ("expired", "published", "published")
    assert expire_documents() == 0  # once
    row = History.objects.get(document=ends_yesterday, action="expire")
    assert row.actor is None and row.from_state == "published" and "2027-01-04" in row.opinion
    freeze_today(D(2027, 1, 6))
    assert expire_documents() == 1 and Document.objects.get(pk=ends_today.pk).state == "expired"


def test_expiry_boundary_is_local_midnight(make_document, users, freeze_today, monkeypatch):
    """At 23:30 UTC on 4 January it is already 5 January in Asia/Shanghai."""
    freeze_today(D(2026, 1, 5))
    doc = publish(make_document, users, validity_years=1, effective_from=D(2026, 1, 5))
    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "now", lambda: dt.datetime(2027, 1, 4, 15, 59, tzinfo=dt.timezone.utc))
    assert expire_documents() == 0  # 23:59 on the last day, Beijing time
    monkeypatch.setattr(tz, "now", lambda: dt.datetime(2027, 1, 4, 16, 1, tzinfo=dt.timezone.utc))
    assert expire_documents() == 1 and Document.objects.get(pk=doc.pk).state == "expired"


def test_filing_deadline_and_on_time_flag(client_for, make_document, users, freeze_today):
    freeze_today(D(2026, 3, 2))
    doc = publish(make_document, users, published_on=D(2026, 3, 2))
    late = publish(make_document, users, published_on=D(2026, 3, 2))
    client = client_for("registrar")
    assert client.get(f"/api/documents/{doc.pk}/").json()["filing_due_on"] == "2026-04-01"
    freeze_today(D(2026, 4, 1))
    r = client.post(f"/api/documents/{doc.pk}/file-record/", {"filed_with": "省政府", "filed_on": "2026-04-01",
                                                               "reference": "粤备〔2026〕12号"}, format="json")
    assert r.json()["filed_on_time"] is True and r.json()["filing_reference"] == "粤备〔2026〕12号"
    freeze_today(D(2026, 4, 2))
    r = client.post(f"/api/documents/{late.pk}/file-record/", {"filed_with": "省政府", "filed_on": "2026-04-02"},
                    format="json")
    assert r.json()["filed_on_time"] is False
    r = client.post(f"/api/documents/{late.pk}/file-record/", {"filed_with": "省政府", "filed_on": "2026-04-02"},
                    format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_filed"


def test_cleanup_listing_and_evaluation(client_for, make_document, users, freeze_today):
    freeze_today(D(2026, 1, 10))
    with_validity = publish(make_document, users, validity_years=2, effective_from=D(2026, 1, 10))  # to 2028-01-09
    open_ended = publish(make_document, users, validity_years=None, effective_from=D(2026, 1, 10))  # due 2031-01-10
    client = client_for("registrar")
    assert client.get("/api/registry/cleanup/").json()["count"] == 0
    freeze_today(D(2027, 7, 9))  # 6 months before expiry
    listing = client.get("/api/registry/cleanup/").json()["results"]
    assert [(d["id"], d["evaluation_status"]) for d in listing] == [(with_validity.pk, "due")]
    freeze_today(D(2031, 7, 10))  # 6 months after the open-ended one fell due
    listing = {d["id"]: d["evaluation_status"] for d in client.get("/api/registry/cleanup/").json()["results"]}
    assert listing == {with_validity.pk: "overdue", open_ended.pk: "overdue"}
    expire_documents()  # the one with a validity period lapsed in 2028 and leaves the list
    listing = {d["id"]: d["evaluation_status"] for d in client.get("/api/registry/cleanup/").json()["results"]}
    assert listing == {open_ended.pk: "overdue"}
    r = client.post(f"/api/documents/{open_ended.pk}/record-evaluation/",
                    {"outcome": "continue", "evaluated_on": "2031-07-10", "notes": "实施效果良好"}, format="json")
    assert r.status_code == 201
    assert Document.objects.get(pk=open_ended.pk).evaluation_due_on == D(2036, 7, 10)
    assert client.get("/api/registry/cleanup/").json()["count"] == len(listing) - 1
    assert client_for("drafter").get("/api/registry/cleanup/").status_code == 403
    r = client_for("reviewer").post(f"/api/documents/{open_ended.pk}/record-evaluation/",
                                    {"outcome": "continue", "evaluated_on": "2031-07-10"}, format="json")
    assert r.status_code in (403, 404)
