"""Two people acting on one document at once: exactly one wins, the other gets 409 (DESIGN §2).
Proved on PostgreSQL with real connections in threads; skipped with the reason on SQLite."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registry.models import RegistryEntry
from registry.services import number_allocate
from review.models import History
from tests.helpers import postgres_only, run_at_once

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_approve_and_return_at_once_twenty_times(users, make_document):
    for _ in range(20):
        doc = make_document("submitted")
        one, two = APIClient(), APIClient()
        one.force_authenticate(users["reviewer"])
        two.force_authenticate(users["reviewer2"])
        responses = run_at_once(
            lambda: one.post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"}, format="json"),
            lambda: two.post(f"/api/documents/{doc.pk}/return-for-revision/",
                             {"outcome": "unlawful", "opinion": "不合法"}, format="json"),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409], [getattr(r, "content", r) for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["error"]["code"] in ("invalid_transition", "concurrent_change")
        decisions = History.objects.filter(document=doc, action__in=["approve", "return_for_revision"])
        assert decisions.count() == 1


def test_two_clerks_register_at_once_one_number(users, make_document):
    doc = make_document("approved")
    clients = [APIClient(), APIClient()]
    for c in clients:
        c.force_authenticate(users["registrar"])
    # the day of the approval where the government is (from 16:00 to 24:00 UTC, not the UTC date)
    body = {"meeting": "常务会议", "deliberated_on": timezone.localdate(doc.updated_at).isoformat()}
    responses = run_at_once(*[lambda c=c: c.post(f"/api/documents/{doc.pk}/register/", body, format="json")
                              for c in clients])
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert RegistryEntry.objects.filter(document=doc).count() == 1


def test_eight_allocators_get_distinct_gapless_numbers(orgs):
    from django.db import transaction

    def allocate_25(issuer):
        numbers = []
        for _ in range(25):
            with transaction.atomic():
                numbers.append(number_allocate(issuer=issuer, year=2026).seq)
        return numbers

    results = run_at_once(*[lambda: allocate_25(orgs["city"]) for _ in range(6)],
                          *[lambda: allocate_25(orgs["edu"]) for _ in range(2)])
    assert not [r for r in results if isinstance(r, Exception)], results
    city = sorted(n for r in results[:6] for n in r)
    edu = sorted(n for r in results[6:] for n in r)
    assert city == list(range(1, 151)) and edu == list(range(1, 51))
    assert RegistryEntry.objects.filter(issuer=orgs["city"]).values("number").distinct().count() == 150


def test_eight_heads_sign_two_hundred_opinions_at_once_gapless(users, orgs):
    """R15: letter numbers per review body and year from the one numbering engine: 8 heads
    signing 200 opinions at once get 春司审〔YYYY〕1号 … 200号, no gap, no duplicate."""
    import datetime as dt

    from accounts.models import User
    from review import services
    from review.models import Document, Opinion
    from tests.conftest import BODY

    orgs["justice"].signoff_required = True
    orgs["justice"].save()
    heads = [User.objects.create_user(username=f"head{i}", password="x", organisation=orgs["justice"],
                                      role="review_head") for i in range(8)]
    docs = []
    for i in range(200):
        doc = services.document_create(actor=users["drafter"], title=f"办法{i}", body=BODY, issuer=orgs["city"],
                                       affects_rights=False)
        services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
        services.document_assign(actor=heads[0], document_id=doc.pk, handler="reviewer")
        services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急")
        docs.append(doc.pk)
    assert Opinion.objects.filter(status="awaiting_signoff").count() == 200

    def sign(head, ids):
        for pk in ids:
            services.document_sign_opinion(actor=head, document_id=pk, decision="sign")
        return len(ids)

    results = run_at_once(*[lambda h=h, i=i: sign(h, docs[i::8]) for i, h in enumerate(heads)])
    assert results == [25] * 8, results
    year = dt.date.today().year
    numbers = sorted(Opinion.objects.filter(status="issued").values_list("seq", flat=True))
    assert numbers == list(range(1, 201))
    assert Opinion.objects.filter(number=f"春司审〔{year}〕200号").exists()
    assert Document.objects.filter(pk__in=docs, state="registration").count() == 200
