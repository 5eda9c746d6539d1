"""One authorisation table (role × endpoint → expected status), and a test generated from it
over every operation of the OpenAPI schema and every page. An endpoint missing from the table
fails the suite, so a new endpoint cannot ship without deciding who may use it.

A second axis, jurisdiction (R14): each role again, but of the county under the city (the right
role in the wrong organisation). Their expectations are derived, not written: on anything about
one of the city's documents they get 404 (they may not see it), creating a city document is 403,
and lists answer 200 without the city's rows (tests/security/test_jurisdiction.py reads them)."""
import datetime as dt
import shutil

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from notifications.models import InboxMessage
from registry import services as registry_services
from review import services
from review.models import Document, PublicComment
from core.clock import today
from core.calendar import add_working_days

ROLES = ["anon", "drafter", "other_drafter", "reviewer", "registrar", "auditor", "head"]
# R14: the same role, in the county's organisations.
WRONG_ORG = {"drafter": "county_drafter", "reviewer": "county_reviewer", "registrar": "county_registrar",
             "auditor": "county_auditor", "head": "county_head"}


def expect(anon, drafter, other, reviewer, registrar, auditor, head=None):
    """Expected status per role; a review head (审核负责人) gets what a reviewer gets unless said."""
    return dict(zip(ROLES, (anon, drafter, other, reviewer, registrar, auditor, reviewer if head is None else head)))


STAFF_ALL = expect(401, 200, 200, 200, 200, 200)
OWN_DRAFT_READ = expect(401, 200, 404, 404, 404, 200)        # a draft never submitted
DRAFTER_ACT = expect(401, 200, 404, 404, 404, 403)           # acts of the drafting department
REVIEWER_ACT = expect(401, 403, 404, 200, 404, 403)          # on a document under review
REGISTRAR_ACT = expect(401, 403, 404, 403, 200, 403)         # on an approved document
REGISTRY_READ = expect(401, 403, 403, 403, 200, 200)
AUDITOR_READ = expect(401, 403, 403, 403, 403, 200)
PUBLIC = expect(200, 200, 200, 200, 200, 200)
HEAD_ACT = expect(401, 403, 404, 403, 404, 403, 200)             # a review head's act on a round
FILING_ISSUER_ACT = expect(401, 404, 404, 403, 200, 403)     # the issuer's registrar, on its filing (R11)
FILING_RECIPIENT_ACT = expect(401, 404, 404, 200, 403, 403)  # the recipient's reviewers (R19)

TODAY = lambda: today().isoformat()  # noqa: E731


def docx_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.docx_samples import simple_docx

    return SimpleUploadedFile("新版本.docx", simple_docx("第一条 上传的新文本。", "第二条 本办法自公布之日起施行。"))

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
    ("POST", "/api/documents/{id}/approve/"): ("submitted", lambda w: {"opinion": "合法", "urgent_reason": "急需"}, REVIEWER_ACT),
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
    # the review desk (R5, R15, R16)
    ("POST", "/api/documents/{id}/assign/"): ("submitted", lambda w: {"handler": "reviewer"}, HEAD_ACT),
    ("POST", "/api/documents/{id}/extend-review/"): (
        "submitted", lambda w: {"working_days": 5, "reason": "案情复杂"}, HEAD_ACT),
    ("POST", "/api/documents/{id}/invite-adviser/"): ("submitted", lambda w: {"adviser": "adviser"}, HEAD_ACT),
    ("POST", "/api/documents/{id}/sign-opinion/"): ("awaiting", lambda w: {"decision": "sign"}, HEAD_ACT),
    ("GET", "/api/documents/{id}/adviser-opinions/"): ("invited", None, expect(401, 200, 404, 200, 404, 200)),
    ("POST", "/api/documents/{id}/adviser-opinions/"): (
        "invited", lambda w: {"opinion": "无法律风险"}, expect(401, 403, 404, 403, 404, 403, 403)),
    # kinds (R17, R18)
    ("GET", "/api/documents/{id}/procedure-steps/"): ("decision", None, OWN_DRAFT_READ),
    ("POST", "/api/documents/{id}/procedure-steps/"): (
        "decision", lambda w: {"step": "risk_assessment", "not_required_reason": "不涉及社会稳定风险"},
        expect(401, 201, 404, 404, 404, 403)),
    ("POST", "/api/documents/{id}/record-signing/"): (
        "contract_reviewed", lambda w: {"signed_on": TODAY()}, expect(401, 200, 404, 403, 403, 403)),
    ("POST", "/api/documents/{id}/record-decision/"): (
        "decision_reviewed", lambda w: {"meeting": "市政府常务会议", "decided_on": TODAY(), "result": "adopted"},
        expect(401, 403, 404, 403, 200, 403)),
    ("POST", "/api/documents/{id}/publish-decision/"): (
        "decided", lambda w: {"channel": "website"}, expect(401, 403, 404, 403, 200, 403)),
    ("GET", "/api/decision-catalogue/"): ("none", None, STAFF_ALL),
    ("POST", "/api/decision-catalogue/"): (
        "none", lambda w: {"year": today().year, "title": "春城市轨道交通规划", "organisation": "CSJY"},
        expect(401, 403, 403, 403, 201, 403)),
    ("GET", "/api/public/decision-catalogue/"): ("none", None, PUBLIC),
    ("GET", "/api/opinions/"): ("approved", None, STAFF_ALL),
    ("GET", "/api/opinions/{id}/"): ("approved", None, expect(401, 200, 404, 200, 200, 200)),
    ("GET", "/api/opinions/{id}/docx/"): ("approved", None, expect(401, 200, 404, 200, 200, 200)),
    ("GET", "/api/opinions/{id}/pdf/"): ("approved", None, expect(401, 200, 404, 200, 200, 200) if shutil.which("soffice")
                                         else expect(401, 404, 404, 404, 404, 404)),
    # (v2) documents as files; a multipart body is a dict holding a file
    ("POST", "/api/documents/{id}/versions/"): ("drafting", lambda w: {"file": docx_upload()},
                                               expect(401, 201, 404, 404, 404, 403)),
    ("GET", "/api/documents/{id}/versions/{number}/file/"): ("uploaded", None, OWN_DRAFT_READ),
    ("GET", "/api/documents/{id}/comparison/"): ("uploaded", None, OWN_DRAFT_READ),
    ("GET", "/api/public/documents/{id}/docx/"): ("published", None, PUBLIC),
    ("GET", "/api/public/documents/{id}/pdf/"): ("published", None, PUBLIC if shutil.which("soffice") else
                                                 expect(404, 404, 404, 404, 404, 404)),
    ("POST", "/api/auth/token/revoke/"): ("none", lambda w: {}, expect(401, 204, 204, 204, 204, 204)),
    # (v2) filing review (R11, R19): the city files with its justice bureau (files_with), so the
    # city's registrar is the issuer's side and the city's reviewers the recipient's
    ("GET", "/api/filings/"): ("filing_due", None, expect(401, 403, 403, 200, 200, 200)),
    ("POST", "/api/filings/{id}/submit/"): ("filing_due", lambda w: {}, FILING_ISSUER_ACT),
    ("POST", "/api/filings/{id}/accept/"): ("filing_submitted", lambda w: {}, FILING_RECIPIENT_ACT),
    ("POST", "/api/filings/{id}/return/"): ("filing_submitted", lambda w: {"reason": "缺少起草说明"},
                                            FILING_RECIPIENT_ACT),
    ("POST", "/api/filings/{id}/conclude/"): ("filing_under_review", lambda w: {"outcome": "filed", "opinion": "予以备案"},
                                              FILING_RECIPIENT_ACT),
    ("POST", "/api/filings/{id}/respond/"): ("filing_correction", lambda w: {"action": "explained", "note": "有依据"},
                                             FILING_ISSUER_ACT),
    ("POST", "/api/filings/{id}/reject-response/"): ("filing_corrected", lambda w: {"note": "理由不成立"},
                                                     FILING_RECIPIENT_ACT),
    ("POST", "/api/public/review-requests/"): (
        "filing_due", lambda w: {"document": w["doc"].number, "name": "王小明", "contact": "13800138000",
                                 "reason": "增加了义务"}, expect(201, 201, 201, 201, 201, 201)),
    ("GET", "/api/public/review-requests/{receipt}/"): ("review_request", None, PUBLIC),
    ("GET", "/api/review-requests/"): ("review_request", None, expect(401, 403, 403, 200, 403, 200)),
    ("POST", "/api/review-requests/{id}/reply/"): ("review_request", lambda w: {"outcome": "no_issue", "reply": "未发现问题"},
                                                   expect(401, 404, 404, 200, 404, 403)),
    # (v2) after publication (R12, R20): the city's registrar runs the city's clean-ups
    ("POST", "/api/documents/{id}/interpretation/"): (
        "published", lambda w: {"title": "解读", "body": "一、制定背景。", "interpreter": "春城市教育局"},
        expect(401, 201, 404, 403, 403, 403)),
    ("POST", "/api/cleanups/"): ("published", lambda w: {"title": "2026年规范性文件清理", "issuer": "CSZF"},
                                 expect(401, 403, 403, 403, 201, 403)),
    ("POST", "/api/cleanups/{id}/items/{document_id}/"): (
        "cleanup", lambda w: {"decision": "keep", "reason": "继续适用"}, expect(401, 403, 403, 403, 200, 403)),
    ("POST", "/api/cleanups/{id}/publish/"): ("cleanup_decided", lambda w: {}, expect(401, 403, 403, 403, 200, 403)),
    ("GET", "/api/public/cleanups/{id}/"): ("cleanup_published", None, PUBLIC),
    ("GET", "/api/public/catalogue/"): ("published", None, PUBLIC),
}

LOGIN = 302  # pages send anonymous visitors to the log-in page
# Pages answer as the API does: 404 to whom may not see the document, 403 to whom sees it but
# may not take the act (DESIGN §3).
PAGES = {
    "web:home": ("none", None, expect(LOGIN, 200, 200, 200, 200, 200)),
    "web:login": ("none", None, PUBLIC),
    "web:logout": ("none", None, None),  # POST only; covered by the browser test
    "web:document-create": ("none", None, expect(LOGIN, 200, 200, 403, 403, 403)),
    "web:document": ("drafting", None, expect(LOGIN, 200, 404, 404, 404, 200)),
    "web:document-edit": ("drafting", None, expect(LOGIN, 200, 404, 404, 404, 403)),
    "web:document-act": ("submitted", {"approve-opinion": "合法", "approve-urgent_reason": "急需"},
                         expect(LOGIN, 403, 404, 302, 404, 403)),
    "web:comment-dispose": ("commented", {"disposition": "adopted"}, expect(LOGIN, 302, 404, 404, 404, 403)),
    "web:finding-resolve": ("resubmitted", {"status": "resolved"}, expect(LOGIN, 403, 404, 302, 404, 403)),
    "web:evaluation-record": ("published", {"outcome": "continue", "evaluated_on": "TODAY"},
                              expect(LOGIN, 403, 404, 403, 302, 403)),
    "web:dashboard": ("none", None, expect(LOGIN, 403, 403, 403, 200, 200)),
    "web:audit-verify": ("none", None, expect(LOGIN, 403, 403, 403, 403, 200)),
    "web:inbox": ("none", None, expect(LOGIN, 200, 200, 200, 200, 200)),
    "web:inbox-read": ("message", {}, expect(LOGIN, 302, 302, 302, 302, 302)),  # someone else's: a no-op
    "web:portal": ("published", None, PUBLIC),
    "web:public-document": ("published", None, PUBLIC),
    "web:consultation": ("commented", None, PUBLIC),
    "web:version-upload": ("drafting", {"file": "DOCX"}, expect(LOGIN, 302, 404, 404, 404, 403, 404)),
    # the review desk (issue 12): the opinion letter, as its API (the desks are web:home; the desk
    # acts go through web:document-act, tested per role in tests/web/test_desk_pages.py)
    "web:opinion": ("approved", None, expect(LOGIN, 200, 404, 200, 200, 200)),
    # (v2) after publication (R20): the registrar's clean-up desk, the drafter's interpretation,
    # the public catalogue and clean-up results (the county's registrar: tests/registry/test_after_publication.py)
    "web:cleanup-desk": ("none", None, expect(LOGIN, 403, 403, 403, 200, 403)),
    "web:cleanup": ("cleanup", None, expect(LOGIN, 403, 403, 403, 200, 403)),
    "web:interpretation": ("published", None, expect(LOGIN, 200, 404, 403, 403, 403)),
    "web:public-catalogue": ("published", None, PUBLIC),
    "web:public-cleanup": ("cleanup_published", None, PUBLIC),
    # (issue 14) a draft per kind (a contract here), the decision catalogue for staff and public
    "web:document-create-kind": ("none", None, expect(LOGIN, 200, 200, 403, 403, 403)),
    "web:catalogue": ("none", None, expect(LOGIN, 200, 200, 200, 200, 200)),
    "web:public-decision-catalogue": ("none", None, PUBLIC),
    # (issue 15) filings as their API: the recipient's desk, the issuer's outgoing filings, the
    # figures of one's area; one filing 404 to whom may not see it, its act 403 to the other side
    "web:filing-desk": ("none", None, expect(LOGIN, 403, 403, 200, 403, 200)),
    "web:filing-outgoing": ("none", None, expect(LOGIN, 403, 403, 403, 200, 200, 403)),
    "web:filing-figures": ("none", None, expect(LOGIN, 403, 403, 200, 200, 200)),
    "web:filing": ("filing_due", None, expect(LOGIN, 404, 404, 200, 200, 200)),
    "web:filing-act": ("filing_submitted", {}, expect(LOGIN, 404, 404, 302, 403, 403)),
    "web:review-request": ("none", None, PUBLIC),
    "web:review-request-status": ("none", None, PUBLIC),
    "web:review-request-reply": ("review_request", {"reply-outcome": "no_issue", "reply-reply": "未发现问题"},
                                 expect(LOGIN, 404, 404, 302, 404, 403)),
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
def users(users, orgs):
    """The city's review head and a legal adviser join the table (and the county's head)."""
    make = User.objects.create_user
    users["head"] = make(username="head", password="pw-12345", organisation=orgs["justice"], role="review_head")
    users["county_head"] = make(username="county_head", password="pw-12345", organisation=orgs["county_justice"],
                                role="review_head")
    firm = Organisation.objects.create(code="CSLS", name="春城明法律师事务所", kind="law_firm")
    users["adviser"] = make(username="adviser", password="pw-12345", organisation=firm, role="adviser")
    return users


@pytest.fixture
def world(make_document, users, orgs, freeze_today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    def build(kind):
        w = {}
        if kind == "none":
            return w
        if kind == "uploaded":  # a draft whose version 2 came from a .docx
            from review.files import version_upload

            w["doc"] = make_document("drafting")
            version_upload(actor=users["drafter"], document_id=w["doc"].pk, upload=docx_upload())
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
        elif kind == "decision":
            w["doc"] = make_document("drafting", kind="major_decision")
        elif kind == "contract_reviewed":
            w["doc"] = make_document("approved", kind="contract")
        elif kind in ("decision_reviewed", "decided"):
            doc = make_document("approved", kind="major_decision")
            if kind == "decided":
                registry_services.document_record_decision(actor=users["registrar"], document_id=doc.pk,
                                                           meeting="市政府常务会议", decided_on=today(),
                                                           result="adopted")
            w["doc"] = doc
        elif kind in ("awaiting", "invited"):
            doc = make_document("submitted")
            if kind == "awaiting":  # a bureau with sign-off: the handler's opinion waits for a head
                orgs["justice"].signoff_required = True
                orgs["justice"].save()
                services.document_assign(actor=users["head"], document_id=doc.pk, handler="reviewer")
                services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
            else:
                services.document_invite_adviser(actor=users["head"], document_id=doc.pk, adviser="adviser")
            w["doc"] = doc
        elif kind.startswith("filing_") or kind == "review_request":
            from registry import services as registry

            orgs["city"].files_with.add(orgs["justice"])  # R11: the city files with its justice bureau
            w["doc"] = make_document("published")
            w["filing"] = filing = w["doc"].filings.get()
            steps = {"filing_submitted": 1, "filing_under_review": 2, "filing_correction": 3,
                     "filing_corrected": 4}.get(kind, 0)
            acts = [lambda: registry.filing_submit(actor=users["registrar"], filing_id=filing.pk),
                    lambda: registry.filing_accept(actor=users["reviewer"], filing_id=filing.pk),
                    lambda: registry.filing_conclude(actor=users["reviewer"], filing_id=filing.pk,
                                                     outcome="correction_required", opinion="须纠正"),
                    lambda: registry.filing_respond(actor=users["registrar"], filing_id=filing.pk,
                                                    action="explained", note="有依据")]
            for act in acts[:steps]:
                act()
            if kind == "review_request":
                w["receipt"], (w["request"],) = registry.review_request_create(
                    document=w["doc"].number, name="王小明", contact="13800138000", reason="增加了义务")
        elif kind.startswith("cleanup"):
            from registry import services as registry

            w["doc"] = make_document("published")
            w["cleanup"] = cleanup = registry.cleanup_open(actor=users["registrar"], title="2026年清理", issuer=orgs["city"])
            if kind in ("cleanup_decided", "cleanup_published"):
                registry.cleanup_decide(actor=users["registrar"], cleanup_id=cleanup.pk, document_id=w["doc"].pk,
                                        decision="keep", reason="继续适用")
            if kind == "cleanup_published":
                registry.cleanup_publish(actor=users["registrar"], cleanup_id=cleanup.pk)
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
    path = path.replace("{number}", "2")
    if "{receipt}" in path:
        return path.replace("{receipt}", w["receipt"])
    path = path.replace("{document_id}", str(doc.pk) if doc else "0")
    if "cleanups/{id}" in path:
        return path.replace("{id}", str(w["cleanup"].pk))
    if path.startswith("/api/filings/{id}"):
        return path.replace("{id}", str(w["filing"].pk))
    if path.startswith("/api/review-requests/{id}"):
        return path.replace("{id}", str(w["request"].pk))
    if "/inbox/{id}" in path:
        return path.replace("{id}", str(w["message"].pk))
    if "/opinions/{id}" in path:
        return path.replace("{id}", str(doc.opinions.get().pk))
    return path.replace("{id}", str(doc.pk) if doc else "0")


def wrong_org_expectation(operation, role):
    """What the county's user of ``role`` gets where the city's gets ``API[operation]``."""
    method, path = operation
    right = API[operation][2][role]
    if path.startswith("/api/public/") or path.startswith("/api/auth/") or path.endswith("/comments/") and method == "POST":
        return right  # the same for everyone
    if path == "/api/documents/" and method == "POST":
        return 403 if role == "drafter" else right  # may not draft in the city's name
    if path == "/api/decision-catalogue/" and method == "POST":
        return 403 if role == "registrar" else right  # may not list the city's departments' decisions
    if path == "/api/cleanups/" and method == "POST":
        return 403 if role == "registrar" else right  # may not clean up the city's documents
    if path.startswith("/api/cleanups/{id}/"):
        return 404 if role == "registrar" else right  # the city's campaign
    if path.startswith("/api/documents/{id}/"):
        return 404  # may not see the city's document
    if path.startswith("/api/inbox/{id}/") or path.startswith("/api/opinions/{id}/"):
        return 404  # someone else's message; the letter of a document it may not see
    if path.startswith("/api/filings/{id}/") or path.startswith("/api/review-requests/{id}/"):
        return 404  # a filing of the city (to the city's bureau), a request to the city's bureau
    return right  # lists and figures: 200 or 403 by role; their rows are checked elsewhere


def call(client, method, path, w, body):
    """One request of the table: JSON, or multipart when the body holds a file."""
    url = fill(path, w) + ("?year=%d" % today().year if path.endswith("/annual/") else "")
    data = body(w) if body else None
    multipart = isinstance(data, dict) and any(hasattr(v, "read") for v in data.values())
    return getattr(client, method.lower())(url, data, format="multipart" if multipart else "json")


API_CASES = [(op, role) for op in sorted(API) for role in ROLES]
WRONG_ORG_CASES = [(op, role) for op in sorted(API) for role in WRONG_ORG]


@pytest.mark.django_db
@pytest.mark.parametrize("operation,role", API_CASES, ids=[f"{m} {p} as {r}" for (m, p), r in API_CASES])
def test_api_authorisation(operation, role, users, world):
    method, path = operation
    kind, body, expected = API[operation]
    w = world(kind)
    client = APIClient()
    if role != "anon":
        client.force_authenticate(users[role])
    response = call(client, method, path, w, body)
    assert response.status_code == expected[role], (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}


@pytest.mark.django_db
@pytest.mark.parametrize("operation,role", WRONG_ORG_CASES,
                         ids=[f"{m} {p} as {WRONG_ORG[r]}" for (m, p), r in WRONG_ORG_CASES])
def test_api_authorisation_in_the_wrong_organisation(operation, role, users, world):
    method, path = operation
    kind, body, _ = API[operation]
    w = world(kind)
    client = APIClient()
    client.force_authenticate(users[WRONG_ORG[role]])
    response = call(client, method, path, w, body)
    assert response.status_code == wrong_org_expectation(operation, role), (response.status_code,
                                                                             response.content[:300])
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
    elif name == "web:opinion":
        kwargs = {"pk": w["doc"].opinions.get().pk}
    elif name in ("web:cleanup", "web:public-cleanup"):
        kwargs = {"pk": w["cleanup"].pk}
    elif name == "web:document-create-kind":
        kwargs = {"kind": "contract"}
    elif name == "web:filing-act":
        kwargs = {"pk": w["filing"].pk, "act": "accept"}
    elif name == "web:filing":
        kwargs = {"pk": w["filing"].pk}
    elif name == "web:review-request-reply":
        kwargs = {"pk": w["request"].pk}
    elif "doc" in w and name not in ("web:portal", "web:public-catalogue"):
        kwargs = {"pk": w["doc"].pk}
    url = reverse(name, kwargs=kwargs)
    if data is None:
        response = client.get(url)
    else:
        response = client.post(url, {k: (TODAY() if v == "TODAY" else docx_upload() if v == "DOCX" else v)
                                     for k, v in data.items()})
    assert response.status_code == expected[role], (response.status_code, response.content[:300])
    if role in WRONG_ORG and "doc" in w and name not in ("web:portal", "web:public-document", "web:consultation", "web:inbox-read",
                                                         "web:cleanup", "web:public-cleanup", "web:public-catalogue"):
        client.force_login(users[WRONG_ORG[role]])  # R14: the county's user never sees the city's document
        again = client.get(url) if data is None else client.post(url, {k: (TODAY() if v == "TODAY" else v)
                                                                        for k, v in data.items()})
        assert again.status_code == 404, (name, role, again.status_code)
    if name == "web:inbox-read" and role != "drafter":
        assert InboxMessage.objects.get(pk=w["message"].pk).read_at is None  # not theirs: untouched


def test_drafts_are_invisible_to_another_department_and_the_public():
    """Read off the table: a draft is 404 to another department's API client and the public API."""
    assert API[("GET", "/api/documents/{id}/")][2]["other_drafter"] == 404
    assert API[("GET", "/api/documents/{id}/")][2]["anon"] == 401
