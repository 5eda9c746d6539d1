"""(issue 14) One procedure per kind through the pages, in Debian's Chromium driven by
Playwright (the normative document's is test_lifecycle_in_browser): a contract reviewed with a
legal adviser's opinion and signed; a major decision listed in the catalogue, out for 30 days of
public participation, with its expert argument and risk assessment, reviewed, decided by the
government's meeting and made public; an important document reviewed. Screenshots go to
tests/browser/artifacts/ (not committed)."""
import datetime as dt
import os
from pathlib import Path

import pytest

from accounts.models import Organisation, User
from core.clock import today
from review.models import DecisionCatalogueItem, Document
from tests.browser.test_lifecycle_in_browser import CHROMIUM, browser, open_as, shot  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium: apt-get install chromium (CI does)"),
    pytest.mark.django_db(transaction=True),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
URGENT = "市政府常务会议即将审议"


@pytest.fixture
def bureau(orgs, users):
    """The justice bureau's head, who invites a law firm's adviser (R16)."""
    users["head"] = User.objects.create_user(username="head", password="pw-12345", organisation=orgs["justice"],
                                             role="review_head")
    firm = Organisation.objects.create(code="CSLS", name="春城明法律师事务所", kind="law_firm")
    users["adviser"] = User.objects.create_user(username="adviser", password="pw-12345", organisation=firm,
                                                role="adviser")
    return users


def draft(page, url, kind, title, body, **fields):
    page.goto(f"{url}/")
    page.click({"contract": "#new-contract", "major_decision": "#new-decision",
                "important_document": "#new-important"}[kind])
    page.fill("#id_title", title)
    page.select_option("#id_issuer", "CSZF")
    page.set_checked("#id_affects_rights", False)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.fill("#id_body", body)
    shot(page, f"kind-{kind}-form")
    page.click("#document-form button[type=submit]")
    page.wait_for_selector("#doc-state")
    return Document.objects.get(title=title)


def adviser_opinion(open_as, url, doc):
    """R16 through the pages: the head invites the adviser, who answers from its home."""
    head = open_as("head")
    head.goto(f"{url}/documents/{doc.pk}/")
    head.select_option("#id_invite_adviser-adviser", "adviser")
    head.click("#act-invite_adviser button[type=submit]")
    head.wait_for_selector("text=已完成：邀请法律顾问")
    adviser = open_as("adviser")
    adviser.fill("textarea[name=give_adviser_opinion-opinion]", "经审查，未发现法律风险。")
    adviser.click("main form button[type=submit]")
    adviser.wait_for_selector("text=已完成：出具法律顾问意见")


def approve(reviewer, url, doc, expect_refusal=None):
    reviewer.goto(f"{url}/documents/{doc.pk}/")
    reviewer.fill("#id_approve-opinion", "经审查，合法。")
    reviewer.fill("#id_approve-urgent_reason", URGENT)
    reviewer.click("#act-approve button[type=submit]")
    if expect_refusal:
        assert expect_refusal in reviewer.inner_text("#act-error")
        return
    reviewer.wait_for_selector("text=已完成：审核通过（合法）")


def test_a_contract_reviewed_with_an_advisers_opinion_and_signed(open_as, live_server, bureau, orgs):
    url = live_server.url
    drafter = open_as("drafter")
    doc = draft(drafter, url, "contract", "春城市体育中心委托运营合同", "第一条 甲方委托乙方运营春城市体育中心。",
                counterparty="春城体育发展有限公司", amount_yuan="3600000", contract_type="委托运营", term_months="36")
    assert drafter.inner_text("#contract-counterparty") == "春城体育发展有限公司"
    assert "act-open_public_comment" not in drafter.content()  # R18: a contract is not put out for comment
    drafter.fill("#id_submit_for_review-drafting_notes", "依据《中华人民共和国民法典》合同编")
    drafter.click("#act-submit_for_review button[type=submit]")
    drafter.wait_for_selector("text=已完成：报送合法性审查")  # 合法性审查 for a contract (the act says its kind)
    assert drafter.inner_text("#doc-state") == "合法性审查中"

    # R16: 3.6 million yuan is above the threshold; without the adviser's opinion, no approval
    reviewer = open_as("reviewer")
    approve(reviewer, url, doc, expect_refusal="法律顾问")
    adviser_opinion(open_as, url, doc)
    approve(reviewer, url, doc)
    assert reviewer.inner_text("#doc-state") == "已出具审核意见"

    drafter.goto(f"{url}/documents/{doc.pk}/")
    drafter.fill("#id_record_signing-signed_on", today().isoformat())
    drafter.click("#act-record_signing button[type=submit]")
    drafter.wait_for_selector("text=已完成：记录合同签订")
    assert drafter.inner_text("#contract-signed") == today().isoformat()
    shot(drafter, "kind-contract")
    assert Document.objects.get(pk=doc.pk).contract_signed_on == today()


def test_a_major_decision_from_catalogue_to_publication(open_as, live_server, bureau, orgs, freeze_today):
    url = live_server.url
    drafter = open_as("drafter")
    doc = draft(drafter, url, "major_decision", "春城市中心城区停车收费调整方案", "一、调整中心城区路内停车收费标准。")
    assert "未列入决策事项目录" in drafter.inner_text("#decision-catalogue")

    # Without expert argument and risk assessment it is not submitted (R17).
    drafter.fill("#id_submit_for_review-drafting_notes", "依据《重大行政决策程序暂行条例》")
    drafter.click("#act-submit_for_review button[type=submit]")
    assert "专家论证、风险评估" in drafter.inner_text("#act-error")

    # 30 days of public participation (R3, 713号 Art. 15), the steps recorded meanwhile.
    closes = today() + dt.timedelta(days=31)
    drafter.fill("#id_open_public_comment-closes_on", closes.isoformat())
    drafter.click("#act-open_public_comment button[type=submit]")
    drafter.wait_for_selector("text=已完成：公开征求意见")
    drafter.fill("#id_record_procedure_step-held_on_expert_argument", today().isoformat())
    drafter.fill("#id_record_procedure_step-summary_expert_argument", "五位专家论证，方案可行")
    drafter.click("#act-step-expert_argument button[type=submit]")
    drafter.wait_for_selector("text=已完成：记录专家论证、风险评估")
    drafter.fill("#id_record_procedure_step-not_required_reason_risk_assessment", "不涉及社会稳定风险")
    drafter.click("#act-step-risk_assessment button[type=submit]")
    drafter.wait_for_selector("#step-risk_assessment >> text=不涉及社会稳定风险")
    assert "五位专家论证，方案可行" in drafter.inner_text("#procedure-steps")

    freeze_today(closes + dt.timedelta(days=1))
    drafter = open_as("drafter")
    drafter.goto(f"{url}/documents/{doc.pk}/")
    drafter.click("#act-close_public_comment button[type=submit]")
    drafter.wait_for_selector("text=已完成：结束征求意见并修改")
    drafter.fill("#id_submit_for_review-drafting_notes", "依据《重大行政决策程序暂行条例》")
    drafter.click("#act-submit_for_review button[type=submit]")
    drafter.wait_for_selector("#doc-state >> text=合法性审查中")
    shot(drafter, "kind-decision-submitted")

    adviser_opinion(open_as, url, doc)
    reviewer = open_as("reviewer")
    approve(reviewer, url, doc)
    assert reviewer.inner_text("#doc-state") == "已出具审核意见"

    # The government office lists it in the year's catalogue, records the meeting's decision and
    # makes it public (no registry number, R13).
    registrar = open_as("registrar")
    registrar.goto(f"{url}/")
    registrar.click("#desk-links >> text=重大行政决策事项目录")
    registrar.fill("#id_title", "调整中心城区停车收费标准")
    registrar.select_option("#id_organisation", "CSJY")
    registrar.select_option("#id_document", str(doc.pk))
    registrar.click("#catalogue-form button[type=submit]")
    registrar.wait_for_selector("text=已列入决策事项目录。")
    assert "调整中心城区停车收费标准" in registrar.inner_text("#catalogue")
    shot(registrar, "kind-catalogue")
    registrar.click("#catalogue >> text=春城市中心城区停车收费调整方案")
    assert "调整中心城区停车收费标准" in registrar.inner_text("#decision-catalogue")
    registrar.fill("#id_record_decision-meeting", "市政府第20次常务会议")
    registrar.fill("#id_record_decision-decided_on", today().isoformat())
    registrar.select_option("#id_record_decision-result", "adopted")
    registrar.click("#act-record_decision button[type=submit]")
    registrar.wait_for_selector("text=已完成：记录决策结果")
    assert registrar.inner_text("#doc-state") == "已决策"
    registrar.select_option("#id_publish_decision-channel", "website")
    registrar.click("#act-publish_decision button[type=submit]")
    registrar.wait_for_selector("text=已完成：公开决策")
    assert registrar.inner_text("#doc-state") == "已公布" and "doc-number" not in registrar.content()
    shot(registrar, "kind-decision")
    assert DecisionCatalogueItem.objects.get().document_id == doc.pk

    # The public reads the catalogue and the decision.
    public = open_as()
    public.goto(f"{url}/public/")
    public.click("#public-links >> text=重大行政决策事项目录")
    assert "调整中心城区停车收费标准" in public.inner_text("#public-catalogue")
    shot(public, "kind-public-catalogue")
    public.click("#public-catalogue >> text=已决策并公开")
    assert "一、调整中心城区路内停车收费标准。" in public.inner_text("main")


def test_an_important_document_reviewed(open_as, live_server, bureau, orgs):
    url = live_server.url
    drafter = open_as("drafter")
    doc = draft(drafter, url, "important_document", "关于加快发展托育服务的实施意见", "一、到2027年，每千人口拥有托位数达到4.5个。")
    assert drafter.inner_text("#doc-state") == "起草中"
    assert "重要文件" in drafter.inner_text("main")
    drafter.fill("#id_submit_for_review-drafting_notes", "依据《国务院办公厅关于促进3岁以下婴幼儿照护服务发展的指导意见》")
    drafter.click("#act-submit_for_review button[type=submit]")
    drafter.wait_for_selector("#doc-state >> text=合法性审查中")
    reviewer = open_as("reviewer")
    approve(reviewer, url, doc)
    assert reviewer.inner_text("#doc-state") == "已出具审核意见"
    assert "act-register" not in reviewer.content()  # R13: no registry number
    drafter.goto(f"{url}/documents/{doc.pk}/")
    assert "已出具审核意见" in drafter.inner_text("#doc-state")
    assert "经审查，合法。" in drafter.inner_text("main")
    shot(drafter, "kind-important")
