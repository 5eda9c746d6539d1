"""The pages of every role: they render in Chinese with nothing left untranslated, they offer
only the acts the user may take, a refused act shows its Chinese error and changes nothing,
and no page makes more queries as the number of documents grows."""
import re
from pathlib import Path

import polib
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.clock import today
from tests.conftest import snapshot

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
TAG = re.compile(r"<[^>]+>")


def english_left_in(html: str) -> list[str]:
    """English source strings that reached the page untranslated (text nodes only)."""
    text = TAG.sub(" ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    return [e.msgid for e in polib.pofile(str(PO)) if len(e.msgid) > 3 and e.msgid in text]


def login(users, role) -> Client:
    client = Client()
    client.force_login(users[role])
    return client


def test_the_catalogue_is_complete():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1, "run manage.py compilemessages"


@pytest.fixture
def world(make_document, users):
    titles = {"drafting": "起草稿", "submitted": "送审稿", "approved": "已审稿", "registered": "已编号稿",
              "published": "已公布稿"}
    docs = {step: make_document(step, title=title) for step, title in titles.items()}
    from review import services

    services.document_return_for_revision(actor=users["reviewer"], document_id=make_document("submitted", title="被退回").pk,
                                          outcome="unlawful", opinion="第三条设定罚款，不合法。")
    return docs


PAGES = {
    "drafter": ["/", "/documents/new/"],
    "reviewer": ["/", "/inbox/"],
    "registrar": ["/", "/dashboard/"],
    "auditor": ["/", "/dashboard/", "/audit/verify/", "/?state=published"],
}


@pytest.mark.parametrize("role", PAGES)
def test_role_pages_render_in_chinese(role, users, world):
    client = login(users, role)
    for path in PAGES[role]:
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.content.decode()
        assert english_left_in(html) == [], (path, english_left_in(html))
        assert 'lang="zh-hans"' in html


def test_home_pages_show_each_roles_to_do(users, world):
    drafter = login(users, "drafter").get("/").content.decode()
    assert "被退回" in drafter and "第三条设定罚款，不合法。" in drafter and "不合法" in drafter
    reviewer = login(users, "reviewer").get("/").content.decode()
    assert "送审稿" in reviewer and "起草稿" not in reviewer
    registrar = login(users, "registrar").get("/").content.decode()
    assert "已审稿" in registrar and "已编号稿" in registrar and "已公布稿" in registrar


def test_document_page_in_every_state_for_every_role_that_sees_it(users, world):
    for role in ("drafter", "reviewer", "registrar", "auditor"):
        client = login(users, role)
        for step, doc in world.items():
            r = client.get(f"/documents/{doc.pk}/")
            if r.status_code == 404:
                continue
            assert r.status_code == 200
            assert english_left_in(r.content.decode()) == [], (role, step)


def test_only_the_acts_the_user_may_take_are_offered(users, world):
    page = login(users, "reviewer").get(f"/documents/{world['submitted'].pk}/").content.decode()
    assert 'id="act-approve"' in page and 'id="act-return_for_revision"' in page
    assert 'id="act-withdraw"' not in page and 'id="act-publish"' not in page
    page = login(users, "drafter").get(f"/documents/{world['submitted'].pk}/").content.decode()
    assert 'id="act-withdraw"' in page and 'id="act-approve"' not in page
    page = login(users, "auditor").get(f"/documents/{world['published'].pk}/").content.decode()
    assert 'id="act-' not in page


def test_a_refused_act_shows_its_chinese_error_and_changes_nothing(users, make_document):
    doc = make_document("drafting", affects_rights=True)
    before = snapshot(doc.pk)
    r = login(users, "drafter").post(f"/documents/{doc.pk}/do/submit_for_review/",
                                     {"submit_for_review-drafting_notes": "依据"})
    assert r.status_code == 409
    assert "涉及公民、法人和其他组织权利义务的规范性文件，应当公开征求意见" in r.content.decode()
    assert snapshot(doc.pk) == before


def test_another_departments_draft_is_a_404_page_as_in_the_api(users, make_document):
    """DESIGN §3: who may not see a document learns nothing of it, not even that it exists."""
    doc = make_document("drafting")
    r = login(users, "other_drafter").get(f"/documents/{doc.pk}/")
    assert r.status_code == 404 and doc.title not in r.content.decode()
    assert login(users, "other_drafter").get("/documents/999999/").status_code == 404
    assert Client().get(f"/documents/{doc.pk}/").status_code == 302  # to the log-in page


def test_english_switch(users, world):
    client = login(users, "reviewer")
    # An English browser still gets Chinese: only the switch changes the language.
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "审核队列" in html and 'lang="zh-hans"' in html
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    html = client.get("/").content.decode()
    assert "Review queue" in html and 'lang="en"' in html


def test_public_portal_and_comment_form(client, make_document, users):
    published = make_document("published", title="春城市校园安全管理规定")
    make_document("submitted", title="审核中的文件")
    from review import services
    from core.calendar import add_working_days

    draft = make_document("drafting", title="征求意见稿")
    services.document_open_public_comment(actor=users["drafter"], document_id=draft.pk,
                                          closes_on=add_working_days(today(), 8).date)
    page = client.get("/public/").content.decode()
    assert published.number in page and "征求意见稿" in page and "审核中的文件" not in page
    assert english_left_in(page) == []
    assert client.get(f"/public/?q={published.number}").content.decode().count(published.title) == 1
    assert published.body[:10] in client.get(f"/public/documents/{published.pk}/").content.decode()
    r = client.post(f"/public/consultations/{draft.pk}/", {"author_name": "张三", "body": "建议延长实施过渡期。"})
    assert r.status_code == 302 and draft.public_comments.count() == 1
    client.post(f"/public/consultations/{draft.pk}/", {"author_name": "bot", "body": "spam", "website": "http://x"})
    assert draft.public_comments.count() == 1  # the honeypot caught it
    assert client.get(f"/public/documents/{draft.pk}/").status_code == 404


def test_csrf_is_enforced_on_the_comment_form(make_document, users):
    from review import services
    from core.calendar import add_working_days

    draft = make_document("drafting")
    services.document_open_public_comment(actor=users["drafter"], document_id=draft.pk,
                                          closes_on=add_working_days(today(), 8).date)
    strict = Client(enforce_csrf_checks=True)
    r = strict.post(f"/public/consultations/{draft.pk}/", {"author_name": "张三", "body": "意见"})
    assert r.status_code == 403 and draft.public_comments.count() == 0


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role,path", [("drafter", "/"), ("reviewer", "/"), ("registrar", "/"), ("auditor", "/"),
                                       ("auditor", "/dashboard/"), (None, "/public/")])
def test_no_page_makes_more_queries_with_more_documents(users, make_document, role, path):
    client = login(users, role) if role else Client()

    def add(n):
        for i in range(n):
            for step in ("drafting", "submitted", "approved", "published"):
                make_document(step, title=f"批量文件{i}")

    add(1)
    few = _queries(client, path)
    add(4)
    assert _queries(client, path) == few


def test_document_page_queries_do_not_grow_with_history(users, make_document):
    doc = make_document("published")
    client = login(users, "auditor")
    first = _queries(client, f"/documents/{doc.pk}/")
    from registry import services as registry

    registry.document_file_record(actor=users["registrar"], document_id=doc.pk, filed_with="省政府", filed_on=today())
    assert _queries(client, f"/documents/{doc.pk}/") == first


def test_log_in_through_the_form_with_csrf(users):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    r = client.post("/login/", {"csrfmiddlewaretoken": token, "username": "reviewer", "password": "pw-12345"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert "审核队列" in client.get("/").content.decode()
