"""Issue 18, phones and tablets: the public portal, a published document and a consultation with
its comment form work 390 px wide without sideways scrolling; staff pages at 768 px (a tablet)
neither. A member of the public comments from a phone."""
import pytest

from tests.browser.support import MARKS, browser, log_in, shot, world  # noqa: F401 (fixtures)

pytestmark = MARKS

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}


def _no_sideways_scroll(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (page.url, scroll)


def test_the_public_pages_fit_a_phone(browser, live_server, world):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15000)
    for name, path in [("phone-portal", "/public/"), ("phone-document", f"/public/documents/{world['published'].pk}/"),
                       ("phone-consultation", f"/public/consultations/{world['consultation'].pk}/"),
                       ("phone-search", "/public/?q=校外培训")]:
        page.goto(live_server.url + path)
        _no_sideways_scroll(page, PHONE["width"])
        shot(page, name)
    # the comment form is usable: its fields fit the screen and the comment is received
    page.goto(f"{live_server.url}/public/consultations/{world['consultation'].pk}/")
    box = page.locator("#id_body").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.fill("#id_author_name", "李四")
    page.fill("#id_body", "建议公示收费标准的同时公示退费办法。")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("text=感谢您的参与，意见已收到。")
    _no_sideways_scroll(page, PHONE["width"])
    context.close()


@pytest.mark.parametrize("role,paths", [
    ("drafter", ["/", "/documents/new/", "draft", "returned"]),
    ("reviewer", ["/", "submitted"]),
    ("registrar", ["/", "/dashboard/", "approved"]),
    ("auditor", ["/", "/dashboard/", "published"]),
])
def test_staff_pages_fit_a_tablet(browser, live_server, world, role, paths):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport=TABLET)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server.url, role)
    for path in paths:
        page.goto(live_server.url + (path if path.startswith("/") else f"/documents/{world[path].pk}/"))
        _no_sideways_scroll(page, TABLET["width"])
    shot(page, f"tablet-{role}")
    context.close()
