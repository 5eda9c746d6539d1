"""Celery wrappers only: the work is in ``review.history`` (plain, testable functions)."""
from celery import shared_task

from review.history import seal_pending


@shared_task(name="review.seal_audit_log")
def seal_audit_log() -> int:
    """Seal the history rows written since the last seal (beat, every AUDIT_SEAL_SECONDS)."""
    seal = seal_pending()
    return seal.rows if seal else 0
