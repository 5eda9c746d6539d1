"""Issue 18, keyboard only (WCAG 2.1.1, 2.4.7): a drafter writes and submits a draft and the
reviewer approves it without a mouse: Tab to each field, type, Enter on the button. Every
focused control shows a visible focus ring."""
import pytest

from review.models import Document
from tests.browser.support import MARKS, browser, shot  # noqa: F401 (fixture)

pytestmark = MARKS


def tab_to(page, selector, limit=250):
    """Tab forward until ``selector`` has the focus; fail if the keyboard cannot reach it."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                                            return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            assert ring[0] != "none" and ring[1] >= 2, (selector, ring)  # focus visible
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the keyboard never reaches {selector}")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def log_in_by_keyboard(page, url, username):
    page.goto(f"{url}/login/")
    type_into(page, "#id_username", username)
    type_into(page, "#id_password", "pw-12345")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")


def test_draft_submit_approve_with_the_keyboard_only(browser, live_server, users):  # noqa: F811
    url = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in_by_keyboard(page, url, "drafter")

    tab_to(page, "a[href='/documents/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/documents/new/")
    type_into(page, "#id_title", "春城市中小学校园安全管理办法")
    tab_to(page, "#id_issuer")
    while page.eval_on_selector("#id_issuer", "s => s.value") != "CSZF":
        page.keyboard.press("ArrowDown")
    tab_to(page, "#id_affects_rights")
    page.keyboard.press("Space")  # an internal rule: no public comment needed (R2)
    assert not page.is_checked("#id_affects_rights")
    type_into(page, "#id_validity_years", "5")
    type_into(page, "#id_body", "第一条 为加强校园安全管理，根据《中华人民共和国教育法》，制定本办法。")
    tab_to(page, "#document-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#doc-state")
    doc = Document.objects.get(title="春城市中小学校园安全管理办法")

    type_into(page, "#id_submit_for_review-drafting_notes", "依据《中华人民共和国教育法》第十条")
    tab_to(page, "#act-submit_for_review button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已完成：报送合法性审核")
    assert page.inner_text("#doc-state") == "合法性审核中"
    context.close()

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in_by_keyboard(page, url, "reviewer")
    tab_to(page, f"a[href='/documents/{doc.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#doc-state")
    type_into(page, "#id_approve-opinion", "经审核，该文件合法。")
    type_into(page, "#id_approve-urgent_reason", "市政府常务会议即将审议")  # R5: earlier than 5 working days
    tab_to(page, "#act-approve button[type=submit]")
    shot(page, "keyboard-focus-ring", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已完成：审核通过（合法）")
    assert page.inner_text("#doc-state") == "待登记公布"
    assert Document.objects.get(pk=doc.pk).state == "registration"
    context.close()
