"""The review desk (issue 12): case handling and sign-off (R15), honest clocks (R5), legal
advisers (R16) and numbered opinion letters, through the services and the API."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from core.calendar import add_working_days
from core.errors import Forbidden, InvalidInput, RuleViolation
from notifications.models import InboxMessage, Reminder
from notifications.sweep import run_sweep
from registry.reports import annual_figures
from review import services
from review.models import Document, Opinion, ReviewRound
from tests.conftest import BODY

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(users, orgs):
    """The city's bureau with sign-off switched on, a head and a legal adviser."""
    orgs["justice"].signoff_required = True
    orgs["justice"].save()
    firm = Organisation.objects.create(code="CSLS", name="春城明法律师事务所", kind="law_firm")
    users["head"] = User.objects.create_user(username="head", password="pw", organisation=orgs["justice"],
                                             role="review_head")
    users["adviser"] = User.objects.create_user(username="adviser", password="pw", organisation=firm, role="adviser")
    return users


def submitted(users, orgs, *, kind="normative", title="春城市校外培训机构管理办法"):
    doc = services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"], kind=kind,
                                   affects_rights=False, validity_years=5,
                                   contract={"counterparty": "某公司", "amount_yuan": 10, "contract_type": "采购"}
                                   if kind == "contract" else None)
    if kind == "major_decision":  # R17: the procedure steps come before legality review
        for step in ("expert_argument", "risk_assessment"):
            services.document_record_procedure_step(actor=users["drafter"], document_id=doc.pk, step=step,
                                                    not_required_reason="本决策不涉及")
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据教育法",
                                        exemption_reason="不涉及")
    return Document.objects.get(pk=doc.pk)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def open_round(doc) -> ReviewRound:
    return ReviewRound.objects.get(document=doc, outcome="")


# --- R15: case handling and sign-off ------------------------------------------------------
def test_a_reviewer_drafts_only_on_rounds_assigned_to_it(desk, orgs):
    doc = submitted(desk, orgs)
    r = api(desk["reviewer"]).post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急"},
                                   format="json")
    assert r.status_code == 403 and "尚未分配承办人" in r.json()["error"]["message"]
    services.document_assign(actor=desk["head"], document_id=doc.pk, handler="reviewer2")
    r = api(desk["reviewer"]).post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急"},
                                   format="json")
    assert r.status_code == 403 and "reviewer2承办" in r.json()["error"]["message"]
    assert not Opinion.objects.exists()
    # reassigning is logged and the handler filter follows it
    services.document_assign(actor=desk["head"], document_id=doc.pk, handler="reviewer")
    assert [h.opinion for h in doc.history.filter(action="assign")] == ["承办人分配给reviewer2", "承办人由reviewer2改为reviewer"]
    assert [d["id"] for d in api(desk["reviewer"]).get("/api/documents/?handler=me").json()["results"]] == [doc.pk]
    assert api(desk["reviewer2"]).get("/api/documents/?handler=me").json()["count"] == 0
    assert api(desk["reviewer"]).get(f"/api/documents/{doc.pk}/").json()["handler"] == "reviewer"


def test_only_a_head_of_the_body_assigns_and_only_to_its_own_reviewers(desk, orgs, users):
    doc = submitted(desk, orgs)
    with pytest.raises(Forbidden):
        services.document_assign(actor=desk["reviewer"], document_id=doc.pk, handler="reviewer")
    with pytest.raises(InvalidInput):
        services.document_assign(actor=desk["head"], document_id=doc.pk, handler="county_reviewer")
    assert open_round(doc).handler is None


def test_sign_off_send_back_revise_and_sign(desk, orgs):
    doc = submitted(desk, orgs)
    services.document_assign(actor=desk["head"], document_id=doc.pk, handler="reviewer")
    handler, head = api(desk["reviewer"]), api(desk["head"])
    body = {"opinion": "经审核，合法。", "urgent_reason": "市政府常务会议即将审议",
            "findings": [{"article": "第三条", "required_change": "建议明确公示期限"}]}
    r = handler.post(f"/api/documents/{doc.pk}/approve/", body, format="json")
    assert r.status_code == 202 and r.json()["state"] == "legality_review"
    assert r.json()["opinion"]["status"] == "awaiting_signoff"
    # a second draft while one waits is refused
    r2 = handler.post(f"/api/documents/{doc.pk}/approve/", body, format="json")
    assert r2.status_code == 409 and r2.json()["error"]["code"] == "awaiting_signoff"
    # only a head signs
    assert handler.post(f"/api/documents/{doc.pk}/sign-opinion/", {"decision": "sign"}, format="json").status_code == 403
    r = head.post(f"/api/documents/{doc.pk}/sign-opinion/", {"decision": "send_back"}, format="json")
    assert r.status_code == 400  # a send-back needs a note
    r = head.post(f"/api/documents/{doc.pk}/sign-opinion/", {"decision": "send_back", "note": "请补充审核依据"},
                  format="json")
    assert r.status_code == 200 and r.json()["state"] == "legality_review"
    assert Opinion.objects.get().status == "sent_back" and Opinion.objects.get().send_back_note == "请补充审核依据"
    r = handler.post(f"/api/documents/{doc.pk}/approve/", {**body, "basis": "《中华人民共和国教育法》"}, format="json")
    assert r.status_code == 202
    r = head.post(f"/api/documents/{doc.pk}/sign-opinion/", {"decision": "sign"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "registration"
    letter = Opinion.objects.get(status="issued")
    assert letter.number == f"春司审〔{dt.date.today().year}〕1号" and letter.signed_by.username == "head"
    assert letter.drafted_by.username == "reviewer" and letter.basis == "《中华人民共和国教育法》"
    assert r.json()["opinions"] == [{"id": letter.pk, "number": letter.number, "outcome": "lawful",
                                     "signed_on": letter.signed_on.isoformat()}]
    detail = head.get(f"/api/opinions/{letter.pk}/").json()
    assert (detail["number"], detail["handler"], detail["signed_by"], detail["outcome"]) == (
        letter.number, "reviewer", "head", "lawful")
    assert detail["changes"][0]["article"] == "第三条" and detail["urgent_reason"] == "市政府常务会议即将审议"
    assert [h.action for h in doc.history.order_by("seq")][-4:] == [
        "draft_opinion", "send_back_opinion", "draft_opinion", "approve"]


def test_a_heads_own_opinion_is_signed_on_issue(desk, orgs):
    doc = submitted(desk, orgs)
    r = api(desk["head"]).post(f"/api/documents/{doc.pk}/return-for-revision/",
                               {"outcome": "unlawful", "opinion": "第三条设定行政许可，违反上位法"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "drafting"
    letter = Opinion.objects.get()
    assert letter.status == "issued" and letter.signed_by.username == "head" and letter.outcome == "unlawful"


def test_a_bureau_without_sign_off_behaves_as_before(users, orgs):
    doc = submitted(users, orgs)
    r = api(users["reviewer"]).post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急"},
                                    format="json")
    assert r.status_code == 200 and r.json()["state"] == "registration"
    assert Opinion.objects.get().signed_by.username == "reviewer"


def test_opinion_numbers_run_per_body_and_year(desk, orgs, users):
    for i in range(3):
        doc = submitted(desk, orgs, title=f"办法{i}")
        services.document_approve(actor=desk["head"], document_id=doc.pk, opinion="合法", urgent_reason="急")
    county = services.document_create(actor=users["county_drafter"], title="县办法", body=BODY, issuer=orgs["county"],
                                      affects_rights=False)
    services.document_submit_for_review(actor=users["county_drafter"], document_id=county.pk, drafting_notes="依据")
    services.document_approve(actor=users["county_reviewer"], document_id=county.pk, opinion="合法", urgent_reason="急")
    year = dt.date.today().year
    assert sorted(Opinion.objects.filter(review_body=orgs["justice"]).values_list("number", flat=True)) == [
        f"春司审〔{year}〕{n}号" for n in (1, 2, 3)]
    # a body without an opinion prefix numbers under its own name
    assert Opinion.objects.get(review_body=orgs["county_justice"]).number == f"青山县司法局审〔{year}〕1号"


# --- R5: honest clocks --------------------------------------------------------------------
def test_approval_before_the_minimum_needs_an_urgency_reason(users, orgs, freeze_today):
    freeze_today(dt.date(2026, 9, 14))  # a Monday
    doc = submitted(users, orgs)
    r = api(users["reviewer"]).post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "review_too_early"
    assert "5个工作日" in r.json()["error"]["message"] and not Opinion.objects.exists()
    freeze_today(dt.date(2026, 9, 21))  # five working days later
    r = api(users["reviewer"]).post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法"}, format="json")
    assert r.status_code == 200, r.json()


def test_a_major_decision_needs_seven_working_days(desk, orgs, freeze_today):
    freeze_today(dt.date(2026, 9, 14))
    doc = submitted(desk, orgs, kind="major_decision")
    services.document_invite_adviser(actor=desk["head"], document_id=doc.pk, adviser="adviser")
    services.document_give_adviser_opinion(actor=desk["adviser"], document_id=doc.pk, opinion="无重大法律风险")
    freeze_today(dt.date(2026, 9, 21))  # five working days: enough for a normative document, not a decision
    with pytest.raises(RuleViolation) as refused:
        services.document_approve(actor=desk["head"], document_id=doc.pk, opinion="合法")
    assert refused.value.code == "review_too_early" and "7个工作日" in refused.value.message
    freeze_today(dt.date(2026, 9, 23))
    services.document_approve(actor=desk["head"], document_id=doc.pk, opinion="合法")
    assert Document.objects.get(pk=doc.pk).state == "reviewed"


def test_urgent_approvals_are_recorded_and_counted(users, orgs):
    doc = submitted(users, orgs)
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="应急管理需要")
    assert ReviewRound.objects.get(document=doc).urgent_reason == "应急管理需要"
    figures = annual_figures(dt.date.today().year)
    assert figures["urgent_approvals"] == 1 and figures["review_opinions_issued"] == 1


def test_missing_materials_pause_the_clock_across_a_weekend_and_a_holiday(users, orgs, freeze_today):
    """Submitted Monday 2026-09-14: due 15 working days later, 2026-10-09 (Sunday 9-20 worked,
    National Day 10-01..07 off). Paused on Thursday 9-17 with 12 working days left; resubmitted
    on Wednesday 9-30 (before the holiday), the round resumes with those 12: 10-08, 10-09,
    Saturday 10-10 (worked), 10-12 … 10-22."""
    freeze_today(dt.date(2026, 9, 14))
    doc = submitted(users, orgs)
    assert open_round(doc).due_on == add_working_days(dt.date(2026, 9, 14), 15).date
    freeze_today(dt.date(2026, 9, 17))
    r = api(users["reviewer"]).post(f"/api/documents/{doc.pk}/return-for-revision/",
                                    {"outcome": "materials_missing", "opinion": "请补充制定依据的文本"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "drafting" and r.json()["review_paused_on"] == "2026-09-17"
    paused = open_round(doc)
    assert paused.days_left_at_pause == 12 and paused.paused_on == dt.date(2026, 9, 17)
    assert not Opinion.objects.exists()  # a notice, not an opinion: no letter, no number
    freeze_today(dt.date(2026, 9, 30))
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="已补充依据")
    resumed = ReviewRound.objects.get(document=doc)  # the same round, not a new one
    assert resumed.round_no == 1 and resumed.paused_on is None and resumed.pauses == 1
    assert resumed.due_on == add_working_days(dt.date(2026, 9, 30), 12).date == dt.date(2026, 10, 22)
    assert Document.objects.get(pk=doc.pk).review_due_at == resumed.due_on
    assert "剩余12个工作日" in doc.history.filter(action="submit_for_review").last().opinion
    # the three working days spent before the pause still count towards the minimum, the pause not
    freeze_today(dt.date(2026, 10, 8))  # 3 + 1
    with pytest.raises(RuleViolation) as refused:
        services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法")
    assert "已审核4个工作日" in refused.value.message
    freeze_today(dt.date(2026, 10, 9))  # 3 + 2 = 5
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法")


def test_a_head_extends_once(desk, orgs):
    doc = submitted(desk, orgs)
    due = open_round(doc).due_on
    head = api(desk["head"])
    r = head.post(f"/api/documents/{doc.pk}/extend-review/", {"working_days": 16, "reason": "复杂"}, format="json")
    assert r.status_code == 400
    r = head.post(f"/api/documents/{doc.pk}/extend-review/", {"working_days": 10, "reason": "涉及多部门职责"},
                  format="json")
    assert r.status_code == 200 and r.json()["review_due_at"] == add_working_days(due, 10).date.isoformat()
    assert open_round(doc).extended_by == 10
    r = head.post(f"/api/documents/{doc.pk}/extend-review/", {"working_days": 1, "reason": "再延"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_extended"
    assert api(desk["reviewer"]).post(f"/api/documents/{doc.pk}/extend-review/", {"working_days": 1, "reason": "x"},
                                      format="json").status_code == 403


# --- R16: legal advisers ------------------------------------------------------------------
def test_a_major_decision_cannot_be_approved_without_an_adviser_opinion(desk, orgs):
    doc = submitted(desk, orgs, kind="major_decision")
    head = api(desk["head"])
    r = head.post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "adviser_opinion_required"
    adviser = api(desk["adviser"])
    assert adviser.get(f"/api/documents/{doc.pk}/").status_code == 404  # not invited yet
    assert head.post(f"/api/documents/{doc.pk}/invite-adviser/", {"adviser": "adviser"}, format="json").status_code == 200
    assert adviser.get(f"/api/documents/{doc.pk}/").status_code == 200
    assert [d["id"] for d in adviser.get("/api/documents/").json()["results"]] == [doc.pk]
    other = submitted(desk, orgs, title="另一办法")
    assert adviser.get(f"/api/documents/{other.pk}/").status_code == 404  # only what it is invited to
    r = adviser.post(f"/api/documents/{doc.pk}/adviser-opinions/", {"opinion": "经审查，未发现法律风险。"}, format="json")
    assert r.status_code == 201 and r.json()["adviser"] == "adviser"
    assert api(desk["reviewer"]).post(f"/api/documents/{doc.pk}/adviser-opinions/", {"opinion": "x"},
                                      format="json").status_code == 403
    r = head.post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "reviewed"
    letter = head.get(f"/api/opinions/{Opinion.objects.get().pk}/").json()
    assert letter["adviser_opinions"][0]["opinion"] == "经审查，未发现法律风险。"


def test_an_ordinary_document_needs_no_adviser(users, orgs):
    doc = submitted(users, orgs, kind="important_document")
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急")
    assert Document.objects.get(pk=doc.pk).state == "reviewed"


# --- reminders: to people, exactly once ---------------------------------------------------
def recipients(doc, kind=None):
    """Who is still to be told: reminders of an ended deadline are dropped by the sweep when
    they come due (notifications.sweep.still_applies), not deleted by the act that ended it."""
    from notifications.sweep import still_applies

    rows = Reminder.objects.filter(document=doc, sent_at__isnull=True).select_related("recipient", "document")
    if kind:
        rows = rows.filter(kind=kind)
    return {r.recipient.username for r in rows if still_applies(r)}


def test_reminders_go_to_the_heads_then_the_handler_and_never_to_uninvolved_reviewers(desk, orgs, freeze_today):
    freeze_today(dt.date(2026, 9, 14))
    doc = submitted(desk, orgs)
    assert recipients(doc) == {"head"}  # unassigned: the body's heads
    services.document_assign(actor=desk["head"], document_id=doc.pk, handler="reviewer")
    assert recipients(doc, "review_due_soon") == {"reviewer"}
    assert recipients(doc, "review_overdue") == {"reviewer", "head"}  # overdue: both
    services.document_assign(actor=desk["head"], document_id=doc.pk, handler="reviewer2")  # reassigned
    assert recipients(doc, "review_due_soon") == {"reviewer2"}
    due = open_round(doc).due_on
    sent = run_sweep(today=add_working_days(due, 1).date)
    assert sent == 3  # reviewer2 (due soon), reviewer2 and head (overdue): once each
    assert run_sweep(today=add_working_days(due, 1).date) == 0
    inbox = set(doc.reminders.filter(sent_at__isnull=False).values_list("recipient__username", flat=True))
    assert inbox == {"reviewer2", "head"} and "reviewer" not in inbox


def test_a_paused_or_signed_round_sends_no_review_reminder(desk, orgs):
    paused = submitted(desk, orgs, title="甲")
    services.document_assign(actor=desk["head"], document_id=paused.pk, handler="reviewer")
    services.document_return_for_revision(actor=desk["reviewer"], document_id=paused.pk, outcome="materials_missing",
                                          opinion="缺少起草说明")
    signed = submitted(desk, orgs, title="乙")
    services.document_assign(actor=desk["head"], document_id=signed.pk, handler="reviewer")
    services.document_approve(actor=desk["reviewer"], document_id=signed.pk, opinion="合法", urgent_reason="急")
    assert recipients(signed, "signoff_waiting") == {"head"}
    services.document_sign_opinion(actor=desk["head"], document_id=signed.pk, decision="sign")
    assert not recipients(paused, "review_due_soon") and not recipients(paused, "review_overdue")
    assert not recipients(signed, "review_due_soon") and not recipients(signed, "signoff_waiting")
    run_sweep(today=dt.date.today() + dt.timedelta(days=60))
    assert not Reminder.objects.filter(document__in=[paused, signed], sent_at__isnull=False,
                                       kind__in=["review_due_soon", "review_overdue", "signoff_waiting"]).exists()


def test_the_invited_adviser_is_told_once(desk, orgs):
    doc = submitted(desk, orgs, kind="major_decision")
    services.document_invite_adviser(actor=desk["head"], document_id=doc.pk, adviser="adviser")
    services.document_invite_adviser(actor=desk["head"], document_id=doc.pk, adviser="adviser")  # idempotent
    run_sweep(today=dt.date.today())
    run_sweep(today=dt.date.today())
    assert list(InboxMessage.objects.filter(recipient=desk["adviser"]).values_list("document_id", flat=True)) == [doc.pk]
    services.document_give_adviser_opinion(actor=desk["adviser"], document_id=doc.pk, opinion="无风险")
    assert not Reminder.objects.filter(document=doc, kind="adviser_opinion_due", sent_at__isnull=True).exists()
