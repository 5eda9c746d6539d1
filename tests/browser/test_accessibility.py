"""Issue 18, accessibility (WCAG 2.1 AA): axe-core from the npm package over every page as each
role, in Debian's chromium; no serious or critical violation anywhere. The pages are also the
screenshot gallery (`make screenshots` writes them to docs/screenshots/)."""
import json

import pytest

from tests.browser.support import MARKS, axe, browser, log_in, shot, world  # noqa: F401 (fixtures)

pytestmark = MARKS


def pages(w) -> dict[str | None, list[tuple[str, str]]]:
    """(name, path) of the pages each role opens; None is the public."""
    doc = lambda key: f"/documents/{w[key].pk}/"  # noqa: E731
    return {
        None: [("login", "/login/"), ("public-portal", "/public/"),
               ("public-document", f"/public/documents/{w['published'].pk}/"),
               ("public-consultation", f"/public/consultations/{w['consultation'].pk}/"),
               ("public-catalogue-in-force", "/public/catalogue/"),
               ("public-decision-catalogue", "/public/decision-catalogue/"),
               ("public-review-request", "/public/review-requests/")],
        "drafter": [("drafter-home", "/"), ("drafter-new", "/documents/new/"),
                    ("drafter-document-precheck", doc("draft")), ("drafter-edit", f"{doc('draft')}edit/"),
                    ("drafter-consultation", doc("consultation")), ("drafter-returned", doc("returned")),
                    ("drafter-inbox", "/inbox/"), ("drafter-new-contract", "/documents/new/contract/"),
                    ("drafter-new-decision", "/documents/new/major_decision/")],
        "reviewer": [("reviewer-home", "/"), ("reviewer-document", doc("submitted")),
                     ("reviewer-returned", doc("returned")), ("reviewer-filing-desk", "/filings/")],
        "head": [("head-home", "/"), ("head-document", doc("submitted"))],
        "adviser": [("adviser-home", "/")],
        "registrar": [("registrar-home", "/"), ("registrar-dashboard", "/dashboard/"),
                      ("registrar-document", doc("approved")), ("registrar-catalogue", "/catalogue/"),
                      ("registrar-filings-outgoing", "/filings/outgoing/"), ("registrar-cleanup-desk", "/cleanups/"),
                      ("registrar-filing-figures", "/filings/figures/")],
        "auditor": [("auditor-home", "/"), ("auditor-dashboard", "/dashboard/"), ("auditor-verify", "/audit/verify/"),
                    ("auditor-document", doc("published")),
                    ("auditor-opinion", f"/opinions/{w['opinion'].pk}/" if w["opinion"] else "/")],
    }


@pytest.mark.parametrize("role", [None, "drafter", "reviewer", "head", "adviser", "registrar", "auditor"])
def test_no_serious_or_critical_violation_on_any_page(browser, live_server, world, role):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    if role:
        log_in(page, live_server.url, role)
    found = {}
    for name, path in pages(world)[role]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, (path, response.status)
        for details in page.query_selector_all("details"):  # tables and forms folded away are checked too
            details.evaluate("d => d.open = true")
        violations = axe(page)
        if violations:
            found[path] = violations
        for details in page.query_selector_all("details"):
            details.evaluate("d => d.open = false")
        shot(page, name)
    context.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
