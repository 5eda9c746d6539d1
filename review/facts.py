"""What an act's rules read about a document's related rows, loaded with the document's lock
(issue 19): each fact is one SQL expression, used as an annotation of the locking query (no
statement of its own) or, where the act did not ask for it, read on its own when first needed.

    document = permissions.access_document(user, pk, lock=True, facts=("pending_findings",))
    facts.get(document, "pending_findings")      # the annotation; a query only if not loaded

A fact describes the rows as the act found them. An act that changes one of them says what it
now is (``facts.know``), so that a later rule in the same act reads the truth (the approval
records the lawful review, then R7 is checked).
"""
from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

import functools

from django.apps import apps

_MISSING = object()


def _count(queryset):
    counted = queryset.order_by().values("document_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _model(name):
    """review's models by name: review.models imports review.rules, which reads facts (no circle)."""
    return apps.get_model("review", name)


@functools.cache
def _models():
    names = ("AdviserInvitation", "Document", "DocumentLink", "Opinion", "PublicComment", "ReviewFinding", "ReviewRound")
    return type("models", (), {name: _model(name) for name in names})


def _expressions(ref: str) -> dict:
    """Every fact as an expression of the document at ``ref`` ("pk" from a document query,
    "document_id" from a query of its rows)."""
    models = _models()
    doc = OuterRef(ref)
    approved = OuterRef("approved_version_id" if ref == "pk" else "document__approved_version_id")

    def lawful_of_approved():
        return models.ReviewRound.objects.filter(document_id=doc, outcome="lawful", version_id=approved)

    return {
        # R4: comments whose handling is not yet recorded; all comments (for the adoption summary)
        "undisposed_comments": lambda: _count(models.PublicComment.objects.filter(document_id=doc, disposition="")),
        "public_comments": lambda: _count(models.PublicComment.objects.filter(document_id=doc)),
        # R5: a round paused for missing materials resumes; rounds so far number the next one
        "paused_round": lambda: Exists(models.ReviewRound.objects.filter(document_id=doc, outcome="", paused_on__isnull=False)),
        "rounds": lambda: _count(models.ReviewRound.objects.filter(document_id=doc)),
        # R6: findings of earlier rounds not confirmed resolved
        "pending_findings": lambda: _count(models.ReviewFinding.objects.filter(document_id=doc,
                                                                         status__in=("open", "not_resolved"))),
        # R15: an opinion of the open round awaits a head's signature
        "awaiting_signoff": lambda: Exists(models.Opinion.objects.filter(document_id=doc, review_round__outcome="",
                                                                   status=models.Opinion.Status.AWAITING_SIGNOFF)),
        # R16: an invited adviser has answered in the open round
        "adviser_answered": lambda: Exists(models.AdviserInvitation.objects.filter(
            document_id=doc, review_round__outcome="", answered_at__isnull=False)),
        # R7: a lawful review of exactly the approved text; R8: the day it was decided
        "lawful_review_of_approved": lambda: Exists(lawful_of_approved()),
        "approved_decided_at": lambda: Subquery(lawful_of_approved().order_by("-decided_at").values("decided_at")[:1]),
        # R20: the publication repeals or amends other documents
        "links": lambda: Exists(models.DocumentLink.objects.filter(source_id=doc)),
    }




def annotations(names, *, ref: str = "pk") -> dict:
    """``{"fact_<name>": expression}`` for a queryset's ``annotate``."""
    expressions = _expressions(ref)
    return {f"fact_{name}": expressions[name]() for name in names}


def get(document, name: str):
    """The fact as loaded with the document (or made known by the act), else read now."""
    value = getattr(document, f"fact_{name}", _MISSING)
    if value is _MISSING:
        value = (_model("Document").objects.filter(pk=document.pk).annotate(**annotations([name]))
                 .values_list(f"fact_{name}", flat=True).first())
    return value


def know(document, name: str, value) -> None:
    """What this act has just made the fact be."""
    setattr(document, f"fact_{name}", value)
