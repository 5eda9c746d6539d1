"""Thin Celery wrappers over registry.services (logic testable without a broker)."""
from celery import shared_task

from registry import services


@shared_task(name="registry.expire_documents")
def expire_documents() -> int:
    """Idempotent (a document expires once), hence safe to run again after a lost worker."""
    return len(services.expire_due_documents())
