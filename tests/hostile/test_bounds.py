"""Issue 17: input bounds. Over-long integers are a 400, never a 500; each date lies within a
plausible window for its field (400 naming the field in Chinese), and the services refuse absurd
dates themselves (never a 98-second working-day count, never a 500); titles and names carry no
control or bidirectional characters (400 naming the problem); bodies are normalised."""
import datetime as dt

import pytest
from django.test import Client

from registry import services as registry
from review import services
from core.errors import InvalidInput
from review.models import Document, PublicComment
from core.clock import today
from core.calendar import Calendar, SpanTooLong
from tests.conftest import BODY, snapshot

pytestmark = pytest.mark.django_db

BIG = "9" * 25


# --- integers -------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    f"/api/audit/events/?document={BIG}", "/api/audit/events/?document=²", f"/api/stats/annual/?year={BIG}",
    "/api/stats/annual/?year=²", f"/api/documents/?year={BIG}", f"/api/registry/?year={BIG}",
    f"/api/public/documents/?year={BIG}", f"/api/documents/{BIG}/", f"/api/documents/?page={BIG}",
    f"/api/public/documents/{BIG}/",
])
def test_over_long_integers_are_4xx_never_500(client_for, make_document, url):
    make_document("published")
    r = client_for("auditor").get(url)
    assert 400 <= r.status_code < 500, (url, r.status_code)
    assert r.json()["error"]["code"] in ("validation_error", "not_found")


def test_over_long_integers_in_pages(users, make_document):
    client = Client()
    client.force_login(users["auditor"])
    for url in [f"/dashboard/?year={BIG}", "/dashboard/?year=²", f"/documents/{BIG}/", f"/?page={BIG}"]:
        assert client.get(url).status_code < 500, url


# --- dates ----------------------------------------------------------------------------------
def in_days(n):
    return (today() + dt.timedelta(days=n)).isoformat()


@pytest.mark.parametrize("closes_on, field_word", [
    ("9999-12-30", "征求意见截止日期"), ("9999-12-31", "征求意见截止日期"), (in_days(400), "征求意见截止日期"),
    (in_days(-1), "征求意见截止日期"), ("1900-01-01", "征求意见截止日期"),
])
def test_hostile_comment_periods(client_for, make_document, closes_on, field_word):
    doc = make_document()
    before = snapshot(doc.pk)
    r = client_for("drafter").post(f"/api/documents/{doc.pk}/open-public-comment/", {"closes_on": closes_on},
                                   format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    assert field_word in r.json()["error"]["message"]
    assert snapshot(doc.pk) == before


def test_a_comment_period_within_a_year_is_accepted(client_for, make_document):
    doc = make_document()
    r = client_for("drafter").post(f"/api/documents/{doc.pk}/open-public-comment/", {"closes_on": in_days(300)},
                                   format="json")
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("action, payload, word", [
    ("register", {"meeting": "常务会议", "deliberated_on": "1900-01-01"}, "审议日期"),
    ("register", {"meeting": "常务会议", "deliberated_on": "1999-12-31"}, "审议日期"),
    ("register", {"meeting": "常务会议", "deliberated_on": in_days(1)}, "审议日期"),
    ("register", {"meeting": "常务会议", "deliberated_on": "9999-12-31"}, "审议日期"),
])
def test_hostile_deliberation_dates(client_for, make_document, action, payload, word):
    doc = make_document("approved")
    before = snapshot(doc.pk)
    r = client_for("registrar").post(f"/api/documents/{doc.pk}/{action}/", payload, format="json")
    assert r.status_code == 400 and word in r.json()["error"]["message"], r.content
    assert snapshot(doc.pk) == before


@pytest.mark.parametrize("payload, word", [
    ({"channel": "website", "published_on": "9999-12-31"}, "公布日期"),
    ({"channel": "website", "published_on": "1990-01-01"}, "公布日期"),
    ({"channel": "website", "published_on": in_days(-3)}, "公布日期"),   # before the approval
    ({"channel": "website", "effective_from": "9999-12-31"}, "施行日期"),
    ({"channel": "website", "effective_from": in_days(400)}, "施行日期"),
])
def test_hostile_publication_dates(client_for, make_document, payload, word):
    doc = make_document("registered")
    before = snapshot(doc.pk)
    r = client_for("registrar").post(f"/api/documents/{doc.pk}/publish/", payload, format="json")
    assert r.status_code == 400 and word in r.json()["error"]["message"], r.content
    assert snapshot(doc.pk) == before


@pytest.mark.parametrize("path, payload, word", [
    ("file-record", {"filed_with": "省人民政府", "filed_on": "9999-12-31"}, "备案日期"),
    ("file-record", {"filed_with": "省人民政府", "filed_on": "1900-01-01"}, "备案日期"),
    ("record-evaluation", {"outcome": "continue", "evaluated_on": "9999-12-31"}, "评估日期"),
    ("record-evaluation", {"outcome": "continue", "evaluated_on": "1900-01-01"}, "评估日期"),
])
def test_hostile_filing_and_evaluation_dates(client_for, make_document, path, payload, word):
    doc = make_document("published")
    r = client_for("registrar").post(f"/api/documents/{doc.pk}/{path}/", payload, format="json")
    assert r.status_code == 400 and word in r.json()["error"]["message"], r.content


def test_services_refuse_absurd_dates_themselves(users, make_document):
    doc = make_document()
    for closes_on in (dt.date(9999, 12, 30), dt.date(9999, 12, 31), dt.date(1900, 1, 1)):
        with pytest.raises(InvalidInput, match="征求意见截止日期"):
            services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=closes_on)
    approved = make_document("approved")
    with pytest.raises(InvalidInput, match="审议日期"):
        registry.document_register(actor=users["registrar"], document_id=approved.pk, meeting="会议",
                                   deliberated_on=dt.date(1900, 1, 1))
    registered = make_document("registered")
    with pytest.raises(InvalidInput, match="公布日期"):
        registry.document_publish(actor=users["registrar"], document_id=registered.pk, channel="website",
                                  published_on=dt.date(9999, 12, 31))
    with pytest.raises(InvalidInput, match="公布日期"):
        registry.document_publish(actor=users["registrar"], document_id=registered.pk, channel="website",
                                  published_on=dt.date(1990, 1, 1))
    assert Document.objects.get(pk=registered.pk).state == "registration"


def test_the_calendar_refuses_absurd_spans_at_once():
    calendar = Calendar(overrides={})
    with pytest.raises(SpanTooLong):
        calendar.count_working_days(dt.date(2026, 1, 1), dt.date(9999, 12, 30))
    with pytest.raises(SpanTooLong):
        calendar.add_working_days(dt.date(9999, 12, 1), 100)
    with pytest.raises(SpanTooLong):
        calendar.add_working_days(dt.date(2026, 1, 1), 10**9)
    assert calendar.count_working_days(dt.date(2026, 1, 1), dt.date(2026, 1, 31))[0] > 0


def test_page_forms_bound_dates_too(users, make_document):
    doc = make_document()
    client = Client()
    client.force_login(users["drafter"])
    r = client.post(f"/documents/{doc.pk}/do/open_public_comment/", {"open_public_comment-closes_on": "9999-12-30"})
    assert r.status_code == 400 and "征求意见截止日期不能晚于" in r.content.decode()
    assert Document.objects.get(pk=doc.pk).state == "drafting"


# --- text -----------------------------------------------------------------------------------
@pytest.mark.parametrize("title, word", [
    ("办法\u202e文件", "双向文本控制字符"), ("办法\u2066x\u2069", "双向文本控制字符"), ("办\x00法", "控制字符"),
    ("办\x1b[31m法", "控制字符"), ("办法\n第二行", "换行符"), ("办\x85法", "控制字符"), ("办\u200f法", "双向文本控制字符"),
])
def test_titles_with_control_or_bidi_characters_are_refused(client_for, title, word):
    r = client_for("drafter").post("/api/documents/", {"title": title, "body": BODY, "issuer": "CSZF"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    assert "标题" in r.json()["error"]["message"] and word in r.json()["error"]["message"]
    assert not Document.objects.exists()


def test_the_service_refuses_such_titles_too(users, orgs):
    with pytest.raises(InvalidInput, match="双向文本控制字符"):
        services.document_create(actor=users["drafter"], title="办法\u202e", body=BODY, issuer=orgs["city"])


def test_bodies_are_normalised(client_for):
    body = "第一条\r\n第二条\r第三条\u202e\x00\x07\t缩进\n"
    r = client_for("drafter").post("/api/documents/", {"title": "办法", "body": body, "issuer": "CSZF"}, format="json")
    assert r.status_code == 201
    assert r.json()["body"] == "第一条\n第二条\n第三条\t缩进\n"


def test_comment_names_are_checked_and_bodies_normalised(client_for, users, make_document):
    from core.calendar import add_working_days

    doc = make_document()
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                          closes_on=add_working_days(today(), 8).date)
    anon = client_for(None)
    r = anon.post(f"/api/documents/{doc.pk}/comments/", {"author_name": "张\u202e三", "body": "x"}, format="json")
    assert r.status_code == 400 and "姓名" in r.json()["error"]["message"]
    r = anon.post(f"/api/documents/{doc.pk}/comments/", {"author_name": "张三", "body": "意见\r\n\u202e第二行"},
                  format="json")
    assert r.status_code == 201
    assert PublicComment.objects.get().body == "意见\n第二行"
    page = Client().post(f"/public/consultations/{doc.pk}/", {"author_name": "李\u2067四", "body": "页面意见"})
    assert page.status_code == 400 and "双向文本控制字符" in page.content.decode()
    assert PublicComment.objects.count() == 1


def test_organisation_and_user_names_are_checked_too(orgs):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="机构名称不能包含双向文本控制字符"):
        call_command("add_org", "XX", name="春城\u202e局", kind="drafting")
    with pytest.raises(CommandError, match="用户名不能包含控制字符"):
        call_command("add_user", "bad\x07user", org="CSJY", role="drafter", password="pw-12345")
