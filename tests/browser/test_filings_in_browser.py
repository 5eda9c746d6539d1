"""(issue 15) 备案审查 through the pages, in Debian's Chromium driven by Playwright: the city's
registrar submits a published document's filing, the justice bureau returns it for missing
materials, the registrar resubmits, the bureau registers it and orders a correction, the
registrar explains, the bureau does not accept the answer; the thread shows it all. A member of
the public asks for a review, the bureau answers on its desk, and the public reads the reply by
its receipt without anyone's personal data. Screenshots go to tests/browser/artifacts/."""
import os
from pathlib import Path

import pytest

from registry.models import Filing
from tests.browser.test_lifecycle_in_browser import CHROMIUM, browser, open_as, shot  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium: apt-get install chromium (CI does)"),
    pytest.mark.django_db(transaction=True),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_filing_back_and_forth_and_a_public_review_request(open_as, live_server, orgs, users, make_document):
    url = live_server.url
    orgs["city"].files_with.add(orgs["justice"])  # R11: the city files with its justice bureau
    doc = make_document("published")
    filing = doc.filings.get()

    registrar = open_as("registrar")
    registrar.click("#desk-links >> text=报送备案")
    registrar.fill(f"#id_submit-report_ref_{filing.pk}", "春府备〔2026〕1号")
    registrar.click(f"#filing-{filing.pk}-submit button[type=submit]")
    registrar.wait_for_selector("text=已完成：报送备案")

    reviewer = open_as("reviewer")
    reviewer.click("#desk-links >> text=备案审查工作台")
    assert doc.title in reviewer.inner_text("#filings")
    shot(reviewer, "filing-desk")
    reviewer.fill(f"#id_return_for_materials-reason_{filing.pk}", "缺少起草说明")
    reviewer.click(f"#filing-{filing.pk}-return_for_materials button[type=submit]")
    reviewer.wait_for_selector("text=已完成：退回补正")

    registrar.goto(f"{url}/filings/{filing.pk}/")
    assert "缺少起草说明" in registrar.inner_text("#filing-thread")
    registrar.click("#act-submit button[type=submit]")
    registrar.wait_for_selector("text=已完成：报送备案")

    reviewer.goto(f"{url}/filings/{filing.pk}/")
    reviewer.click("#act-accept button[type=submit]")
    reviewer.wait_for_selector("#filing-state >> text=审查中")
    reviewer.select_option("#id_conclude-outcome", "correction_required")
    reviewer.fill("#id_conclude-opinion", "第二条增加了公民义务，应予纠正")
    reviewer.click("#act-conclude button[type=submit]")
    reviewer.wait_for_selector("#filing-state >> text=要求纠正")

    registrar.goto(f"{url}/filings/{filing.pk}/")
    registrar.select_option("#id_respond-action", "explained")
    registrar.fill("#id_respond-note", "第二条有上位法依据")
    registrar.click("#act-respond button[type=submit]")
    registrar.wait_for_selector("#filing-state >> text=已答复纠正")

    reviewer.goto(f"{url}/filings/{filing.pk}/")
    reviewer.fill("#id_reject_response-note", "所称依据不能支持该义务")
    reviewer.click("#act-reject_response button[type=submit]")
    reviewer.wait_for_selector("#filing-state >> text=要求纠正")
    thread = reviewer.inner_text("#filing-thread")
    for words in ("报送备案", "退回补正：缺少起草说明", "补正材料后重新报送备案", "登记备案", "应予纠正", "第二条有上位法依据",
                  "不认可纠正答复"):
        assert words in thread, words
    shot(reviewer, "filing-thread")
    assert Filing.objects.get().state == "correction_required"

    # A member of the public asks for a review, and looks it up by its receipt.
    public = open_as()
    public.goto(f"{url}/public/")
    public.click("#public-links >> text=提出审查建议")
    public.fill("#id_document", doc.number)
    public.fill("#id_name", "王小明")
    public.fill("#id_contact", "13800138000")
    public.fill("#id_reason", "第二条增加了公民义务，没有法律依据")
    public.click("#review-request-form button[type=submit]")
    receipt = public.inner_text("#receipt")
    shot(public, "review-request-receipt")

    reviewer.goto(f"{url}/filings/")
    assert "王小明" in reviewer.inner_text("#requests")
    reviewer.select_option("#requests select", "correction_required")
    reviewer.fill("#requests textarea", "已要求制定机关纠正")
    reviewer.click("#requests button[type=submit]")
    reviewer.wait_for_selector("text=答复已记录。")

    public.click("text=查询办理情况")
    assert receipt in public.url
    status = public.inner_text("main")
    assert "已要求制定机关纠正" in status and "王小明" not in status and "13800138000" not in status
    shot(public, "review-request-status")

    registrar.goto(f"{url}/filings/figures/")
    assert "报备率" in registrar.inner_text("#filing-figures")
    shot(registrar, "filing-figures")
