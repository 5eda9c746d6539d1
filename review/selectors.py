"""Every read the API and the pages share. Visibility (DESIGN §3) is decided here, once."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role
from review.errors import NotFound
from review.comments import adoption_summary, group_comments
from review.models import Document, History, PublicComment, ReviewFinding, ReviewRound, State, Version
from review.rules import today

# What each role sees beyond its own drafts.
REGISTRAR_STATES = (State.REGISTRATION, State.PUBLISHED, State.REVIEWED, State.REPEALED, State.EXPIRED)
PUBLIC_STATES = (State.PUBLISHED, State.REPEALED, State.EXPIRED)


def _base() -> QuerySet[Document]:
    return Document.objects.select_related("issuer", "drafting_org", "current_version")


def documents_visible_to(user) -> QuerySet[Document]:
    """Drafters see their department's documents; reviewers what was ever submitted for review;
    registrars what was approved; auditors everything; anyone else nothing."""
    qs = _base()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role == Role.AUDITOR:
        return qs
    if user.role == Role.DRAFTER:
        return qs.filter(drafting_org_id=user.organisation_id)
    if user.role == Role.REVIEWER:
        ever_submitted = Exists(ReviewRound.objects.filter(document=OuterRef("pk")))
        return qs.filter(ever_submitted)
    if user.role == Role.REGISTRAR:
        return qs.filter(state__in=REGISTRAR_STATES)
    return qs.none()


def public_documents() -> QuerySet[Document]:
    return _base().filter(state__in=PUBLIC_STATES).order_by("-published_on", "-id")


def document_for(user, document_id) -> Document:
    """The document if ``user`` may see it; 404 otherwise (existence must not leak)."""
    doc = documents_visible_to(user).filter(pk=document_id).first()
    if doc is None:
        raise NotFound("文件不存在或无权查看")
    return doc


def document_open_for_comment(document_id) -> Document:
    """For the public: a document is reachable only while it is out for comment."""
    doc = _base().filter(pk=document_id, state=State.PUBLIC_COMMENT).first()
    if doc is None:
        raise NotFound("文件不存在或未在征求意见")
    return doc


def overdue_filter() -> Q:
    return Q(state=State.LEGALITY_REVIEW, review_due_at__lt=today())


def versions_of(document) -> QuerySet[Version]:
    return document.versions.select_related("author").order_by("number")


def history_of(document) -> QuerySet[History]:
    return document.history.select_related("actor", "version").order_by("seq")


def comments_of(document) -> QuerySet[PublicComment]:
    return document.public_comments.order_by("created_at", "id")


def review_rounds_of(document) -> QuerySet[ReviewRound]:
    return document.review_rounds.select_related("version", "reviewer", "submitted_by").order_by("round_no")


def findings_of(document) -> QuerySet[ReviewFinding]:
    return document.findings.select_related("review_round", "resolved_by").order_by("review_round__round_no", "id")


def comment_report(document, *, include_names=False) -> dict:
    """The disposition report (意见采纳情况): one entry per group of identical or near-identical
    comments, with its count and answer. Names only for staff; contacts never."""
    comments = list(comments_of(document))
    groups = group_comments(comments)
    labels = dict(PublicComment.Disposition.choices)
    return {
        "received": len(comments),
        "distinct": len(groups),
        "summary": adoption_summary(comments),
        "groups": [
            {
                "body": g.representative.body,
                "count": g.count,
                "disposition": g.representative.disposition,
                "disposition_display": labels.get(g.representative.disposition, "未处理"),
                "reason": g.representative.disposition_reason,
                **({"comment_ids": [c.pk for c in g.members],
                    "authors": [c.author_name for c in g.members]} if include_names else {}),
            }
            for g in groups
        ],
    }
