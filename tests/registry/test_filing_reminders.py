"""Reminders of filing review (DESIGN §5): filing due/overdue to the issuer's registrars, filing
review due to the recipient's reviewers, correction answer due to the issuer's registrars,
review request answer due to the recipient's reviewers, an escalation to the recipient's heads.
Each goes to people (never a whole role elsewhere), exactly once, and not once it no longer applies."""
import datetime as dt

import pytest

from notifications.models import InboxMessage, Reminder
from notifications.sweep import run_sweep
from registry import services as registry
from registry.models import Filing

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def plan(doc, kind):
    return sorted((r.due_on, r.recipient.username) for r in Reminder.objects.filter(document=doc, kind=kind))


def inbox(kind):
    return sorted(InboxMessage.objects.filter(reminder__kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def published(users, congresses, county_document, freeze_today):
    freeze_today(START)
    doc = county_document()
    return doc, Filing.objects.get(document=doc, recipient__code="CSSFJ"), Filing.objects.get(document=doc,
                                                                                          recipient__code="QSRD")


def test_filing_due_and_overdue_go_to_the_issuers_registrars_until_every_filing_is_in(users, published, freeze_today):
    doc, to_bureau, to_congress = published
    assert plan(doc, "filing_due") == [(START + dt.timedelta(days=25), "county_registrar")]
    assert plan(doc, "filing_overdue") == [(START + dt.timedelta(days=31), "county_registrar")]
    registry.filing_submit(actor=users["county_registrar"], filing_id=to_bureau.pk)
    run_sweep(today=START + dt.timedelta(days=25))
    run_sweep(today=START + dt.timedelta(days=26))
    assert inbox("filing_due") == ["county_registrar"]  # one filing still due: sent, once
    registry.filing_submit(actor=users["county_registrar"], filing_id=to_congress.pk)
    run_sweep(today=START + dt.timedelta(days=31))
    assert inbox("filing_overdue") == []  # every filing is in: no longer applies


def test_filing_review_due_goes_to_the_recipients_reviewers_once(users, published, freeze_today):
    doc, to_bureau, to_congress = published
    for filing in (to_bureau, to_congress):
        registry.filing_submit(actor=users["county_registrar"], filing_id=filing.pk)
    filing = registry.filing_accept(actor=users["reviewer"], filing_id=to_bureau.pk)
    remind_on = filing.review_due_on - dt.timedelta(days=5)
    # the city bureau's reviewers and head: people of the recipient, nobody of the county's congress
    assert plan(doc, "filing_review_due") == [(remind_on, "head"), (remind_on, "reviewer"), (remind_on, "reviewer2")]
    registry.filing_accept(actor=users["county_congress"], filing_id=to_congress.pk)
    assert run_sweep(today=remind_on) >= 4
    assert run_sweep(today=remind_on + dt.timedelta(days=1)) == 0
    assert inbox("filing_review_due") == ["county_congress", "head", "reviewer", "reviewer2"]
    message = InboxMessage.objects.filter(reminder__kind="filing_review_due", recipient=users["reviewer"]).get()
    assert f"{filing.review_due_on:%Y年%m月%d日}" in message.body


def test_a_review_concluded_in_time_is_not_reminded(users, published):
    doc, to_bureau, _ = published
    registry.filing_submit(actor=users["county_registrar"], filing_id=to_bureau.pk)
    filing = registry.filing_accept(actor=users["reviewer"], filing_id=to_bureau.pk)
    registry.filing_conclude(actor=users["reviewer"], filing_id=to_bureau.pk, outcome="filed", opinion="予以备案")
    run_sweep(today=filing.review_due_on)
    assert inbox("filing_review_due") == []


def test_correction_answer_due_goes_to_the_issuers_registrars_until_answered(users, published, freeze_today):
    doc, to_bureau, _ = published
    registry.filing_submit(actor=users["county_registrar"], filing_id=to_bureau.pk)
    registry.filing_accept(actor=users["reviewer"], filing_id=to_bureau.pk)
    filing = registry.filing_conclude(actor=users["reviewer"], filing_id=to_bureau.pk,
                                      outcome="correction_required", opinion="违法")
    remind_on = filing.correction_due_on - dt.timedelta(days=5)
    assert plan(doc, "correction_answer_due") == [(remind_on, "county_registrar")]
    run_sweep(today=remind_on)
    run_sweep(today=remind_on)
    assert inbox("correction_answer_due") == ["county_registrar"]
    # an answer rejected: a new answer period, reminded again; an answer given: not reminded
    registry.filing_respond(actor=users["county_registrar"], filing_id=to_bureau.pk, action="explained", note="说明")
    freeze_today(START + dt.timedelta(days=10))
    again = registry.filing_reject_response(actor=users["reviewer"], filing_id=to_bureau.pk, note="不认可")
    registry.filing_respond(actor=users["county_registrar"], filing_id=to_bureau.pk, action="explained", note="再说明")
    run_sweep(today=again.correction_due_on)
    assert inbox("correction_answer_due") == ["county_registrar"]
    # the escalation to the head no longer applies either: answered again before the sweep ran
    assert inbox("filing_escalated") == []


def test_a_review_request_is_reminded_to_the_recipients_reviewers_until_answered(users, published, freeze_today):
    doc, _, _ = published
    receipt, rows = registry.review_request_create(document=doc.number, name="王小明", contact="138", reason="理由")
    remind_on = rows[0].due_on - dt.timedelta(days=5)
    assert plan(doc, "review_request_due") == [(remind_on, "county_congress"), (remind_on, "head"),
                                                (remind_on, "reviewer"), (remind_on, "reviewer2")]
    bureau_row = next(r for r in rows if r.recipient.code == "CSSFJ")
    registry.review_request_reply(actor=users["reviewer"], request_id=bureau_row.pk, outcome="no_issue", reply="无")
    run_sweep(today=remind_on)
    run_sweep(today=remind_on)
    assert inbox("review_request_due") == ["county_congress"]  # the bureau answered; the congress did not
