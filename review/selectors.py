"""Every read the API and the pages share. Visibility (DESIGN §3) is decided here, once."""
from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import Role
from review.errors import NotFound
from review.comments import adoption_summary, group_comments
from review.models import (PUBLIC_STATES, REVIEWED_STATES, Document, History, PublicComment, ReviewFinding,
                           ReviewRound, State, Version)
from review.rules import today



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
        return qs.filter(state__in=REVIEWED_STATES)
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


def search(queryset: QuerySet[Document], text: str) -> QuerySet[Document]:
    """Title or unified number contains ``text`` (the ?q= of every list, staff and public)."""
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(Q(title__icontains=text) | Q(number__icontains=text))


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
        "summary": adoption_summary(comments, groups),
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


# --- the to-do lists of the pages (bounded: a fixed number of queries whatever the volume) --
TODO_LIMIT = 50


def _light(qs: QuerySet[Document]) -> QuerySet[Document]:
    """List rows without the full text (a draft can be long; lists never show it)."""
    return qs.defer("current_version__body")


def drafter_todo(user) -> dict:
    mine = documents_visible_to(user)
    last_return = ReviewRound.objects.filter(document=OuterRef("pk")).exclude(outcome="").order_by("-round_no")
    returned = (_light(mine.filter(state=State.DRAFTING, review_rounds__isnull=False))
                .annotate(last_outcome=Subquery(last_return.values("outcome")[:1]),
                          last_opinion=Subquery(last_return.values("opinion")[:1]),
                          last_decided_at=Subquery(last_return.values("decided_at")[:1]))
                .distinct().order_by("-last_decided_at")[:TODO_LIMIT])
    return {
        "counts": state_counts(mine),
        "returned": list(returned),
        "drafts": list(_light(mine.filter(state=State.DRAFTING, review_rounds__isnull=True)).order_by("-updated_at")[:TODO_LIMIT]),
        "in_comment": list(_light(mine.filter(state=State.PUBLIC_COMMENT)).order_by("comment_closes_on")[:TODO_LIMIT]),
        "in_review": list(_light(mine.filter(state=State.LEGALITY_REVIEW)).order_by("review_due_at")[:TODO_LIMIT]),
    }


def review_queue(user) -> list[Document]:
    """The reviewer's queue, soonest due first."""
    return list(_light(documents_visible_to(user).filter(state=State.LEGALITY_REVIEW))
                .order_by("review_due_at", "id")[:TODO_LIMIT])


def state_counts(qs: QuerySet[Document]) -> dict[str, int]:
    rows = dict(qs.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {value: rows.get(value, 0) for value in State.values}


def documents_open_for_comment() -> QuerySet[Document]:
    """Drafts out for public comment whose period has not closed (for the portal)."""
    return _base().filter(state=State.PUBLIC_COMMENT, comment_closes_on__gte=today()).order_by("comment_closes_on", "id")


# --- lists read as plain rows ----------------------------------------------------------------
class _Code:
    __slots__ = ("code",)

    def __init__(self, code):
        self.code = code


class _Text:
    __slots__ = ("body", "number", "precheck")

    def __init__(self, body, number, precheck):
        self.body, self.number, self.precheck = body, number, precheck


class DocumentRow:
    """A document as a list shows it, read with ``.values()``: building four model instances a
    row was most of a list page's time. It answers to the same attributes as ``Document`` for
    ``DocumentSerializer``, and borrows the model's own derived properties, so nothing is written
    twice (pinned by test_serializers: a list row reads exactly as the document's detail)."""

    FIELDS = ("id", "kind", "title", "state", "affects_rights", "business_related", "validity_years", "provisional",
              "comment_opened_on", "comment_closes_on", "comment_short_period_reason", "comment_exemption_reason",
              "drafting_notes", "comment_summary", "review_due_at", "review_due_provisional",
              "deliberation_meeting", "deliberated_on", "number", "registered_at", "publication_channel",
              "published_on", "effective_from", "expires_on", "filed_with", "filed_on", "filing_reference",
              "evaluation_due_on", "closing_reason", "repeal_decision_ref", "created_at", "updated_at")
    RELATED = ("issuer__code", "drafting_org__code", "current_version__body", "current_version__number",
               "current_version__precheck")

    filing_due_on = property(Document.filing_due_on.fget)
    filed_on_time = property(Document.filed_on_time.fget)

    def __init__(self, values: dict):
        for name in self.FIELDS:
            setattr(self, name, values[name])
        self.issuer, self.drafting_org = _Code(values["issuer__code"]), _Code(values["drafting_org__code"])
        self.current_version = (_Text(values["current_version__body"], values["current_version__number"],
                                      values["current_version__precheck"])
                                if values["current_version__number"] is not None else None)


def as_rows(queryset: QuerySet[Document]):
    return queryset.values(*DocumentRow.FIELDS, *DocumentRow.RELATED)
