"""Planning (DESIGN §5): each transition plans its reminders in its own transaction, on Chinese
working days, for the right people; the transitions that end a deadline cancel what is unsent.

Dates around National Day 2025 (1–8 Oct off; Sun 28 Sep and Sat 11 Oct are make-up working days)."""
import datetime as dt

import pytest

from notifications.models import InboxMessage, Kind, Reminder
from notifications.planning import working_days_before
from notifications.sweep import run_sweep, still_applies
from core.calendar import add_months
from registry import services as registry
from review import services
from core.calendar import Calendar
from tests.conftest import BODY

pytestmark = pytest.mark.django_db

D = dt.date


def plan_of(doc, **filters):
    """What is still to be delivered. An act that ends a deadline leaves its unsent reminders for
    the sweep to drop when they come due (sweep.still_applies), so that its own cost stays
    fixed (issue 19); an act that plans the same kinds again replaces them itself."""
    rows = Reminder.objects.filter(document=doc, **filters).select_related("recipient", "document")
    return sorted((r.kind, r.due_on, r.recipient.username) for r in rows if still_applies(r))


def new_doc(users, orgs, validity_years=5):
    return services.document_create(actor=users["drafter"], title="春城市校外培训机构管理办法", body=BODY,
                                    issuer=orgs["city"], affects_rights=True, validity_years=validity_years)


def submit(users, doc):
    return services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk,
                                               drafting_notes="依据教育法", comment_summary="无意见",
                                               exemption_reason="应急，经批准不公开")


def test_submission_plans_due_soon_and_overdue_on_working_days_for_every_reviewer(users, orgs, freeze_today):
    users["reviewer2"].is_active = False  # an inactive reviewer gets nothing
    users["reviewer2"].save()
    from accounts.models import User
    User.objects.create_user("reviewer3", organisation=orgs["justice"], role="reviewer")
    freeze_today(D(2025, 9, 26))  # Friday before National Day
    doc = submit(users, new_doc(users, orgs))
    assert doc.review_due_at == D(2025, 10, 23)  # 15 working days, counting 28 Sep and 11 Oct
    assert plan_of(doc) == [
        ("review_due_soon", D(2025, 10, 20), "reviewer"),   # 20, 21, 22 | 23: due in 3 working days
        ("review_due_soon", D(2025, 10, 20), "reviewer3"),
        ("review_overdue", D(2025, 10, 24), "reviewer"),    # the first working day after the due date
        ("review_overdue", D(2025, 10, 24), "reviewer3"),
    ]


def test_working_day_helpers():
    cal = Calendar({})
    assert working_days_before(cal, D(2025, 10, 9), 3) == D(2025, 9, 28)  # 9 Oct, 30 and 29 Sep, holidays skipped
    assert working_days_before(cal, D(2025, 10, 13), 1) == D(2025, 10, 11)  # a Saturday make-up day
    assert add_months(D(2030, 8, 31), -6) == D(2030, 2, 28)
    assert add_months(D(2030, 3, 15), -6) == D(2029, 9, 15)


def test_comment_period_closed_goes_to_the_drafting_departments_drafters(users, orgs, freeze_today):
    freeze_today(D(2025, 9, 1))
    doc = new_doc(users, orgs)
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=D(2025, 9, 15))
    assert plan_of(doc) == [("comment_period_closed", D(2025, 9, 16), "drafter")]  # not other_drafter
    # Submitting ends it: the drafter has acted, nothing to remind.
    freeze_today(D(2025, 9, 17))
    submit(users, doc)
    assert not plan_of(doc, kind=Kind.COMMENT_PERIOD_CLOSED)
    # and the row itself is gone (a first round skips the cancelling only for a draft never opened for comment)
    assert not Reminder.objects.filter(document=doc, kind=Kind.COMMENT_PERIOD_CLOSED).exists()


def test_approval_ends_review_reminders_and_plans_registration_pending(users, orgs, freeze_today):
    freeze_today(D(2025, 9, 26))
    doc = submit(users, new_doc(users, orgs))
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
    # more than 5 working days: 28, 29, 30 Sep, 9, 10 Oct → reminded on the 6th, Sat 11 Oct (调休)
    assert plan_of(doc) == [("registration_pending", D(2025, 10, 11), "registrar")]
    registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="常务会议",
                               deliberated_on=D(2025, 9, 26))
    assert plan_of(doc) == []
    # when the ended review's and registration's reminders come due, nobody is told, and they are gone
    assert run_sweep(today=D(2025, 12, 31)) == 0
    assert not Reminder.objects.filter(document=doc, kind__in=["review_due_soon", "review_overdue",
                                                               "registration_pending"]).exists()
    assert not InboxMessage.objects.filter(document=doc).exists()


def test_approval_of_another_kind_plans_no_registration(users, orgs, make_document):
    doc = make_document("approved", kind="major_decision")
    assert doc.state == "reviewed" and plan_of(doc) == []


def test_return_and_withdraw_cancel_unsent_review_reminders_but_keep_what_was_sent(users, orgs, freeze_today):
    from notifications.sweep import run_sweep

    freeze_today(D(2025, 9, 26))
    doc = submit(users, new_doc(users, orgs))
    assert run_sweep(today=D(2025, 10, 20)) == 2  # due_soon delivered to both reviewers
    services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk,
                                          outcome="materials_missing", opinion="缺少起草说明")
    assert plan_of(doc, sent_at__isnull=True) == []
    assert Reminder.objects.filter(document=doc, sent_at__isnull=False).count() == 2
    assert InboxMessage.objects.filter(document=doc).count() == 2

    # Resubmission: a new round with its own due date and its own reminders.
    freeze_today(D(2025, 10, 27))
    submit(users, doc)
    assert {r[:2] for r in plan_of(doc, sent_at__isnull=True)} == {
        ("review_due_soon", D(2025, 11, 12)), ("review_overdue", D(2025, 11, 18))}  # due 17 Nov
    services.document_withdraw(actor=users["drafter"], document_id=doc.pk, reason="政策调整")
    assert plan_of(doc, sent_at__isnull=True) == []


def test_publication_plans_filing_and_validity_and_filing_cancels(users, orgs, freeze_today):
    freeze_today(D(2025, 9, 26))
    doc = submit(users, new_doc(users, orgs, validity_years=5))
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
    registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="常务会议",
                               deliberated_on=D(2025, 9, 26))
    freeze_today(D(2025, 10, 15))
    registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
    assert plan_of(doc) == [
        ("filing_due", D(2025, 11, 9), "registrar"),        # 30-day deadline 14 Nov, 5 days before
        ("filing_overdue", D(2025, 11, 15), "registrar"),
        ("validity_expiring", D(2030, 4, 14), "registrar"),  # expires 2030-10-14, 6 months before
    ]
    freeze_today(D(2025, 11, 1))
    registry.document_file_record(actor=users["registrar"], document_id=doc.pk, filed_with="省政府",
                                  filed_on=D(2025, 11, 1))
    assert plan_of(doc) == [("validity_expiring", D(2030, 4, 14), "registrar")]


def test_publication_without_validity_plans_the_five_yearly_evaluation(users, orgs, freeze_today):
    freeze_today(D(2025, 10, 15))
    doc = submit(users, new_doc(users, orgs, validity_years=None))
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
    registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="常务会议",
                               deliberated_on=D(2025, 10, 15))
    registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="gazette",
                              effective_from=D(2025, 12, 1))
    assert plan_of(doc, kind=Kind.EVALUATION_OVERDUE) == [("evaluation_overdue", D(2030, 12, 1), "registrar")]
    assert not plan_of(doc, kind=Kind.VALIDITY_EXPIRING)


def test_planning_rolls_back_with_a_refused_transition(users, orgs, freeze_today):
    """Same transaction: a transition refused after planning leaves no reminder behind."""
    from django.db import transaction

    freeze_today(D(2025, 9, 26))
    doc = new_doc(users, orgs)
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(users, doc)
        assert Reminder.objects.filter(document=doc).count() == 4
        raise RuntimeError("the transition's transaction fails after planning")
    assert Reminder.objects.filter(document=doc).count() == 0


def test_notifications_does_not_import_review_or_registry_at_import_time():
    """Dependencies point down: only lazy imports (inside functions) of review/registry."""
    import ast
    from pathlib import Path

    import notifications

    for path in Path(notifications.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] in ("review", "registry")], (path, names)
