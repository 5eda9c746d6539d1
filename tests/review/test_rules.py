"""Each rule R2–R8 and R10 with a case that passes and one that is blocked (DESIGN §1)."""
import datetime as dt

import pytest

from registry import services as registry
from review import services
from core.errors import InvalidInput, RuleViolation
from review.models import Document
from core.clock import today
from core.calendar import add_working_days
from tests.conftest import BODY, snapshot

pytestmark = pytest.mark.django_db


def draft(users, orgs, **kw):
    kw.setdefault("affects_rights", True)
    return services.document_create(actor=users["drafter"], title="办法", body=BODY, issuer=orgs["city"], **kw)


# --- R2: public comment required when rights and duties are touched --------------------------
def test_r2_submit_without_comment_refused(users, orgs):
    doc = draft(users, orgs)
    before = snapshot(doc.pk)
    with pytest.raises(RuleViolation) as err:
        services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    assert err.value.code == "comment_required"
    assert snapshot(doc.pk) == before


def test_r2_exemption_reason_recorded_passes(users, orgs):
    doc = draft(users, orgs)
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据",
                                        exemption_reason="涉及国家秘密")
    doc = Document.objects.get(pk=doc.pk)
    assert doc.state == "legality_review"
    assert doc.review_rounds.get().comment_exemption_reason == "涉及国家秘密"


def test_r2_not_needed_when_rights_untouched(users, orgs):
    doc = draft(users, orgs, affects_rights=False)
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    assert Document.objects.get(pk=doc.pk).state == "legality_review"


# --- R3: the comment period -----------------------------------------------------------------
def test_r3_six_working_days_refused_without_reason(users, orgs):
    doc = draft(users, orgs)
    before = snapshot(doc.pk)
    six = add_working_days(today(), 6).date
    with pytest.raises(RuleViolation) as err:
        services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=six)
    assert err.value.code == "comment_period_too_short"
    assert "7个工作日" in err.value.message
    assert snapshot(doc.pk) == before


def test_r3_seven_working_days_pass(users, orgs):
    doc = draft(users, orgs)
    seven = add_working_days(today(), 7).date
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=seven)
    assert Document.objects.get(pk=doc.pk).state == "public_comment"


def test_r3_shorter_period_with_a_published_reason_passes(users, orgs):
    doc = draft(users, orgs)
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                          closes_on=add_working_days(today(), 3).date,
                                          short_period_reason="应对突发公共卫生事件，时间紧急")
    assert Document.objects.get(pk=doc.pk).comment_short_period_reason.startswith("应对")


@pytest.mark.parametrize("field", ["business_related", "major_decision"])
def test_r3_thirty_days_for_business_or_major_decisions(users, orgs, field):
    kw = {"business_related": True} if field == "business_related" else {"kind": "major_decision"}
    doc = draft(users, orgs, **kw)
    with pytest.raises(RuleViolation) as err:
        services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                              closes_on=today() + dt.timedelta(days=29))
    assert err.value.code == "comment_period_too_short" and "30日" in err.value.message
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                          closes_on=today() + dt.timedelta(days=30))


def test_r3_submit_refused_while_comment_period_open(users, orgs):
    doc = draft(users, orgs)
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                          closes_on=add_working_days(today(), 7).date)
    before = snapshot(doc.pk)
    with pytest.raises(RuleViolation) as err:
        services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据",
                                            comment_summary="无")
    assert err.value.code == "comment_period_open"
    assert snapshot(doc.pk) == before


def test_r3_comments_accepted_only_while_open(users, orgs, freeze_today):
    doc = draft(users, orgs)
    closes = add_working_days(today(), 7).date
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=closes)
    comment = services.comment_create(document_id=doc.pk, author_name="李四", body="同意")
    freeze_today(closes + dt.timedelta(days=1))
    with pytest.raises(RuleViolation) as err:
        services.comment_create(document_id=doc.pk, author_name="王五", body="迟到的意见")
    assert err.value.code == "comment_period_closed"
    # After the period the drafter answers each comment and submits with the comment handling.
    services.comment_dispose(actor=users["drafter"], document_id=doc.pk, comment_id=comment.pk, disposition="adopted")
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据",
                                        comment_summary="收到意见1条，已采纳")
    assert Document.objects.get(pk=doc.pk).state == "legality_review"


# --- R4: the materials of a submission -------------------------------------------------------
def test_r4_drafting_notes_required(users, orgs):
    doc = draft(users, orgs, affects_rights=False)
    with pytest.raises(RuleViolation) as err:
        services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes=" ")
    assert err.value.code == "materials_incomplete" and "起草说明" in err.value.message


def test_r4_every_comment_answered_before_submission(users, orgs, freeze_today):
    doc = draft(users, orgs)
    closes = add_working_days(today(), 7).date
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=closes)
    comment = services.comment_create(document_id=doc.pk, author_name="李四", body="建议删除第三条")
    freeze_today(closes + dt.timedelta(days=1))
    with pytest.raises(RuleViolation) as err:
        services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    assert err.value.code == "materials_incomplete" and "1条公众意见的处理情况" in err.value.message
    services.comment_dispose(actor=users["drafter"], document_id=doc.pk, comment_id=comment.pk,
                             disposition="not_adopted", reason="第三条有上位法依据")
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    # the comment handling (R4) was written from the dispositions
    assert "未采纳1条" in Document.objects.get(pk=doc.pk).review_rounds.get().comment_summary


def test_r4_a_period_without_comments_says_so(users, orgs, freeze_today):
    doc = draft(users, orgs)
    closes = add_working_days(today(), 7).date
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=closes)
    freeze_today(closes + dt.timedelta(days=1))
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    assert Document.objects.get(pk=doc.pk).comment_summary == "公开征求意见期间未收到意见。"


# --- R5: the review clock --------------------------------------------------------------------
def test_r5_due_in_fifteen_working_days_and_a_new_round_after_an_opinion(users, orgs, freeze_today):
    freeze_today(dt.date(2026, 9, 24))  # National Day week ahead: 10-01..10-07 off, Saturday 10-10 worked
    doc = draft(users, orgs, affects_rights=False)
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    doc = Document.objects.get(pk=doc.pk)
    assert doc.review_due_at == dt.date(2026, 10, 22) and not doc.review_due_provisional
    services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk,
                                          outcome="unlawful", opinion="第三条缺乏上位法依据")
    freeze_today(dt.date(2026, 12, 18))
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="补充依据")
    doc = Document.objects.get(pk=doc.pk)
    rounds = list(doc.review_rounds.values_list("round_no", "due_on", "due_provisional"))
    # 15 working days from 2026-12-18 run into 2027, for which there is no schedule yet.
    assert rounds[0][:2] == (1, dt.date(2026, 10, 22))
    assert rounds[1][0] == 2 and rounds[1][1] == doc.review_due_at and rounds[1][2] is True


# --- R6: the written opinion ----------------------------------------------------------------
def test_r6_unlawful_returns_to_drafting_and_cannot_be_registered(users, orgs, make_document):
    doc = make_document("submitted")
    services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk, outcome="unlawful",
                                          opinion="设定行政处罚，不合法")
    doc = Document.objects.get(pk=doc.pk)
    assert doc.state == "drafting" and doc.approved_version is None


def test_r6_approval_needs_a_written_opinion(users, make_document):
    doc = make_document("submitted")
    with pytest.raises(InvalidInput):
        services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="")
    assert Document.objects.get(pk=doc.pk).state == "legality_review"


# --- R8: collective deliberation before registration ----------------------------------------
def test_r8_register_needs_meeting_and_date(users, make_document):
    doc = make_document("approved")
    before = snapshot(doc.pk)
    with pytest.raises(RuleViolation) as err:
        registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="", deliberated_on=today())
    assert err.value.code == "deliberation_required"
    with pytest.raises(InvalidInput):
        registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="常务会议",
                                   deliberated_on=today() + dt.timedelta(days=1))
    assert snapshot(doc.pk) == before
    from registry.models import RegistryEntry
    assert not RegistryEntry.objects.exists()  # a refused registration uses up no number


# --- R10: published only with a number, channel and date ------------------------------------
def test_r10_publish_needs_a_number(users, make_document):
    doc = make_document("approved")
    with pytest.raises(RuleViolation) as err:
        registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
    assert err.value.code == "not_registered"


def test_r10_publication_records_channel_date_and_validity(users, make_document, freeze_today):
    freeze_today(dt.date(2026, 2, 24))  # approved before the publication date (issue 17: never after it)
    doc = make_document("registered")
    registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="gazette",
                              published_on=dt.date(2026, 3, 1), effective_from=dt.date(2026, 4, 1))
    doc = Document.objects.get(pk=doc.pk)
    assert (doc.publication_channel, doc.published_on, doc.effective_from, doc.expires_on) == (
        "gazette", dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2031, 3, 31))


# --- R12: validity limits -------------------------------------------------------------------
def test_r12_validity_over_the_limit_refused(users, orgs):
    with pytest.raises(InvalidInput) as err:
        draft(users, orgs, validity_years=6)
    assert err.value.code == "validity_too_long"
    with pytest.raises(InvalidInput):
        draft(users, orgs, validity_years=3, provisional=True)
    assert draft(users, orgs, validity_years=2, provisional=True).validity_years == 2
