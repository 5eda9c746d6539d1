"""The registry's reads: the number registry, the clean-up listing (清理), the filing desks
(incoming and outgoing, R11/R19) and the review requests."""
import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from core import statements
from core.calendar import add_months
from accounts.jurisdiction import Jurisdiction
from accounts.models import Organisation
from core.clock import today as local_today
from core.errors import InvalidInput, NotFound
from core.inputs import date_problem, earliest_plausible_date
from registry.models import Cleanup, CleanupItem, Evaluation, Filing, ReviewRequest
from registry.permissions import filings_visible_to, registry_documents_visible_to, review_requests_visible_to
from review.models import PUBLIC_STATES, Document, DocumentLink, Opinion


def evaluation_pending() -> Q:
    """R12: the latest evaluation concluded 修改 or 废止 and the registrar has not acted: not
    repealed (the state says so) and not amended by a published document since."""
    return Q(pending_outcome__in=(Evaluation.Outcome.AMEND, Evaluation.Outcome.REPEAL)) & ~Q(amended_since=True)


def with_pending_outcome(queryset: QuerySet[Document]) -> QuerySet[Document]:
    latest = Evaluation.objects.filter(document=OuterRef("pk")).order_by("-evaluated_on", "-id")
    amended = DocumentLink.objects.filter(target=OuterRef("pk"), kind=DocumentLink.Kind.AMENDS,
                                          source__state__in=PUBLIC_STATES,
                                          source__published_on__gte=OuterRef("pending_on"))
    return (queryset.annotate(pending_outcome=Subquery(latest.values("outcome")[:1]),
                              pending_on=Subquery(latest.values("evaluated_on")[:1]))
            .annotate(amended_since=Exists(amended)))


def cleanup_listing(user, today=None) -> QuerySet[Document]:
    """清理 (R12, 277号 Art. 36): published documents whose evaluation is due, and overdue, and
    those whose evaluation concluded 修改 or 废止 until the registrar acts (``amend``/``repeal``).

    Due from ``evaluation_due_on`` (6 months before expiry, or 5 years after publication or the
    last evaluation); overdue 6 months later (for a document with a validity period: at expiry)."""
    today = today or local_today()
    overdue_if_due_by = add_months(today, -settings.RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY)
    pending = evaluation_pending()
    return (with_pending_outcome(registry_documents_visible_to(user).filter(state=Document.State.PUBLISHED))
            .filter(Q(evaluation_due_on__lte=today) | pending)
            .annotate(evaluation_status=Case(
                When(pending, then=F("pending_outcome")),
                When(evaluation_due_on__lte=overdue_if_due_by, then=Value("overdue")),
                default=Value("due"), output_field=CharField()))
            .order_by("evaluation_due_on", "id"))


def evaluation_outcomes_todo(user) -> QuerySet[Document]:
    """The registrar's to-do: evaluations (or clean-up decisions) concluding 修改/废止 not yet acted on."""
    return (with_pending_outcome(registry_documents_visible_to(user).filter(state=Document.State.PUBLISHED))
            .filter(evaluation_pending()).order_by("pending_on", "id"))


TODO_LIMIT = 50


def registrar_todo(user) -> dict:
    visible = registry_documents_visible_to(user).defer("current_version__body")
    awaiting = visible.filter(state=Document.State.REGISTRATION)
    return {
        "awaiting_number": list(awaiting.filter(number__isnull=True).order_by("updated_at")[:TODO_LIMIT]),
        "awaiting_publication": list(awaiting.filter(number__isnull=False).order_by("registered_at")[:TODO_LIMIT]),
        "filings_due": list(visible.filter(state=Document.State.PUBLISHED, filed_on__isnull=True)
                            .order_by("published_on", "id")[:TODO_LIMIT]),
        "cleanup": list(cleanup_listing(user).defer("current_version__body")[:TODO_LIMIT]),
        "evaluation_outcomes": list(evaluation_outcomes_todo(user).defer("current_version__body")[:TODO_LIMIT]),
    }


# --- 备案审查 (R11, R19) ------------------------------------------------------------------------
def filing_overdue_q(day) -> Q:
    """What is late on either side: unsubmitted after its deadline, under review after its review
    deadline, a correction unanswered after its answer deadline."""
    return (Q(state__in=Filing.OPEN_FOR_ISSUER, due_on__lt=day)
            | Q(state=Filing.State.UNDER_REVIEW, review_due_on__lt=day)
            | Q(state=Filing.State.CORRECTION_REQUIRED, correction_due_on__lt=day))


def filing_listing(user, *, direction=None, state=None, overdue=False, today=None) -> QuerySet[Filing]:
    """The filings of the user's organisation (registry.permissions), overdue first, then by due date."""
    today = today or local_today()
    qs = filings_visible_to(user, direction=direction)
    if state:
        qs = qs.filter(state=state)
    late = filing_overdue_q(today)
    if overdue:
        qs = qs.filter(late)
    issued = Opinion.objects.filter(status=Opinion.Status.ISSUED).order_by("signed_at", "id")
    return (qs.annotate(is_overdue=Case(When(late, then=Value(True)), default=Value(False),
                                        output_field=BooleanField()))
            .prefetch_related(Prefetch("document__opinions", queryset=issued, to_attr="issued_opinions"))
            .order_by("-is_overdue", "due_on", "id"))


def review_request_listing(user, *, state=None) -> QuerySet[ReviewRequest]:
    qs = review_requests_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "due_on", "id")


# --- 清理 and the catalogue in force (R20) ------------------------------------------------------
def cleanup_items(cleanup) -> list[CleanupItem]:
    return list(cleanup.items.select_related("document").defer("document__current_version")
                .order_by("document__published_on", "document_id"))


def public_cleanup(cleanup_id) -> Cleanup | None:
    """A campaign's result, once published (anyone); None otherwise."""
    if not str(cleanup_id).isdigit() or not 0 < int(cleanup_id) < 2**63:
        return None
    return Cleanup.objects.select_related("issuer").filter(pk=int(cleanup_id), state=Cleanup.State.PUBLISHED).first()


def in_force_on_q(day) -> Q:
    """现行有效 on ``day`` as a query (the same as ``Document.in_force_on``)."""
    return (Q(state__in=PUBLIC_STATES, published_on__lte=day, effective_from__lte=day)
            & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
            & (Q(ended_on__isnull=True) | Q(ended_on__gt=day)))


class CatalogueIssuer(NamedTuple):
    """An issuer as the catalogue shows it: its id, code and name."""

    pk: int
    code: str
    name: str


class CatalogueRow(NamedTuple):
    """One row of the catalogue: the columns it shows, as plain values in the order they are read.
    The catalogue is every row (884 of an issuer's at 1,000,000 documents), and a Document instance
    a row (django-fsm's __init__, deferred fields), or even an object a row, cost more than the query."""

    id: int
    number: str
    title: str
    issuer_id: int
    issuer_code: str
    issuer_name: str
    published_on: dt.date
    effective_from: dt.date
    expires_on: dt.date | None


# The catalogue is read a page at a time: a city's whole catalogue fits on the first page, and a
# province's (400,000 rows at 1,000,000 documents, 105 MB of JSON) is never built in one answer.
CATALOGUE_PAGE_ROWS = 1000
CATALOGUE_EXPORT_ROWS = 30_000  # the most rows one .xlsx carries (an issuer's; a province asks per issuer)
CATALOGUE_MAX_PAGE = 10_000


class CataloguePage(NamedTuple):
    rows: list[CatalogueRow]
    count: int   # rows of the whole catalogue
    number: int
    pages: int


def catalogue_in_force(*, as_of, issuer=None, start=0, limit=None) -> list[CatalogueRow]:
    """现行有效规范性文件目录 as of ``as_of`` (not after today): from the publication, effective,
    expiry and end dates, so a past date reads as it stood then. Rows in (issuer code,
    publication date, id) order, ``limit`` of them (a page's) from ``start``."""
    limit = CATALOGUE_PAGE_ROWS if limit is None else limit
    # only the columns a row shows, and the query compiled once (core.statements): the catalogue
    # is read on every request of the public page (issue 19)
    def build(day, *issuer_id):
        return (_in_force(day, *issuer_id).order_by("issuer__code", "published_on", "id")
                .values_list(*CATALOGUE_COLUMNS)[start:start + limit])

    values = (as_of,) if issuer is None else (as_of, issuer.pk)
    return list(map(CatalogueRow._make, statements.rows(("catalogue_in_force", start, limit), build, *values,
                                                        model=Document)))


def catalogue_page(*, as_of, issuer=None, number=1) -> CataloguePage:
    """Page ``number`` of the catalogue (CATALOGUE_PAGE_ROWS rows), 404 past the last page. The
    catalogue is counted only when the first page cannot hold it."""
    rows = catalogue_in_force(as_of=as_of, issuer=issuer, start=(number - 1) * CATALOGUE_PAGE_ROWS)
    if number == 1 and len(rows) < CATALOGUE_PAGE_ROWS:
        count = len(rows)
    else:
        count = _in_force(as_of, issuer.pk if issuer else None).count()
    pages = max(1, -(-count // CATALOGUE_PAGE_ROWS))
    if number > pages:
        raise NotFound(f"目录共 {pages} 页，没有第 {number} 页")
    return CataloguePage(rows, count, number, pages)


def catalogue_export(*, as_of, issuer=None) -> list[CatalogueRow]:
    """The whole catalogue for a spreadsheet, up to CATALOGUE_EXPORT_ROWS rows (400 beyond: a
    province's would take half a minute and gigabytes to write)."""
    rows = catalogue_in_force(as_of=as_of, issuer=issuer, limit=CATALOGUE_EXPORT_ROWS + 1)
    if len(rows) > CATALOGUE_EXPORT_ROWS:
        raise InvalidInput(f"目录超过 {CATALOGUE_EXPORT_ROWS} 件，不能一次导出，请选择制定机关分别导出")
    return rows


def _in_force(day, issuer_id=None):
    qs = Document.objects.filter(in_force_on_q(day), kind=Document.Kind.NORMATIVE)
    return qs if issuer_id is None else qs.filter(issuer_id=issuer_id)


CATALOGUE_COLUMNS = ("id", "number", "title", "issuer_id", "issuer__code", "issuer__name", "published_on",
                     "effective_from", "expires_on")  # CatalogueRow's fields, read in their order


def catalogue_page_number(params) -> int:
    """The catalogue page asked for (``page``, default 1): a whole number from 1 to
    CATALOGUE_MAX_PAGE (400 otherwise)."""
    raw = (params.get("page") or "1").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 5 and 1 <= int(raw) <= CATALOGUE_MAX_PAGE):
        raise InvalidInput(f"page 须为 1 至 {CATALOGUE_MAX_PAGE} 之间的整数")
    return int(raw)


def catalogue_query(params):
    """(as_of, issuer) of a catalogue request: as_of a date not after today (400 otherwise),
    issuer an organisation code or none (404 for an unknown one)."""
    raw = (params.get("as_of") or "").strip()
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput("as_of 须为日期（YYYY-MM-DD）")
        problem = date_problem(as_of, "目录日期", earliest=earliest_plausible_date(), latest=local_today(), latest_why="今天")
        if problem:
            raise InvalidInput(problem)
    else:
        as_of = local_today()
    code = (params.get("issuer") or "").strip()
    issuer = None
    if code:
        issuer = statements.first("organisation_by_code", _organisation_by_code, code[:50], model=Organisation)
        if issuer is None:
            raise NotFound(f"制定机关 {code[:50]} 不存在")
    return as_of, issuer


def cleanups_of_office(user) -> list[Cleanup]:
    """The campaigns of the issuers the registrar's office registers for, newest first."""
    if user.organisation_id is None:
        return []
    issuers = Jurisdiction().issuers_registered_by(user.organisation_id)
    return list(Cleanup.objects.filter(issuer_id__in=sorted(issuers)).select_related("issuer")
                .order_by("-created_at", "-id")[:100])


def published_cleanups() -> QuerySet[Cleanup]:
    return Cleanup.objects.filter(state=Cleanup.State.PUBLISHED).select_related("issuer").order_by("-published_on", "-id")


def _organisation_by_code(code):
    return Organisation.objects.filter(code=code).order_by("pk")[:1]


def catalogue_issuers() -> list[CatalogueIssuer]:
    """The issuers that have published a normative document (the catalogue page's choice), as
    (id, code, name): a province has hundreds, and an Organisation instance each cost more than
    the query."""
    # EXISTS per organisation (an index probe of document_issuer_state_newest each), not a
    # semi-join over every public document (900,000 at a province's 1,000,000)
    public = Document.objects.filter(issuer=OuterRef("pk"), state__in=PUBLIC_STATES, kind=Document.Kind.NORMATIVE)
    return list(map(CatalogueIssuer._make,
                    Organisation.objects.filter(Exists(public)).order_by("code").values_list("id", "code", "name")))
