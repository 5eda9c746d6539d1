"""(issues 14, 15) The pages of the kinds and of 备案审查, through Django's client: a contract's
draft with its particulars, a decision's steps and catalogue, a contract's signing; the filing
desks of both sides, one filing's thread, the figures, and the public's review requests with
their receipts (no personal data). Everything in Chinese; refusals say why and change nothing."""
import datetime as dt

import pytest
from django.test import Client

from core.clock import today
from registry import services as registry
from registry.models import Filing, ReviewRequest
from review.models import DecisionCatalogueItem, Document, ProcedureStep
from tests.web.test_pages import english_left_in

pytestmark = pytest.mark.django_db


def login(users, role) -> Client:
    client = Client()
    client.force_login(users[role])
    return client


def chinese(response) -> str:
    html = response.content.decode()
    assert english_left_in(html) == [], english_left_in(html)
    return html


# --- issue 14 --------------------------------------------------------------------------------
CONTRACT = {"title": "春城市体育中心委托运营合同", "issuer": "CSZF", "body": "第一条 甲方委托乙方运营体育中心。",
            "counterparty": "春城体育发展有限公司", "amount_yuan": "3600000.00", "contract_type": "委托运营",
            "term_months": "36"}


def test_a_contract_is_drafted_with_its_particulars(users, orgs):
    drafter = login(users, "drafter")
    assert "合同相对方" in chinese(drafter.get("/documents/new/contract/"))
    r = drafter.post("/documents/new/contract/", {**CONTRACT, "counterparty": ""})
    assert r.status_code == 400 and not Document.objects.exists()
    r = drafter.post("/documents/new/contract/", CONTRACT)
    doc = Document.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/documents/{doc.pk}/"
    assert (doc.kind, doc.contract_counterparty, str(doc.contract_amount_yuan), doc.contract_term_months) == (
        "contract", "春城体育发展有限公司", "3600000.00", 36)
    page = chinese(drafter.get(f"/documents/{doc.pk}/"))
    assert 'id="contract-panel"' in page and "春城体育发展有限公司" in page
    assert login(users, "drafter").get("/documents/new/normative/").status_code == 404
    assert login(users, "reviewer").get("/documents/new/major_decision/").status_code == 403


@pytest.mark.parametrize("kind", ["major_decision", "important_document"])
def test_a_decision_and_an_important_document_are_drafted_under_their_kind(kind, users, orgs):
    r = login(users, "drafter").post(f"/documents/new/{kind}/", {"title": "春城市停车收费调整方案", "issuer": "CSZF",
                                                                   "body": "一、调整停车收费标准。"})
    assert r.status_code == 302 and Document.objects.get().kind == kind


def test_a_decisions_steps_are_recorded_on_its_page(users, make_document):
    doc = make_document("drafting", kind="major_decision")
    drafter = login(users, "drafter")
    page = chinese(drafter.get(f"/documents/{doc.pk}/"))
    assert "未列入决策事项目录" in page and 'id="act-step-expert_argument"' in page
    # held without a summary: refused in Chinese, nothing recorded
    r = drafter.post(f"/documents/{doc.pk}/do/record_procedure_step/", {
        "record_procedure_step-step": "expert_argument", "record_procedure_step-held_on": today().isoformat()})
    assert r.status_code == 400 and "情况摘要" in r.content.decode() and not ProcedureStep.objects.exists()
    r = drafter.post(f"/documents/{doc.pk}/do/record_procedure_step/", {
        "record_procedure_step-step": "expert_argument", "record_procedure_step-held_on": today().isoformat(),
        "record_procedure_step-summary": "五位专家论证可行"})
    assert r.status_code == 302
    r = drafter.post(f"/documents/{doc.pk}/do/record_procedure_step/", {
        "record_procedure_step-step": "risk_assessment", "record_procedure_step-not_required_reason": "不涉及社会稳定风险"})
    assert r.status_code == 302
    page = chinese(drafter.get(f"/documents/{doc.pk}/"))
    assert "五位专家论证可行" in page and "不涉及社会稳定风险" in page
    # no form for whoever may not record them; a normative document has no such panel
    assert login(users, "auditor").get(f"/documents/{doc.pk}/").content.decode().count("act-step-") == 0
    normative = make_document("drafting")
    assert 'id="decision-panel"' not in drafter.get(f"/documents/{normative.pk}/").content.decode()


def test_a_decision_is_recorded_and_published_from_its_page(users, make_document):
    doc = make_document("approved", kind="major_decision")
    registrar = login(users, "registrar")
    page = chinese(registrar.get(f"/documents/{doc.pk}/"))
    assert 'id="act-record_decision"' in page
    r = registrar.post(f"/documents/{doc.pk}/do/record_decision/", {
        "record_decision-meeting": "市政府第20次常务会议", "record_decision-decided_on": today().isoformat(),
        "record_decision-result": "adopted"})
    assert r.status_code == 302 and Document.objects.get(pk=doc.pk).state == "decided"
    page = chinese(registrar.get(f"/documents/{doc.pk}/"))
    assert "市政府第20次常务会议" in page and 'id="act-publish_decision"' in page
    r = registrar.post(f"/documents/{doc.pk}/do/publish_decision/", {"publish_decision-channel": "website"})
    assert r.status_code == 302 and Document.objects.get(pk=doc.pk).state == "published"


def test_a_contracts_signing_date_is_recorded(users, make_document):
    doc = make_document("approved", kind="contract")
    drafter = login(users, "drafter")
    assert 'id="act-record_signing"' in chinese(drafter.get(f"/documents/{doc.pk}/"))
    assert 'id="act-record_signing"' not in login(users, "registrar").get(f"/documents/{doc.pk}/").content.decode()
    r = drafter.post(f"/documents/{doc.pk}/do/record_signing/", {"record_signing-signed_on": today().isoformat()})
    assert r.status_code == 302 and Document.objects.get(pk=doc.pk).contract_signed_on == today()
    assert today().isoformat() in drafter.get(f"/documents/{doc.pk}/").content.decode()


def test_the_catalogue_kept_by_the_government_office_and_published(users, orgs, make_document):
    decision = make_document("approved", kind="major_decision", title="春城市停车收费调整")  # the registrar sees it
    registrar = login(users, "registrar")
    page = chinese(registrar.get("/catalogue/"))
    assert 'id="catalogue-form"' in page
    r = registrar.post("/catalogue/", {"year": today().year, "title": "调整中心城区停车收费标准",
                                        "organisation": "CSJY", "document": decision.pk})
    assert r.status_code == 302
    item = DecisionCatalogueItem.objects.get()
    assert item.document_id == decision.pk and item.government_id == orgs["city"].pk
    assert "调整中心城区停车收费标准" in chinese(login(users, "drafter").get(f"/documents/{decision.pk}/"))
    public = chinese(Client().get(f"/public/decision-catalogue/?year={today().year}"))
    assert "调整中心城区停车收费标准" in public and "春城市停车收费调整" not in public  # not the draft's title
    # a reviewer reads it but may not add; an item without a name is refused and nothing listed
    assert 'id="catalogue-form"' not in login(users, "reviewer").get("/catalogue/").content.decode()
    assert login(users, "reviewer").post("/catalogue/", {"year": today().year, "title": "x",
                                                         "organisation": "CSJY"}).status_code == 403
    r = registrar.post("/catalogue/", {"year": today().year, "title": " ", "organisation": "CSJY"})
    assert r.status_code == 400 and DecisionCatalogueItem.objects.count() == 1


# --- issue 15 --------------------------------------------------------------------------------
@pytest.fixture
def filing(orgs, make_document):
    orgs["city"].files_with.add(orgs["justice"])  # R11: the city files with its justice bureau
    return make_document("published").filings.get()


def test_the_filing_goes_back_and_forth_through_the_pages(users, filing, freeze_today):
    registrar, reviewer = login(users, "registrar"), login(users, "reviewer")
    page = chinese(registrar.get("/filings/outgoing/"))
    assert f'id="filing-{filing.pk}-submit"' in page
    assert registrar.post(f"/filings/{filing.pk}/do/submit/", {"submit-report_ref": "春府备〔2026〕1号",
                                                                "next": "outgoing"})["Location"] == "/filings/outgoing/"
    page = chinese(reviewer.get("/filings/"))
    assert f'id="filing-{filing.pk}-accept"' in page and f'id="filing-{filing.pk}-return_for_materials"' in page
    # the wrong side is 403, a refused act says why and changes nothing
    assert registrar.post(f"/filings/{filing.pk}/do/accept/", {}).status_code == 403
    r = reviewer.post(f"/filings/{filing.pk}/do/return_for_materials/", {"return_for_materials-reason": ""})
    assert r.status_code == 400 and Filing.objects.get().state == "submitted"
    reviewer.post(f"/filings/{filing.pk}/do/return_for_materials/", {"return_for_materials-reason": "缺少起草说明"})
    registrar.post(f"/filings/{filing.pk}/do/submit/", {})
    reviewer.post(f"/filings/{filing.pk}/do/accept/", {})
    r = reviewer.post(f"/filings/{filing.pk}/do/submit/", {})
    assert r.status_code == 403
    reviewer.post(f"/filings/{filing.pk}/do/conclude/", {"conclude-outcome": "correction_required",
                                                        "conclude-opinion": "第二条增加了义务，应予纠正"})
    r = registrar.post(f"/filings/{filing.pk}/do/respond/", {"respond-action": "amended", "respond-note": "已修改"})
    assert r.status_code == 400 and "修改后的文件" in r.content.decode()  # the service's words
    registrar.post(f"/filings/{filing.pk}/do/respond/", {"respond-action": "explained", "respond-note": "有上位法依据"})
    reviewer.post(f"/filings/{filing.pk}/do/reject_response/", {"reject_response-note": "理由不成立"})
    assert Filing.objects.get().state == "correction_required"
    thread = chinese(registrar.get(f"/filings/{filing.pk}/"))
    for words in ("报送备案", "退回补正：缺少起草说明", "补正材料后重新报送备案", "登记备案", "第二条增加了义务",
                  "已说明理由", "不认可纠正答复"):
        assert words in thread, words
    assert login(users, "county_reviewer").get(f"/filings/{filing.pk}/").status_code == 404


def test_the_desk_puts_overdue_filings_first(users, orgs, filing, make_document, freeze_today):
    later = make_document("published", title="春城市后公布的办法").filings.get()
    Filing.objects.filter(pk=later.pk).update(due_on=today() - dt.timedelta(days=1))
    page = chinese(login(users, "registrar").get("/filings/outgoing/"))
    assert page.index(f'id="filing-{later.pk}"') < page.index(f'id="filing-{filing.pk}"')
    assert "已逾期" in page
    only = login(users, "registrar").get("/filings/outgoing/?overdue=1").content.decode()
    assert f'id="filing-{filing.pk}"' not in only and f'id="filing-{later.pk}"' in only


def test_the_filing_figures_page(users, filing):
    registry.filing_submit(actor=users["registrar"], filing_id=filing.pk)
    registry.filing_accept(actor=users["reviewer"], filing_id=filing.pk)
    for role in ("registrar", "reviewer", "auditor"):
        page = chinese(login(users, role).get("/filings/figures/"))
        assert "报备率" in page and "100%" in page and 'id="filing-total"' in page
    assert login(users, "drafter").get("/filings/figures/").status_code == 403


def test_the_public_asks_for_a_review_and_looks_it_up_without_personal_data(users, filing):
    number = filing.document.number
    public = Client()
    document_page = chinese(public.get(f"/public/documents/{filing.document_id}/"))
    assert 'id="ask-review"' in document_page
    assert f'value="{number}"' in chinese(public.get("/public/review-requests/", {"document": number}))
    r = public.post("/public/review-requests/", {"document": "春府规〔1999〕9号", "name": "王小明",
                                                 "contact": "13800138000", "reason": "增加了义务"})
    assert r.status_code == 404 and "未找到该文件" in r.content.decode() and not ReviewRequest.objects.exists()
    r = public.post("/public/review-requests/", {"document": number, "name": "王小明", "contact": "13800138000",
                                                 "reason": "第二条增加了公民义务"})
    assert r.status_code == 201
    row = ReviewRequest.objects.get()
    assert row.receipt in chinese(r)
    page = chinese(public.get(f"/public/review-requests/status/?receipt={row.receipt}"))
    assert "已收到" in page and filing.document.title in page
    # the recipient reads who asked and why on its desk, and answers there, once
    reviewer = login(users, "reviewer")
    desk = chinese(reviewer.get("/filings/"))
    assert "王小明" in desk and f'id="reply-{row.pk}"' in desk
    assert login(users, "auditor").post(f"/filings/requests/{row.pk}/reply/", {
        "reply-outcome": "no_issue", "reply-reply": "x"}).status_code == 403
    r = reviewer.post(f"/filings/requests/{row.pk}/reply/", {"reply-outcome": "no_issue", "reply-reply": "经审查，未发现问题。"})
    assert r.status_code == 302 and ReviewRequest.objects.get().state == "answered"
    r = reviewer.post(f"/filings/requests/{row.pk}/reply/", {"reply-outcome": "no_issue", "reply-reply": "再答"}, follow=True)
    assert "该审查建议已答复" in r.content.decode() and ReviewRequest.objects.get().reply == "经审查，未发现问题。"
    page = chinese(public.get(f"/public/review-requests/status/?receipt={row.receipt}"))
    assert "经审查，未发现问题。" in page
    for private in ("王小明", "13800138000", "第二条增加了公民义务"):
        assert private not in page
    r = public.get("/public/review-requests/status/?receipt=" + "x" * 24)
    assert r.status_code == 404 and "回执号不存在" in r.content.decode()


def test_the_public_form_is_throttled_per_client(settings, filing):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "review_requests": "2/hour"}}
    data = {"document": filing.document.number, "name": "王小明", "contact": "1", "reason": "增加了义务"}
    spoofing = Client(HTTP_X_FORWARDED_FOR="203.0.113.9")  # no trusted proxy: the header changes nothing
    assert [spoofing.post("/public/review-requests/", data).status_code for _ in range(3)] == [201, 201, 429]
    r = Client(REMOTE_ADDR="198.51.100.7").post("/public/review-requests/", data)
    assert r.status_code == 201  # another client
    assert ReviewRequest.objects.count() == 3


def test_the_filing_pages_make_no_more_queries_for_more_filings(users, orgs, make_document):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orgs["city"].files_with.add(orgs["justice"])
    registrar, reviewer = login(users, "registrar"), login(users, "reviewer")

    def add(n):
        for i in range(n):
            f = make_document("published", title=f"春城市管理办法{n}-{i}").filings.get()
            registry.filing_submit(actor=users["registrar"], filing_id=f.pk)
            registry.review_request_create(document=f.document.number, name="甲", contact="1", reason="理由")

    def counts():
        out = []
        for client, path in ((registrar, "/filings/outgoing/"), (reviewer, "/filings/"), (registrar, "/filings/figures/"),
                             (reviewer, "/catalogue/"), (Client(), "/public/decision-catalogue/")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            out.append(len(queries))
        return out

    add(2)
    few = counts()
    add(4)
    assert counts() == few


def test_a_contracts_particulars_are_edited_with_its_draft(users, make_document):
    doc = make_document("drafting", kind="contract")
    drafter = login(users, "drafter")
    page = chinese(drafter.get(f"/documents/{doc.pk}/edit/"))
    assert "春城建设集团有限公司" in page and 'name="kind"' not in page
    r = drafter.post(f"/documents/{doc.pk}/edit/", {**CONTRACT, "title": doc.title, "amount_yuan": "980000"})
    assert r.status_code == 302
    doc = Document.objects.get(pk=doc.pk)
    assert (doc.kind, doc.contract_counterparty, str(doc.contract_amount_yuan)) == ("contract", "春城体育发展有限公司",
                                                                                   "980000.00")


@pytest.mark.parametrize("action", ["repealed", "amended"])
def test_a_correction_answered_by_repeal_or_amendment_on_the_page(action, users, filing, make_document):
    registry.filing_submit(actor=users["registrar"], filing_id=filing.pk)
    registry.filing_accept(actor=users["reviewer"], filing_id=filing.pk)
    registry.filing_conclude(actor=users["reviewer"], filing_id=filing.pk, outcome="correction_required", opinion="须纠正")
    data = {"respond-action": action, "respond-note": "已按审查意见处理"}
    if action == "repealed":
        data["respond-decision_ref"] = "春府决〔2026〕3号"
    else:
        data["respond-document"] = make_document("published", title="春城市校外培训机构管理办法（修订）").pk
    r = login(users, "registrar").post(f"/filings/{filing.pk}/do/respond/", data)
    assert r.status_code == 302
    row = Filing.objects.get(pk=filing.pk)
    assert (row.state, row.response_action) == ("corrected", action)
    assert Document.objects.get(pk=filing.document_id).state == ("repealed" if action == "repealed" else "published")
    thread = chinese(login(users, "reviewer").get(f"/filings/{filing.pk}/"))
    assert row.get_response_action_display() in thread
