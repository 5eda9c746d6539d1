"""Four people carry one document from draft to published entirely through the pages, in
Debian's Chromium driven by Playwright; a member of the public finds it on the portal and in
the feed. Screenshots of each role's home page and the document page go to
tests/browser/artifacts/ (not committed)."""
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from review.models import Document
from core.clock import today
from core.calendar import add_working_days

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).with_name("artifacts")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium: apt-get install chromium (CI does)"),
    pytest.mark.django_db(transaction=True),
]

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
# (fixtures, assertions) are not async code, so Django's guard may stand down here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_as(username=None):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        if username:
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "pw-12345")
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_draft_to_published_through_the_pages(open_as, live_server, users, orgs, freeze_today):
    url = live_server.url
    # 1. The drafter writes a draft that touches citizens' rights.
    drafter = open_as("drafter")
    drafter.click("text=新建文件")
    drafter.fill("#id_title", "春城市校外培训机构管理办法")
    drafter.select_option("#id_issuer", "CSZF")
    drafter.fill("#id_validity_years", "5")
    drafter.fill("#id_body", "第一条 为规范本市校外培训机构管理，根据《中华人民共和国教育法》，制定本办法。\n"
                             "第二条 校外培训机构应当公示收费项目和标准。\n第三条 本办法自公布之日起施行。")
    drafter.click("text=保存")
    drafter.wait_for_selector("#doc-state")
    doc = Document.objects.get(title="春城市校外培训机构管理办法")
    assert drafter.inner_text("#doc-state") == "起草中"

    # 2. Submitting without public comment is refused, in Chinese, and changes nothing.
    drafter.fill("#id_submit_for_review-drafting_notes", "依据《中华人民共和国教育法》第十条")
    drafter.click("#act-submit_for_review button[type=submit]")
    assert "应当公开征求意见" in drafter.inner_text("#act-error")
    assert Document.objects.get(pk=doc.pk).state == "drafting"

    # 3. Out for comment for 7 working days.
    closes = add_working_days(today(), 7).date
    drafter.goto(f"{url}/documents/{doc.pk}/")
    drafter.fill("#id_open_public_comment-closes_on", closes.isoformat())
    drafter.click("#act-open_public_comment button[type=submit]")
    drafter.wait_for_selector("text=已完成：公开征求意见")
    assert drafter.inner_text("#doc-state") == "公开征求意见"

    # 4. A member of the public comments on the portal.
    public = open_as()
    public.goto(f"{url}/public/")
    public.click("#consultations >> text=春城市校外培训机构管理办法")
    public.fill("#id_author_name", "张三")
    public.fill("#id_body", "建议明确收费公示的具体方式。")
    public.click("#comment-form button[type=submit]")
    public.wait_for_selector("text=感谢您的参与，意见已收到。")

    # 5. The period ends (days later: a new working day, a new log-in); the drafter answers the
    #    comment and submits.
    freeze_today(closes + dt.timedelta(days=1))
    drafter = open_as("drafter")
    drafter.goto(f"{url}/documents/{doc.pk}/")
    drafter.select_option("select[name=disposition]", "adopted")
    drafter.click("text=记录")
    drafter.wait_for_selector("text=处理情况已记录。")
    drafter.fill("#id_submit_for_review-drafting_notes", "依据《中华人民共和国教育法》第十条")
    drafter.click("#act-submit_for_review button[type=submit]")
    drafter.wait_for_selector("text=已完成：报送合法性审核")
    shot(drafter, "drafter-document")
    drafter.goto(f"{url}/")
    shot(drafter, "drafter-home")

    # 6. The reviewer finds it in the queue and approves it.
    reviewer = open_as("reviewer")
    shot(reviewer, "reviewer-home")
    reviewer.click("text=春城市校外培训机构管理办法")
    reviewer.fill("#id_approve-opinion", "经审核，该文件合法。")
    reviewer.fill("#id_approve-urgent_reason", "市政府常务会议即将审议")  # R5: earlier than 5 working days
    reviewer.click("#act-approve button[type=submit]")
    reviewer.wait_for_selector("text=已完成：审核通过（合法）")
    assert reviewer.inner_text("#doc-state") == "待登记公布"

    # 7. The registrar records the deliberation, numbers and publishes it.
    registrar = open_as("registrar")
    shot(registrar, "registrar-home")
    registrar.click("text=春城市校外培训机构管理办法")
    registrar.fill("#id_register-meeting", "市政府第12次常务会议")
    registrar.fill("#id_register-deliberated_on", (closes + dt.timedelta(days=1)).isoformat())
    registrar.click("#act-register button[type=submit]")
    registrar.wait_for_selector("#doc-number")
    number = registrar.inner_text("#doc-number")
    assert number.startswith("春府规〔") and number.endswith("号")
    registrar.select_option("#id_publish-channel", "website")
    registrar.click("#act-publish button[type=submit]")
    registrar.wait_for_selector("text=已完成：统一公布")
    assert registrar.inner_text("#doc-state") == "已公布"
    shot(registrar, "registrar-document")

    # 8. The auditor sees it all.
    auditor = open_as("auditor")
    shot(auditor, "auditor-home")
    auditor.goto(f"{url}/documents/{doc.pk}/")
    history = auditor.inner_text("#history")
    for act in ("创建", "公开征求意见", "处理公众意见", "报送合法性审核", "审核通过", "统一登记编号", "统一公布"):
        assert act in history

    # 9. The public finds it on the portal and in the feed.
    public.goto(f"{url}/public/?q={number}")
    public.click("#published >> text=春城市校外培训机构管理办法")
    assert public.inner_text("#public-number") == number
    shot(public, "public-document")
    feed = public.goto(f"{url}/api/public/feed.atom")
    assert number in feed.text()


def test_a_drafter_cannot_open_another_departments_draft(open_as, live_server, make_document):
    doc = make_document("drafting", title="教育局内部草案")
    other = open_as("other_drafter")
    response = other.goto(f"{live_server.url}/documents/{doc.pk}/")
    assert response.status == 404  # as in the API: it learns nothing, not even that the draft exists
    assert "不存在" in other.inner_text("main")
    assert "教育局内部草案" not in other.content()
