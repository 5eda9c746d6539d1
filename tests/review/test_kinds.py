"""Major decisions, contracts and important documents as procedures of their own (issue 14;
DESIGN §1 R13, R16–R18, §2): each gate refused and then passed, each procedure end to end."""
import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.calendar import add_working_days
from core.errors import RuleViolation
from registry import services as registry
from registry.reports import annual_figures, annual_paragraphs
from review import services
from review.models import DecisionCatalogueItem, Document, ReviewRound, Version, content_hash
from tests.conftest import BODY, give_adviser_opinion

pytestmark = pytest.mark.django_db
CONTRACT = {"counterparty": "春城建设集团有限公司", "amount_yuan": "2500000.00", "contract_type": "建设工程",
            "term_months": 24}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- contracts (R18) ------------------------------------------------------------------------
def test_a_contract_needs_its_particulars(users):
    client = api(users["drafter"])
    r = client.post("/api/documents/", {"title": "春城市体育中心建设合同", "body": BODY, "issuer": "CSZF",
                                        "kind": "contract"}, format="json")
    assert r.status_code == 400 and "合同" in r.json()["error"]["message"]
    assert not Document.objects.exists()
    r = client.post("/api/documents/", {"title": "春城市体育中心建设合同", "body": BODY, "issuer": "CSZF",
                                        "kind": "contract", "contract": CONTRACT}, format="json")
    assert r.status_code == 201
    assert r.json()["contract"] == {**CONTRACT, "signed_on": None}
    r = client.post("/api/documents/", {"title": "规范性文件", "body": BODY, "issuer": "CSZF", "contract": CONTRACT},
                    format="json")
    assert r.status_code == 400  # only a contract carries contract data


def test_a_contract_is_not_put_out_for_comment_and_is_reviewed_in_seven_working_days(users, make_document,
                                                                                     freeze_today):
    freeze_today(dt.date(2026, 9, 14))
    doc = make_document("drafting", kind="contract", affects_rights=True)
    client = api(users["drafter"])
    r = client.post(f"/api/documents/{doc.pk}/open-public-comment/",
                    {"closes_on": "2026-10-30"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_applicable"
    assert "规范性文件" not in r.json()["error"]["message"]
    # R2 does not apply: a contract that touches rights goes to review without comment
    r = client.post(f"/api/documents/{doc.pk}/submit-for-review/", {"drafting_notes": "依据政府采购法"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["review_due_at"] == add_working_days(dt.date(2026, 9, 14), 7).date.isoformat()


def test_a_large_contract_needs_an_adviser_a_small_one_does_not(users, orgs, make_document):
    doc = make_document("submitted", kind="contract")  # ¥2,500,000 ≥ ¥1,000,000
    with pytest.raises(RuleViolation) as refused:
        services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急")
    assert refused.value.code == "adviser_opinion_required" and "合法性审查" in refused.value.message
    give_adviser_opinion(doc, orgs)
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急")
    assert Document.objects.get(pk=doc.pk).state == "reviewed"
    small = services.document_create(actor=users["drafter"], title="办公用品采购合同", body=BODY, issuer=orgs["city"],
                                     kind="contract", contract={**CONTRACT, "amount_yuan": Decimal("80000")})
    services.document_submit_for_review(actor=users["drafter"], document_id=small.pk, drafting_notes="依据")
    services.document_approve(actor=users["reviewer"], document_id=small.pk, opinion="合法", urgent_reason="急")
    assert Document.objects.get(pk=small.pk).state == "reviewed" and Document.objects.get(pk=small.pk).number is None


def test_the_signing_date_of_a_reviewed_contract(users, make_document):
    doc = make_document("approved", kind="contract")
    client = api(users["drafter"])
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert client.post(f"/api/documents/{doc.pk}/record-signing/", {"signed_on": future}, format="json").status_code == 400
    r = client.post(f"/api/documents/{doc.pk}/record-signing/", {"signed_on": dt.date.today().isoformat()},
                    format="json")
    assert r.status_code == 200 and r.json()["contract"]["signed_on"] == dt.date.today().isoformat()


# --- major decisions (R17) --------------------------------------------------------------------
def decision(users, orgs, *, title="春城市轨道交通建设规划"):
    return services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"],
                                    kind="major_decision", affects_rights=True)


def test_a_decision_cannot_be_submitted_before_its_procedure_steps(users, orgs):
    doc = decision(users, orgs)
    client = api(users["drafter"])
    submit = {"drafting_notes": "依据713号", "exemption_reason": "涉及国家秘密，依法不公开征求意见"}
    r = client.post(f"/api/documents/{doc.pk}/submit-for-review/", submit, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "procedure_incomplete"
    assert "专家论证、风险评估" in r.json()["error"]["message"]
    r = client.post(f"/api/documents/{doc.pk}/procedure-steps/", {"step": "expert_argument"}, format="json")
    assert r.status_code == 400  # held (date, summary) or excused (reason)
    client.post(f"/api/documents/{doc.pk}/procedure-steps/",
                {"step": "expert_argument", "held_on": dt.date.today().isoformat(), "summary": "5名专家论证可行"},
                format="json")
    r = client.post(f"/api/documents/{doc.pk}/submit-for-review/", submit, format="json")
    assert r.status_code == 409 and "风险评估" in r.json()["error"]["message"]
    client.post(f"/api/documents/{doc.pk}/procedure-steps/",
                {"step": "risk_assessment", "not_required_reason": "不涉及社会稳定风险"}, format="json")
    steps = client.get(f"/api/documents/{doc.pk}/procedure-steps/").json()
    assert [(s["step"], s["held_on"] is not None) for s in steps] == [("expert_argument", True),
                                                                        ("risk_assessment", False)]
    r = client.post(f"/api/documents/{doc.pk}/submit-for-review/", submit, format="json")
    assert r.status_code == 200 and r.json()["state"] == "legality_review"


def test_a_decision_needs_public_participation_of_thirty_days(users, orgs):
    doc = decision(users, orgs)
    r = api(users["drafter"]).post(f"/api/documents/{doc.pk}/open-public-comment/",
                                   {"closes_on": (dt.date.today() + dt.timedelta(days=20)).isoformat()}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "comment_period_too_short" and "30日" in \
        r.json()["error"]["message"]


def test_a_decision_end_to_end_catalogue_decision_publication(users, orgs, make_document):
    registrar = api(users["registrar"])
    r = registrar.post("/api/decision-catalogue/", {"year": dt.date.today().year, "title": "春城市轨道交通建设规划",
                                                    "organisation": "CSJY"}, format="json")
    assert r.status_code == 201
    item = DecisionCatalogueItem.objects.get()
    doc = make_document("approved", kind="major_decision")  # steps, adviser opinion, review
    assert api(users["drafter"]).get(f"/api/documents/{doc.pk}/").json()["outside_catalogue"] is True
    item.document = doc
    item.save()
    assert api(users["drafter"]).get(f"/api/documents/{doc.pk}/").json()["catalogue_item"] == item.pk
    assert doc.state == "reviewed" and doc.number is None
    # the public reads the catalogue without a key
    public = APIClient().get(f"/api/public/decision-catalogue/?year={dt.date.today().year}").json()
    assert [(row["title"], row["state"]) for row in public["results"]] == [("春城市轨道交通建设规划", "已出具审核意见")]
    today = dt.date.today().isoformat()
    r = registrar.post(f"/api/documents/{doc.pk}/publish-decision/", {"channel": "website"}, format="json")
    assert r.status_code == 409  # not decided yet
    r = registrar.post(f"/api/documents/{doc.pk}/record-decision/",
                       {"meeting": "市政府第20次常务会议", "decided_on": today, "result": "adopted"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "decided" and r.json()["decided_on"] == today
    r = registrar.post(f"/api/documents/{doc.pk}/publish-decision/", {"channel": "website"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "published" and r.json()["number"] is None
    assert doc.pk in [d["id"] for d in APIClient().get("/api/public/documents/").json()["results"]]
    # a decision is not filed (备案 is for normative documents, R11/R13)
    r = registrar.post(f"/api/documents/{doc.pk}/file-record/", {"filed_with": "省政府", "filed_on": today},
                       format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_applicable"
    # a normative document's registration does not apply to a decision
    r = registrar.post(f"/api/documents/{doc.pk}/register/", {"meeting": "会", "deliberated_on": today}, format="json")
    assert r.status_code == 409


def test_a_rejected_decision_is_not_published(users, make_document):
    doc = make_document("approved", kind="major_decision")
    registrar = api(users["registrar"])
    r = registrar.post(f"/api/documents/{doc.pk}/record-decision/",
                       {"meeting": "市政府常务会议", "decided_on": dt.date.today().isoformat(), "result": "rejected"},
                       format="json")
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert registrar.post(f"/api/documents/{doc.pk}/publish-decision/", {"channel": "website"},
                          format="json").status_code == 409


def test_a_decision_on_a_changed_text_is_refused(users, make_document, monkeypatch):
    """R7 for decisions: even if the text changed under the service (the database guard bypassed)."""
    from review import permissions

    doc = make_document("approved", kind="major_decision")
    real = permissions.access_document

    def swap(actor, document_id, *, lock=False):
        found = real(actor, document_id, lock=lock)
        found.current_version = Version.objects.create(document=found, number=9, body="改", sha256=content_hash("改"),
                                                       author=users["drafter"])
        return found

    monkeypatch.setattr("review.permissions.access_document", swap)
    with pytest.raises(RuleViolation) as refused:
        registry.document_record_decision(actor=users["registrar"], document_id=doc.pk, meeting="会",
                                          decided_on=dt.date.today(), result="adopted")
    assert refused.value.code == "text_changed_since_review" and "合法性审查" in refused.value.message


def test_only_a_government_offices_registrar_keeps_the_catalogue(users, orgs):
    r = api(users["drafter"]).post("/api/decision-catalogue/", {"year": 2026, "title": "甲", "organisation": "CSJY"},
                                   format="json")
    assert r.status_code == 403
    r = api(users["county_registrar"]).post("/api/decision-catalogue/",
                                            {"year": 2026, "title": "甲", "organisation": "CSJY"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "outside_jurisdiction"
    # the city's catalogue lists the city's own departments' decisions, not the county's below it
    r = api(users["registrar"]).post("/api/decision-catalogue/",
                                     {"year": 2026, "title": "乙", "organisation": "QSJY"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "outside_jurisdiction"
    assert not DecisionCatalogueItem.objects.exists()


# --- the annual figures by kind ----------------------------------------------------------------
def test_the_annual_figures_break_down_by_kind_and_equal_independent_counts(users, orgs, make_document):
    make_document("published")
    make_document("approved", kind="contract")
    make_document("approved", kind="important_document")
    unlawful = make_document("submitted", kind="important_document", title="某重要文件")
    services.document_return_for_revision(actor=users["reviewer"], document_id=unlawful.pk, outcome="unlawful",
                                          opinion="不合法")
    notice = make_document("submitted", title="待补充材料的办法")
    services.document_return_for_revision(actor=users["reviewer"], document_id=notice.pk,
                                          outcome="materials_missing", opinion="缺少依据")
    adopted = make_document("approved", kind="major_decision", title="决策甲")
    registry.document_record_decision(actor=users["registrar"], document_id=adopted.pk, meeting="会",
                                      decided_on=dt.date.today(), result="adopted")
    registry.document_publish_decision(actor=users["registrar"], document_id=adopted.pk, channel="website")
    rejected = make_document("approved", kind="major_decision", title="决策乙")
    registry.document_record_decision(actor=users["registrar"], document_id=rejected.pk, meeting="会",
                                      decided_on=dt.date.today(), result="rejected")
    registry.catalogue_item_create(actor=users["registrar"], year=dt.date.today().year, title="决策甲",
                                   organisation=orgs["edu"], document=adopted)
    registry.catalogue_item_create(actor=users["registrar"], year=dt.date.today().year, title="未启动事项",
                                   organisation=orgs["edu"])

    figures = annual_figures(dt.date.today().year)
    decided = ReviewRound.objects.exclude(outcome__in=["", "withdrawn", "materials_missing"])
    independent = {}
    for kind, outcome in decided.values_list("document__kind", "outcome"):
        independent.setdefault(kind, {}).setdefault(outcome, 0)
        independent[kind][outcome] += 1
    assert {k: v for k, v in figures["review_opinions_by_kind_and_outcome"].items() if v} == independent == {
        "normative": {"lawful": 1}, "contract": {"lawful": 1}, "important_document": {"lawful": 1, "unlawful": 1},
        "major_decision": {"lawful": 2}}
    assert figures["review_opinions_issued"] == 6  # the materials notice is no opinion
    assert figures["returned"]["materials_missing"] == 1
    assert figures["decisions"] == {"catalogued": 2, "catalogued_started": 1, "adopted": 1, "rejected": 1,
                                    "published": 1, "evaluated": 0, "outside_catalogue": 1}
    text = "".join(annual_paragraphs(figures))
    assert "重大行政决策2件" in text and "合同1件" in text and "列入重大行政决策事项目录2项" in text


def test_the_kinds_inputs_are_bounded(users, orgs, make_document):
    """Dates in a plausible window, names free of control characters (issue 17's bounds, here too)."""
    doc = decision(users, orgs, title="有界输入的决策")
    drafter, registrar = api(users["drafter"]), api(users["registrar"])
    r = drafter.post(f"/api/documents/{doc.pk}/procedure-steps/",
                     {"step": "expert_argument", "held_on": "1900-01-01", "summary": "论证"}, format="json")
    assert r.status_code == 400 and "开展日期" in r.json()["error"]["message"]
    r = registrar.post("/api/decision-catalogue/", {"year": dt.date.today().year, "title": "事项",
                                                    "organisation": "CSJY", "planned_on": "9999-12-31"},
                       format="json")
    assert r.status_code == 400 and "计划完成时间" in r.json()["error"]["message"]
    reviewed = make_document("approved", kind="major_decision", title="已审查的决策")
    r = registrar.post(f"/api/documents/{reviewed.pk}/record-decision/",
                       {"meeting": "常务会议\u202e", "decided_on": dt.date.today().isoformat(), "result": "adopted"},
                       format="json")
    assert r.status_code == 400
    r = registrar.post(f"/api/documents/{reviewed.pk}/record-decision/",
                       {"meeting": "常务会议", "decided_on": "2001-01-01", "result": "adopted"}, format="json")
    assert r.status_code == 400 and "合法性审查意见出具之日" in r.json()["error"]["message"]
    assert Document.objects.get(pk=reviewed.pk).state == "reviewed"
