"""Two reviewers of the recipient register the same filing at once (PostgreSQL): one wins, the
other gets 409, and the history has one row of it."""
import pytest
from rest_framework.test import APIClient

from registry import services as registry
from registry.models import Filing
from review.models import History
from tests.helpers import postgres_only, run_at_once

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_accept_the_same_filing_at_once(users, congresses, county_document):
    for n in range(5):
        doc = county_document(f"青山县第{n}号办法")
        filing = Filing.objects.get(document=doc, recipient__code="CSSFJ")
        registry.filing_submit(actor=users["county_registrar"], filing_id=filing.pk)
        one, two = APIClient(), APIClient()
        one.force_authenticate(users["reviewer"])
        two.force_authenticate(users["reviewer2"])
        responses = run_at_once(lambda: one.post(f"/api/filings/{filing.pk}/accept/", {}, format="json"),
                                lambda: two.post(f"/api/filings/{filing.pk}/accept/", {}, format="json"))
        assert sorted(r.status_code for r in responses) == [200, 409], [getattr(r, "content", r) for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.json()["error"]["code"] in ("invalid_transition", "concurrent_change")
        assert History.objects.filter(document=doc, action="filing_accept").count() == 1
        assert Filing.objects.get(pk=filing.pk).state == "under_review"
