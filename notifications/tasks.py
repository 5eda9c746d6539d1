"""Celery wrappers only: the work is in ``notifications.sweep`` (plain, testable functions)."""
from celery import shared_task

from notifications.sweep import run_sweep


@shared_task(name="notifications.sweep_reminders")
def sweep_reminders() -> int:
    """Deliver every due reminder exactly once; run by beat and on commit of a transition."""
    return run_sweep()
