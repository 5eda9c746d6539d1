"""The registry's reads: the number registry, the clean-up listing (清理), the filing desks
(incoming and outgoing, R11/R19) and the review requests."""
from django.conf import settings
from django.db.models import BooleanField, Case, CharField, Prefetch, Q, QuerySet, Value, When

from core.calendar import add_months
from core.clock import today as local_today
from registry.models import Filing, ReviewRequest
from registry.permissions import filings_visible_to, registry_documents_visible_to, review_requests_visible_to
from review.models import Document, Opinion


def cleanup_listing(user, today=None) -> QuerySet[Document]:
    """清理 (R12, 277号 Art. 36): published documents whose evaluation is due, and overdue.

    Due from ``evaluation_due_on`` (6 months before expiry, or 5 years after publication or the
    last evaluation); overdue 6 months later (for a document with a validity period: at expiry)."""
    today = today or local_today()
    overdue_if_due_by = add_months(today, -settings.RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY)
    return (registry_documents_visible_to(user).filter(state=Document.State.PUBLISHED, evaluation_due_on__lte=today)
            .annotate(evaluation_status=Case(
                When(evaluation_due_on__lte=overdue_if_due_by, then=Value("overdue")),
                default=Value("due"), output_field=CharField()))
            .order_by("evaluation_due_on", "id"))


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
