"""One authorisation table (role × endpoint → expected status), and a test generated from it
over every operation of the OpenAPI schema and every page. An endpoint missing from the table
fails the suite, so a new endpoint cannot ship without deciding who may use it."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from notifications.models import InboxMessage
from review import services
from review.models import Document, PublicComment
from review.rules import today
from review.working_days import add_working_days

ROLES = ["anon", "drafter", "other_drafter", "reviewer", "registrar", "auditor"]


def expect(anon, drafter, other, reviewer, registrar, auditor):
    return dict(zip(ROLES, (anon, drafter, other, reviewer, registrar, auditor)))


STAFF_ALL = expect(401, 200, 200, 200, 200, 200)
OWN_DRAFT_READ = expect(401, 200, 404, 404, 404, 200)        # a draft never submitted
DRAFTER_ACT = expect(401, 200, 404, 404, 404, 403)           # acts of the drafting department
REVIEWER_ACT = expect(401, 403, 404, 200, 404, 403)          # on a document under review
REGISTRAR_ACT = expect(401, 403, 404, 403, 200, 403)         # on an approved document
REGISTRY_READ = expect(401, 403, 403, 403, 200, 200)
AUDITOR_READ = expect(401, 403, 403, 403, 403, 200)
PUBLIC = expect(200, 200, 200, 200, 200, 200)

TODAY = lambda: today().isoformat()  # noqa: E731

# (method, schema path) → (the world it needs, request body, expected status per role)
API = {
    ("GET", "/api/documents/"): ("drafting", None, STAFF_ALL),
    ("POST", "/api/documents/"): ("none", lambda w: {"title": "新办法", "body": "第一条 正文。", "issuer": "CSZF"},
                                  expect(401, 201, 201, 403, 403, 403)),
    ("GET", "/api/documents/{id}/"): ("drafting", None, OWN_DRAFT_READ),
    ("PATCH", "/api/documents/{id}/"): ("drafting", lambda w: {"title": "改过的标题"}, DRAFTER_ACT),
    ("GET", "/api/documents/{id}/versions/"): ("drafting", None, OWN_DRAFT_READ),
    ("GET", "/api/documents/{id}/history/"): ("drafting", None, OWN_DRAFT_READ),
    ("GET", "/api/documents/{id}/precheck/"): ("drafting", None, OWN_DRAFT_READ),
    ("GET", "/api/documents/{id}/review-rounds/"): ("drafting", None, OWN_DRAFT_READ),
    ("GET", "/api/documents/{id}/findings/"): ("submitted", None, expect(401, 200, 404, 200, 404, 200)),
    ("POST", "/api/documents/{id}/open-public-comment/"): (
        "drafting", lambda w: {"closes_on": add_working_days(today(), 8).date.isoformat()}, DRAFTER_ACT),
    ("POST", "/api/documents/{id}/close-public-comment/"): ("comment_closed", lambda w: {}, DRAFTER_ACT),
    ("POST", "/api/documents/{id}/submit-for-review/"): ("drafting", lambda w: {"drafting_notes": "依据"}, DRAFTER_ACT),
    ("POST", "/api/documents/{id}/withdraw/"): ("drafting", lambda w: {"reason": "调整"}, DRAFTER_ACT),
    ("POST", "/api/documents/{id}/approve/"): ("submitted", lambda w: {"opinion": "合法"}, REVIEWER_ACT),
    ("POST", "/api/documents/{id}/return-for-revision/"): (
        "submitted", lambda w: {"outcome": "unlawful", "opinion": "不合法"}, REVIEWER_ACT),
    ("POST", "/api/documents/{id}/findings/{finding_id}/resolve/"): (
        "resubmitted", lambda w: {"status": "resolved"}, REVIEWER_ACT),
    ("POST", "/api/documents/{id}/register/"): (
        "approved", lambda w: {"meeting": "常务会议", "deliberated_on": TODAY()}, REGISTRAR_ACT),
    ("POST", "/api/documents/{id}/void-number/"): ("registered", lambda w: {"reason": "误编号"}, REGISTRAR_ACT),
    ("POST", "/api/documents/{id}/publish/"): ("registered", lambda w: {"channel": "website"}, REGISTRAR_ACT),
    ("POST", "/api/documents/{id}/file-record/"): (
        "published", lambda w: {"filed_with": "省政府", "filed_on": TODAY()}, REGISTRAR_ACT),
    ("POST", "/api/documents/{id}/repeal/"): (
        "published", lambda w: {"reason": "废止", "decision_ref": "春府〔2026〕1号"}, REGISTRAR_ACT),
    ("POST", "/api/documents/{id}/record-evaluation/"): (
        "published", lambda w: {"outcome": "continue", "evaluated_on": TODAY()}, expect(401, 403, 404, 403, 201, 403)),
    ("GET", "/api/documents/{id}/comments/"): ("commented", None, expect(401, 200, 404, 404, 404, 200)),
    ("POST", "/api/documents/{id}/comments/"): (
        "commented", lambda w: {"author_name": "张三", "body": "意见"}, expect(201, 201, 201, 201, 201, 201)),
    ("GET", "/api/documents/{id}/comments/summary/"): ("commented", None, expect(401, 200, 404, 404, 404, 200)),
    ("POST", "/api/documents/{id}/comments/{comment_id}/dispose/"): (
        "commented", lambda w: {"disposition": "adopted"}, DRAFTER_ACT),
    ("GET", "/api/inbox/"): ("none", None, STAFF_ALL),
    ("POST", "/api/inbox/{id}/read/"): ("message", lambda w: {}, expect(401, 200, 404, 404, 404, 404)),
    ("GET", "/api/public/documents/"): ("published", None, PUBLIC),
    ("GET", "/api/public/documents/{id}/"): ("published", None, PUBLIC),
    ("GET", "/api/public/documents/{id}/comment-report/"): ("published", None, PUBLIC),
    ("GET", "/api/registry/"): ("registered", None, REGISTRY_READ),
    ("GET", "/api/registry/cleanup/"): ("published", None, REGISTRY_READ),
    ("GET", "/api/audit/events/"): ("published", None, AUDITOR_READ),
    ("GET", "/api/stats/annual/"): ("published", None, AUDITOR_READ),
    ("POST", "/api/auth/token/"): ("none", lambda w: {"username": "drafter", "password": "pw-12345"}, PUBLIC),
    ("POST", "/api/auth/token/revoke/"): ("none", lambda w: {}, expect(401, 204, 204, 204, 204, 204)),
}

LOGIN = 302  # pages send anonymous visitors to the log-in page
PAGES = {
    "web:home": ("none", None, expect(LOGIN, 200, 200, 200, 200, 200)),
    "web:login": ("none", None, PUBLIC),
    "web:logout": ("none", None, None),  # POST only; covered by the browser test
    "web:document-create": ("none", None, expect(LOGIN, 200, 200, 403, 403, 403)),
    "web:document": ("drafting", None, expect(LOGIN, 200, 403, 403, 403, 200)),
    "web:document-edit": ("drafting", None, expect(LOGIN, 200, 403, 403, 403, 403)),
    "web:document-act": ("submitted", {"approve-opinion": "合法"}, expect(LOGIN, 403, 403, 302, 403, 403)),
    "web:comment-dispose": ("commented", {"disposition": "adopted"}, expect(LOGIN, 302, 403, 403, 403, 403)),
    "web:finding-resolve": ("resubmitted", {"status": "resolved"}, expect(LOGIN, 403, 403, 302, 403, 403)),
    "web:evaluation-record": ("published", {"outcome": "continue", "evaluated_on": "TODAY"},
                              expect(LOGIN, 403, 403, 403, 302, 403)),
    "web:dashboard": ("none", None, expect(LOGIN, 403, 403, 403, 200, 200)),
    "web:audit-verify": ("none", None, expect(LOGIN, 403, 403, 403, 403, 200)),
    "web:inbox": ("none", None, expect(LOGIN, 200, 200, 200, 200, 200)),
    "web:inbox-read": ("message", {}, expect(LOGIN, 302, 302, 302, 302, 302)),  # someone else's: a no-op
    "web:portal": ("published", None, PUBLIC),
    "web:public-document": ("published", None, PUBLIC),
    "web:consultation": ("commented", None, PUBLIC),
}


def schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def page_names():
    names = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "web":
            names |= {f"web:{p.name}" for p in pattern.url_patterns if isinstance(p, URLPattern)}
    return names


def test_every_api_operation_is_in_the_table():
    assert schema_operations() - set(API) == set(), "add the new endpoint to the authorisation table"
    assert set(API) - schema_operations() == set(), "the table names an endpoint that no longer exists"


def test_every_page_is_in_the_table():
    assert page_names() == set(PAGES)


@pytest.fixture
def world(make_document, users, orgs, freeze_today):
    def build(kind):
        w = {}
        if kind == "none":
            return w
        if kind in ("drafting", "submitted", "approved", "registered", "published"):
            w["doc"] = make_document(kind)
        elif kind in ("commented", "comment_closed"):
            doc = make_document("drafting")
            services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                                  closes_on=add_working_days(today(), 8).date)
            w["comment"] = services.comment_create(document_id=doc.pk, author_name="李四", body="建议")
            if kind == "comment_closed":
                PublicComment.objects.filter(pk=w["comment"].pk).update(disposition="adopted")
                Document.objects.filter(pk=doc.pk).update(comment_closes_on=today() - dt.timedelta(days=1))
            w["doc"] = doc
        elif kind == "resubmitted":
            doc = make_document("submitted")
            services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk, outcome="unlawful",
                                                  opinion="不合法", findings=[{"article": "第二条"}])
            services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="已修改")
            w["doc"], w["finding"] = doc, doc.findings.get()
        elif kind == "message":
            doc = make_document("drafting")
            w["doc"] = doc
            w["message"] = InboxMessage.objects.create(recipient=users["drafter"], document=doc, title="提醒")
        return w

    return build


def fill(path, w):
    doc = w.get("doc")
    path = path.replace("{comment_id}", str(w["comment"].pk) if "comment" in w else "0")
    path = path.replace("{finding_id}", str(w["finding"].pk) if "finding" in w else "0")
    if "/inbox/{id}" in path:
        return path.replace("{id}", str(w["message"].pk))
    return path.replace("{id}", str(doc.pk) if doc else "0")


API_CASES = [(op, role) for op in sorted(API) for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("operation,role", API_CASES, ids=[f"{m} {p} as {r}" for (m, p), r in API_CASES])
def test_api_authorisation(operation, role, users, world):
    method, path = operation
    kind, body, expected = API[operation]
    w = world(kind)
    client = APIClient()
    if role != "anon":
        client.force_authenticate(users[role])
    url = fill(path, w) + ("?year=%d" % today().year if path.endswith("/annual/") else "")
    response = getattr(client, method.lower())(url, body(w) if body else None, format="json")
    assert response.status_code == expected[role], (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}


PAGE_CASES = [(name, role) for name in sorted(PAGES) if PAGES[name][2] for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("name,role", PAGE_CASES, ids=[f"{n} as {r}" for n, r in PAGE_CASES])
def test_page_authorisation(name, role, users, world):
    from django.urls import reverse

    kind, data, expected = PAGES[name]
    w = world(kind)
    client = Client()
    if role != "anon":
        client.force_login(users[role])
    kwargs = {}
    if name == "web:document-act":
        kwargs = {"pk": w["doc"].pk, "action": "approve"}
    elif name == "web:comment-dispose":
        kwargs = {"pk": w["doc"].pk, "comment_id": w["comment"].pk}
    elif name == "web:finding-resolve":
        kwargs = {"pk": w["doc"].pk, "finding_id": w["finding"].pk}
    elif name == "web:inbox-read":
        kwargs = {"message_id": w["message"].pk}
    elif "doc" in w and name not in ("web:portal",):
        kwargs = {"pk": w["doc"].pk}
    url = reverse(name, kwargs=kwargs)
    if data is None:
        response = client.get(url)
    else:
        response = client.post(url, {k: (TODAY() if v == "TODAY" else v) for k, v in data.items()})
    assert response.status_code == expected[role], (response.status_code, response.content[:300])
    if name == "web:inbox-read" and role != "drafter":
        assert InboxMessage.objects.get(pk=w["message"].pk).read_at is None  # not theirs: untouched


def test_drafts_are_invisible_to_another_department_and_the_public():
    """Read off the table: a draft is 404 to another department's API client and the public API."""
    assert API[("GET", "/api/documents/{id}/")][2]["other_drafter"] == 404
    assert API[("GET", "/api/documents/{id}/")][2]["anon"] == 401
