"""Every read the API and the pages share. Who may see what is review.permissions' answer."""
from __future__ import annotations

from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, TextField
from django.utils import timezone

from accounts.models import REVIEW_ROLES, Role, User
from core.clock import today
from core.errors import NotFound
from review.comments import adoption_summary, group_comments
from review.models import (PUBLIC_STATES, AdviserInvitation, DecisionCatalogueItem, Document, DocumentLink, History,
                           Interpretation, Opinion, ProcedureStep,
                           PublicComment, ReviewFinding, ReviewRound, State, Version)
from review.permissions import base_documents as _base
from review.permissions import documents_visible_to


def public_documents() -> QuerySet[Document]:
    """What the public reads (R10): published (or since ended) and public by today: a future
    publication date keeps a document out of view until that day, with nobody acting."""
    return _base().filter(state__in=PUBLIC_STATES, published_on__lte=today()).order_by("-published_on", "-id")


def publicly_visible_q(prefix="") -> Q:
    return Q(**{f"{prefix}state__in": PUBLIC_STATES, f"{prefix}published_on__lte": today()})


def after_publication(document_ids) -> dict[int, dict]:
    """{id: {repeals, amends, repealed_by, amended_by, interpretation}} in two queries (R20).
    Links to a document are shown once the linking document is public; an interpretation is
    read with its document (the caller decides who reads that)."""
    ids = list(document_ids)
    out = {i: {"repeals": [], "amends": [], "repealed_by": None, "amended_by": [], "interpretation": None}
           for i in ids}
    public_sources = set()
    rows = list(DocumentLink.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
                .order_by("source_id", "target_id")
                .values_list("source_id", "target_id", "kind", "source__state", "source__published_on"))
    day = today()
    for source, target, kind, state, published_on in rows:
        if source in out:
            out[source][kind].append(target)
        if target in out and state in PUBLIC_STATES and published_on and published_on <= day:
            public_sources.add(source)
            if kind == DocumentLink.Kind.REPEALS:
                out[target]["repealed_by"] = source
            else:
                out[target]["amended_by"].append(source)
    for row in Interpretation.objects.filter(document_id__in=ids).values(
            "document_id", "title", "body", "interpreter", "updated_at"):
        out[row["document_id"]]["interpretation"] = {
            "title": row["title"], "body": row["body"], "interpreter": row["interpreter"],
            "updated_on": timezone.localdate(row["updated_at"]).isoformat()}
    return out


def after_publication_of(document) -> dict:
    if not hasattr(document, "after_publication"):
        document.after_publication = after_publication([document.pk])[document.pk]
    return document.after_publication


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
    contains = Q(title__icontains=text) | Q(number__icontains=text)
    caseless = text.isascii() or text.upper() == text.lower()  # Python's and PostgreSQL's UPPER agree
    if len(text) == 2 and caseless and connection.vendor == "postgresql":
        # Two characters (校外, 罚款): pg_trgm cannot help; the bigram indexes (migration 0015)
        # find the candidates and icontains keeps the result exactly what it was.
        # The pair's presence (title or number) is exactly the two indexes' BitmapOr, so PostgreSQL
        # never computes doc_bigrams() per row; contains then checks the candidates. Equal to
        # contains alone: a title containing the pair contains the pair as a bigram.
        pair = [text.upper()]
        return queryset.alias(title_bigrams=Bigrams("title"), number_bigrams=Bigrams("number")).filter(
            Q(title_bigrams__contains=pair) | Q(number_bigrams__contains=pair)).filter(contains)
    return queryset.filter(contains)


class Bigrams(Func):
    """doc_bigrams(column): every two-character piece of UPPER(column), the expression of the
    PostgreSQL GIN indexes document_title_bigram and document_number_bigram."""
    function = "doc_bigrams"

    def __init__(self, expression):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(TextField()))


def overdue_filter() -> Q:
    return Q(state=State.LEGALITY_REVIEW, review_due_at__lt=today())


# --- the review desk (R5, R15) -----------------------------------------------------------------
def _open_round_of():
    # order_by(): at most one open round a document (one_open_review_round); the model's default
    # ordering ("document", …) would join review_document into every row's subquery, twice.
    return ReviewRound.objects.filter(document=OuterRef("pk"), outcome="").order_by()


def with_desk(queryset: QuerySet[Document]) -> QuerySet[Document]:
    """Each row's open round: its handler and whether it is paused (two subqueries, no N+1)."""
    return queryset.annotate(handler_name=Subquery(_open_round_of().values("handler__username")[:1]),
                             review_paused_on=Subquery(_open_round_of().values("paused_on")[:1]))


def issued_opinions(document_ids) -> dict[int, list[dict]]:
    """{document id: [{id, number, outcome, signed_on}]} in one query."""
    out: dict[int, list[dict]] = {}
    for row in (Opinion.objects.filter(document_id__in=list(document_ids), status=Opinion.Status.ISSUED)
                .order_by("signed_at", "id").values("id", "document_id", "number", "outcome", "signed_at")):
        out.setdefault(row["document_id"], []).append(
            {"id": row["id"], "number": row["number"], "outcome": row["outcome"],
             "signed_on": timezone.localdate(row["signed_at"]).isoformat()})
    return out


def desk_of(document) -> tuple:
    """(handler username, paused since, issued opinions) of one document."""
    open_round = document.review_rounds.filter(outcome="").values("handler__username", "paused_on").first() or {}
    return (open_round.get("handler__username"), open_round.get("paused_on"),
            issued_opinions([document.pk]).get(document.pk, []))


def opinions_visible_to(user) -> QuerySet[Opinion]:
    """Opinion letters of the documents the user may see."""
    return (Opinion.objects.filter(document__in=documents_visible_to(user).values("pk"))
            .select_related("document", "review_body", "drafted_by", "signed_by", "review_round")
            .prefetch_related("review_round__adviser_invitations__adviser"))


def head_desk(user) -> dict:
    """The review head's desk: unassigned cases, opinions awaiting signature, overdue cases."""
    in_review = _light(with_desk(documents_visible_to(user).filter(state=State.LEGALITY_REVIEW)))
    return {
        "unassigned": list(in_review.filter(handler_name__isnull=True).order_by("review_due_at", "id")[:TODO_LIMIT]),
        "awaiting_signoff": list(opinions_visible_to(user).filter(status=Opinion.Status.AWAITING_SIGNOFF)
                                 .order_by("drafted_at")[:TODO_LIMIT]),
        "overdue": list(in_review.filter(review_due_at__lt=today()).order_by("review_due_at", "id")[:TODO_LIMIT]),
    }


def handler_cases(user) -> list[Document]:
    """The handler's desk: my open cases (in review or paused), soonest due first."""
    mine = ReviewRound.objects.filter(outcome="", handler=user).values("document_id")
    return list(_light(with_desk(documents_visible_to(user).filter(pk__in=mine)))
                .order_by(F("review_due_at").asc(nulls_last=True), "id")[:TODO_LIMIT])


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
              "evaluation_due_on", "closing_reason", "repeal_decision_ref", "created_at", "updated_at",
              "contract_counterparty", "contract_amount_yuan", "contract_type", "contract_term_months",
              "contract_signed_on", "decision_meeting", "decided_on", "valid_until", "ended_on")
    RELATED = ("issuer__code", "drafting_org__code", "current_version__body", "current_version__number",
               "current_version__precheck")

    Kind = Document.Kind
    contract = property(Document.contract.fget)
    filing_due_on = property(Document.filing_due_on.fget)
    filed_on_time = property(Document.filed_on_time.fget)
    in_force_on = Document.in_force_on
    in_force = property(Document.in_force.fget)
    not_yet_effective = property(Document.not_yet_effective.fget)

    def __init__(self, values: dict, opinions: dict | None = None, after: dict | None = None):
        for name in self.FIELDS:
            setattr(self, name, values[name])
        self.desk = (values["handler_name"], values["review_paused_on"], (opinions or {}).get(values["id"], []))
        self.catalogue_item_ref = values["catalogue_item_ref"]
        if after is not None:
            self.after_publication = after[values["id"]]
        self.issuer, self.drafting_org = _Code(values["issuer__code"]), _Code(values["drafting_org__code"])
        self.current_version = (_Text(values["current_version__body"], values["current_version__number"],
                                      values["current_version__precheck"])
                                if values["current_version__number"] is not None else None)


def _row_values(queryset: QuerySet[Document]):
    return (with_desk(queryset)
            .annotate(catalogue_item_ref=Subquery(DecisionCatalogueItem.objects.filter(document=OuterRef("pk"))
                                                  .order_by().values("pk")[:1]))
            .values(*DocumentRow.FIELDS, *DocumentRow.RELATED, "handler_name", "review_paused_on",
                    "catalogue_item_ref"))


class PageFirst:
    """A list's rows for a paginator, the page chosen before anything is joined to it (issue 19).

    Counting and choosing the page read only the document table (and whatever the filters join);
    the text, the organisations' codes, the open round and the catalogue item are then read for
    the page's rows alone, in the same statement (``id IN (the page's ids)``). Joined before the
    LIMIT, PostgreSQL fetched every match's text and ran the per-row subqueries on each before
    sorting (1,308 rows for a page of 50 in ``?state=legality_review&overdue=true&issuer=CSZF``)."""

    def __init__(self, queryset: QuerySet[Document]):
        self.queryset = queryset
        self.ordering = tuple(queryset.query.order_by) or tuple(Document._meta.ordering)
        self.ordered = True

    def count(self) -> int:
        return self.queryset.select_related(None).order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("PageFirst is read a page at a time")
        page = self.queryset.select_related(None).order_by(*self.ordering).values("pk")[index]
        return list(_row_values(Document.objects.filter(pk__in=Subquery(page))).order_by(*self.ordering))


def as_rows(queryset: QuerySet[Document]) -> PageFirst:
    """A list of documents as plain rows (``document_rows`` makes them DocumentRows), to paginate."""
    return PageFirst(queryset)


def catalogue_item_of(document) -> int | None:
    if hasattr(document, "catalogue_item_ref"):
        return document.catalogue_item_ref
    return DecisionCatalogueItem.objects.filter(document=document).values_list("pk", flat=True).first()


def catalogue(*, year=None, government=None) -> QuerySet[DecisionCatalogueItem]:
    """重大行政决策事项目录 (R17): public, by year and government."""
    qs = DecisionCatalogueItem.objects.select_related("organisation", "government", "document").order_by(
        "-year", "government__code", "id")
    if year is not None:
        qs = qs.filter(year=year)
    if government:
        qs = qs.filter(government__code=government)
    return qs


def procedure_steps_of(document) -> QuerySet[ProcedureStep]:
    return document.procedure_steps.select_related("recorded_by").order_by("step")


def document_rows(rows) -> list[DocumentRow]:
    """A page of ``as_rows`` as DocumentRows, with their issued opinions (one query)."""
    rows = list(rows)
    opinions = issued_opinions(row["id"] for row in rows)
    after = after_publication(row["id"] for row in rows)
    return [DocumentRow(row, opinions, after) for row in rows]


# --- the review desk's pages (issue 12): appended for web/, reads only -------------------------
def handler_desk(user) -> dict:
    """The handler's desk: my open cases soonest due first (a paused round carries the working
    days it had left, ``days_left_at_pause``), the opinions a head sent back to me (the latest
    per round, while I have not drafted again), and, in a body without sign-off (no heads), the
    body's whole queue as before. A fixed number of queries."""

    cases = handler_cases(user)
    left = dict(ReviewRound.objects.filter(document_id__in=[d.pk for d in cases if d.review_paused_on], outcome="")
                .values_list("document_id", "days_left_at_pause"))
    for doc in cases:
        doc.days_left_at_pause = left.get(doc.pk)
    redrafted = Opinion.objects.filter(review_round=OuterRef("review_round"), status=Opinion.Status.AWAITING_SIGNOFF)
    rows = (opinions_visible_to(user).prefetch_related(None)
            .filter(status=Opinion.Status.SENT_BACK, review_round__outcome="", review_round__handler=user)
            .exclude(Exists(redrafted)).defer("document__current_version").order_by("-drafted_at", "-id")[:TODO_LIMIT])
    sent_back, seen = [], set()
    for opinion in rows:
        if opinion.review_round_id not in seen:
            seen.add(opinion.review_round_id)
            sent_back.append(opinion)
    organisation = user.organisation
    return {"cases": cases, "sent_back": sent_back,
            "queue": review_queue(user) if organisation is not None and not organisation.signoff_required else None}


def review_staff(body_id) -> list:
    """Who may handle a case of this review body: its active reviewers and heads."""

    return list(User.objects.filter(organisation_id=body_id, is_active=True, role__in=REVIEW_ROLES)
                .order_by("role", "username"))


def advisers() -> list:
    """The legal advisers (法律顾问/公职律师) a head may invite."""

    return list(User.objects.filter(role=Role.ADVISER, is_active=True).select_related("organisation")
                .order_by("organisation__name", "username"))


def adviser_opinions_of(document):
    """The invitations of a document's rounds and the advisers' answers, oldest first."""
    return document.adviser_invitations.select_related("adviser", "adviser__organisation", "review_round") \
        .order_by("invited_at", "id")


def adviser_desk(user) -> list:
    """An adviser's home: the invitations it has had, unanswered ones first."""

    return list(AdviserInvitation.objects.filter(adviser=user, document__in=documents_visible_to(user).values("pk"))
                .select_related("document", "document__drafting_org", "review_round", "invited_by")
                .defer("document__current_version")
                .order_by(F("answered_at").asc(nulls_first=True), "-invited_at", "-id")[:TODO_LIMIT])
