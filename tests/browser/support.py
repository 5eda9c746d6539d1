"""Shared by the issue-18 browser tests: Debian's chromium through Playwright, log-in as a role,
axe-core (vendored from the npm package, tests only) and the screenshot gallery."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
# `make screenshots` sets GALLERY=docs/screenshots; otherwise the pictures go to artifacts/
GALLERY = Path(os.environ.get("GALLERY") or Path(__file__).with_name("artifacts"))

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium: apt-get install chromium (CI does)"),
    pytest.mark.django_db(transaction=True),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread


def launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--font-render-hinting=none"])


def log_in(page, base_url, username, password="pw-12345"):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def axe(page, *, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the open page at the given impacts. The script is
    evaluated through DevTools, so the page's strict CSP stays as it is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in impacts]


def shot(page, name, *, full_page=True):
    """A screenshot for the gallery: JPEG (small enough to commit) when `make screenshots` runs."""
    GALLERY.mkdir(parents=True, exist_ok=True)
    if os.environ.get("GALLERY"):
        page.screenshot(path=str(GALLERY / f"{name}.jpg"), full_page=full_page, type="jpeg", quality=70)
    else:
        page.screenshot(path=str(GALLERY / f"{name}.png"), full_page=full_page)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def world(make_document, users, orgs):
    """A document in each place a page shows: a draft with pre-check findings, one out for
    comment, one under review, one returned with findings, one approved, one published; the
    review head and the adviser beside the conftest's people."""
    from accounts.models import User
    from core.calendar import add_working_days
    from core.clock import today
    from review import services
    from review.models import Opinion

    users["head"] = User.objects.create_user(username="head", password="pw-12345", organisation=orgs["justice"],
                                             role="review_head")
    users["adviser"] = User.objects.create_user(username="adviser", password="pw-12345",
                                                organisation=orgs["justice"], role="adviser")
    draft = make_document("drafting", title="春城市校外培训机构管理办法（征求意见前）")
    services.document_update(actor=users["drafter"], document_id=draft.pk,
                             body="第一条 为规范校外培训，制定本办法。\n第二条 违反本办法的，由教育行政部门处以五千元罚款。")
    consultation = make_document("drafting", affects_rights=True, title="春城市校外培训收费管理办法")
    services.document_open_public_comment(actor=users["drafter"], document_id=consultation.pk,
                                          closes_on=add_working_days(today(), 25).date)
    services.comment_create(document_id=consultation.pk, author_name="张三", body="建议明确收费公示的具体方式。")
    submitted = make_document("submitted", title="春城市中小学课后服务管理办法")
    returned = make_document("submitted", title="春城市民办学校办学许可管理办法")
    services.document_return_for_revision(
        actor=users["reviewer"], document_id=returned.pk, outcome="unlawful", opinion="第二条设定罚款，不合法。",
        findings=[{"article": "第二条", "passage": "本办法自公布之日起施行", "basis": "《中华人民共和国行政处罚法》第十六条",
                   "required_change": "删去罚款的规定"}])
    approved = make_document("approved", title="春城市教育督导规定")
    published = make_document("published", title="春城市校外培训机构管理办法")
    opinion = Opinion.objects.filter(document=approved).first()
    return {"draft": draft, "consultation": consultation, "submitted": submitted, "returned": returned,
            "approved": approved, "published": published, "opinion": opinion}
