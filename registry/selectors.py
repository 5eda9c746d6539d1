"""The registry's reads: the number registry and the clean-up listing (清理)."""
from django.conf import settings
from django.db.models import Case, CharField, QuerySet, Value, When

from core.calendar import add_months
from core.clock import today as local_today
from registry.permissions import registry_documents_visible_to
from review.models import Document


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
