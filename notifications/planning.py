"""Planning reminders, in the transaction of the transition that creates the deadline.

``review.services`` and ``registry.services`` call these (one line per hook); nothing here
imports ``review`` or ``registry``. Each function writes its rows with one
``bulk_create(ignore_conflicts=True)``, so planning twice is harmless (the unique key), and
cancelling deletes only *unsent* rows (what was delivered stays on record).

Limits are settings (DESIGN §1): RULE_R5_REMIND_WORKING_DAYS_BEFORE_DUE,
RULE_R9_REGISTER_WITHIN_WORKING_DAYS, RULE_R11_FILING_DAYS, RULE_R11_REMIND_DAYS_BEFORE_FILING_DUE,
RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY, RULE_R12_EVALUATE_EVERY_YEARS.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.jurisdiction import Jurisdiction
from accounts.models import REVIEW_ROLES, Role
from core.calendar import Calendar
from notifications.models import Kind, Reminder

logger = logging.getLogger(__name__)

SWEEP_TASK = "notifications.sweep_reminders"

REVIEW_KINDS = (Kind.REVIEW_DUE_SOON, Kind.REVIEW_OVERDUE)
SIGNOFF_KINDS = (Kind.SIGNOFF_WAITING,)
FILING_KINDS = (Kind.FILING_DUE, Kind.FILING_OVERDUE)
REGISTRATION_KINDS = (Kind.REGISTRATION_PENDING,)
COMMENT_KINDS = (Kind.COMMENT_PERIOD_CLOSED,)
CORRECTION_KINDS = (Kind.CORRECTION_ANSWER_DUE,)


def _setting(name, default):
    return getattr(settings, name, default)


def working_days_before(cal, day: dt.date, n: int) -> dt.date:
    """The working day n working days before ``day`` (core.calendar's)."""
    return cal.working_days_before(day, n)


# --- recipients ---------------------------------------------------------------------------
def _users(**filters) -> list[int]:
    return list(get_user_model().objects.filter(is_active=True, **filters).values_list("pk", flat=True))


def _review_body(document) -> int | None:
    return Jurisdiction().review_body_of(document.issuer_id)


def heads_of(document) -> list[int]:
    """R14/R15: the review heads of the document's review body (nobody else's)."""
    body = _review_body(document)
    return _users(role=Role.REVIEW_HEAD, organisation_id=body) if body else []


def review_recipients(document, review_round) -> tuple[list[int], list[int]]:
    """(due-soon, overdue) recipients of a round: its handler, or the body's heads while it is
    unassigned; when overdue, the handler and the heads. In a body without heads, its reviewers."""
    heads = heads_of(document)
    if review_round.handler_id:
        return [review_round.handler_id], list(dict.fromkeys([review_round.handler_id, *heads]))
    if not heads:  # a small bureau without heads (sign-off off): every reviewer of the body
        body = _review_body(document)
        reviewers = _users(role__in=REVIEW_ROLES, organisation_id=body) if body else []
        return reviewers, reviewers
    return heads, heads


def registrars_of(document) -> list[int]:
    """R14: the registrars of the issuer's registry office."""
    office = Jurisdiction().registry_office_of(document.issuer_id)
    return _users(role=Role.REGISTRAR, organisation_id=office) if office else []


def reviewers_at(org_id) -> list[int]:
    """R19: the reviewers and review heads of a filing's recipient (a justice bureau or a congress)."""
    return _users(role__in=REVIEW_ROLES, organisation_id=org_id) if org_id else []


def heads_at(org_id) -> list[int]:
    """The review heads of an organisation; in one without heads, its reviewers."""
    heads = _users(role=Role.REVIEW_HEAD, organisation_id=org_id) if org_id else []
    return heads or reviewers_at(org_id)


def drafters_of(document) -> list[int]:
    return _users(role=Role.DRAFTER, organisation_id=document.drafting_org_id)


# --- writing the plan ---------------------------------------------------------------------
def plan(document, plans: Iterable[tuple[str, dt.date]], recipients: list[int]) -> int:
    """Insert one reminder per (kind, due_on) × recipient; existing keys are left alone.
    Returns the number of rows offered. If one is already due, a sweep is requested on commit."""
    rows = [Reminder(document_id=document.pk, kind=kind, due_on=due_on, recipient_id=user_id)
            for kind, due_on in plans for user_id in recipients]
    if not rows:
        return 0
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    if min(r.due_on for r in rows) <= timezone.localdate():
        request_sweep()
    return len(rows)


def cancel_open_reminders(document, kinds: Iterable[str] | None = None) -> int:
    """Delete the unsent reminders of ``document`` (of ``kinds``, or all) that no longer apply."""
    rows = Reminder.objects.filter(document_id=document.pk, sent_at__isnull=True)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    deleted, _ = rows.delete()
    return deleted


def plan_after_submission(document, review_round) -> int:
    cancel_open_reminders(document, kinds=COMMENT_KINDS)
    return plan_review_reminders(document, review_round)


def plan_review_reminders(document, review_round) -> int:
    """R5: the round's people (review_recipients) are told on the working day N working days
    before it is due (review_due_soon), and on the first working day after it (review_overdue;
    the sweep repeats that one each working day while the document stays in review). Replanned
    when the round is assigned, reassigned or extended: what no longer applies is deleted."""
    cancel_open_reminders(document, kinds=REVIEW_KINDS)
    cal = Calendar()
    due = review_round.due_on
    soon = cal.working_days_before(due, _setting("RULE_R5_REMIND_WORKING_DAYS_BEFORE_DUE", 3))
    overdue = cal.add_working_days(due, 1).date
    soon_to, overdue_to = review_recipients(document, review_round)
    return (plan(document, [(Kind.REVIEW_DUE_SOON, soon)], soon_to)
            + plan(document, [(Kind.REVIEW_OVERDUE, overdue)], overdue_to))


def plan_signoff(document, opinion) -> int:
    """R15: the body's heads are told at once that an opinion awaits their signature."""
    return plan(document, [(Kind.SIGNOFF_WAITING, timezone.localdate())], heads_of(document))


def cancel_signoff(document) -> int:
    return cancel_open_reminders(document, kinds=SIGNOFF_KINDS)


def plan_adviser_opinion(document, invitation) -> int:
    """R16: the invited adviser is told at once."""
    return plan(document, [(Kind.ADVISER_OPINION_DUE, timezone.localdate())], [invitation.adviser_id])


def cancel_adviser_opinion(document, adviser) -> int:
    return Reminder.objects.filter(document_id=document.pk, kind=Kind.ADVISER_OPINION_DUE, recipient_id=adviser.pk,
                                   sent_at__isnull=True).delete()[0]


def plan_after_comment_opened(document) -> int:
    """R2/R3: the drafting department's drafters, the day after the comment period closes."""
    if document.comment_closes_on is None:
        return 0
    cancel_open_reminders(document, kinds=COMMENT_KINDS)
    closed = document.comment_closes_on + dt.timedelta(days=1)
    return plan(document, [(Kind.COMMENT_PERIOD_CLOSED, closed)], drafters_of(document))


def plan_after_approval(document) -> int:
    """R6: the review reminders end. A normative document now waits for registration (R8/R9):
    registrars are told when it has waited more than N working days."""
    cancel_open_reminders(document, kinds=REVIEW_KINDS)
    if document.state != "registration":
        return 0
    cal = Calendar()
    limit = _setting("RULE_R9_REGISTER_WITHIN_WORKING_DAYS", 5)
    pending = cal.add_working_days(timezone.localdate(), limit + 1).date
    return plan(document, [(Kind.REGISTRATION_PENDING, pending)], registrars_of(document))


def plan_after_publication(document) -> int:
    """R11: filing due (N days before the deadline) and overdue (the day after it).
    R12: with a validity period, the evaluation N months before expiry (validity_expiring);
    without one, the evaluation at the latest every N years (evaluation_overdue)."""
    cancel_open_reminders(document, kinds=REGISTRATION_KINDS)
    deadline = document.filing_due_on
    plans = []
    if deadline and document.filed_on is None:
        before = _setting("RULE_R11_REMIND_DAYS_BEFORE_FILING_DUE", 5)
        plans += [(Kind.FILING_DUE, deadline - dt.timedelta(days=before)),
                  (Kind.FILING_OVERDUE, deadline + dt.timedelta(days=1))]
    # R12: the registry computed both dates when it published (review.rules.validity_dates).
    if document.expires_on:
        plans.append((Kind.VALIDITY_EXPIRING, document.evaluation_due_on))
    elif document.evaluation_due_on:
        plans.append((Kind.EVALUATION_OVERDUE, document.evaluation_due_on))
    return plan(document, plans, registrars_of(document))


# --- asking the worker for a sweep now (never blocking a transition) ----------------------
def request_sweep() -> None:
    """Publish a sweep once the current transaction commits. A transition never waits on the
    broker: the publish is short, swallows and logs its errors, and the periodic sweep
    (CELERY_BEAT_SCHEDULE) catches up whatever a failed publish left behind."""
    transaction.on_commit(publish_sweep)


def publish_sweep(*, queue: str | None = None):
    """One short attempt to send the sweep task; returns the AsyncResult, or None on failure."""
    try:
        from celery import current_app

        app = current_app._get_current_object()
        if app.conf.task_always_eager:
            from notifications.tasks import sweep_reminders

            return sweep_reminders.apply()
        timeout = float(_setting("NOTIFICATIONS_BROKER_TIMEOUT", 1.0))
        url = getattr(settings, "CELERY_BROKER_URL", None) or None
        queue = queue or getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None) or app.conf.task_default_queue
        options = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
        with app.connection_for_write(url, connect_timeout=timeout, transport_options=options) as conn:
            return app.send_task(SWEEP_TASK, connection=conn, queue=queue, retry=False)
    except Exception as exc:  # the broker is down or slow: the periodic sweep will do it
        logger.warning("提醒发送任务未能投递到消息队列，将由定时任务补发：%s: %s", type(exc).__name__, exc)
        return None


EVALUATION_KINDS = (Kind.VALIDITY_EXPIRING, Kind.EVALUATION_OVERDUE)


def after_evaluation(document) -> int:
    """R12: an evaluation is recorded; the next one (if any) is due on evaluation_due_on."""
    cancel_open_reminders(document, kinds=EVALUATION_KINDS)
    if document.evaluation_due_on is None:
        return 0
    return plan(document, [(Kind.EVALUATION_OVERDUE, document.evaluation_due_on)], registrars_of(document))


# --- 备案审查 (R19): people of the recipient and of the issuer ----------------------------------
def _before(due_on: dt.date) -> dt.date:
    return due_on - dt.timedelta(days=_setting("RULE_R19_REMIND_DAYS_BEFORE_DUE", 5))


def plan_filing_review(document, recipient_id: int, due_on: dt.date) -> int:
    """An accepted filing: the recipient's reviewers, N days before the review is due."""
    return plan(document, [(Kind.FILING_REVIEW_DUE, _before(due_on))], reviewers_at(recipient_id))


def cancel_filing_review(document, recipient_id: int) -> int:
    return Reminder.objects.filter(document_id=document.pk, kind=Kind.FILING_REVIEW_DUE, sent_at__isnull=True,
                                   recipient_id__in=reviewers_at(recipient_id)).delete()[0]


def plan_correction_answer(document, due_on: dt.date) -> int:
    """A correction ordered: the issuer's registrars, N days before the answer is due."""
    return plan(document, [(Kind.CORRECTION_ANSWER_DUE, _before(due_on))], registrars_of(document))


def cancel_correction_answer(document) -> int:
    return cancel_open_reminders(document, kinds=CORRECTION_KINDS)


def plan_escalation(document, recipient_id: int) -> int:
    """An answer not accepted: the recipient's heads, at once."""
    return plan(document, [(Kind.FILING_ESCALATED, timezone.localdate())], heads_at(recipient_id))


def plan_request_reply(document, recipient_id: int, due_on: dt.date) -> int:
    """A review request received: the recipient's reviewers, N days before the reply is due."""
    return plan(document, [(Kind.REVIEW_REQUEST_DUE, _before(due_on))], reviewers_at(recipient_id))


def cancel_request_reply(document, recipient_id: int) -> int:
    """Only when no other request of the document to that recipient still waits."""
    if document.review_requests.filter(recipient_id=recipient_id, state="received").exists():
        return 0
    return Reminder.objects.filter(document_id=document.pk, kind=Kind.REVIEW_REQUEST_DUE, sent_at__isnull=True,
                                   recipient_id__in=reviewers_at(recipient_id)).delete()[0]
