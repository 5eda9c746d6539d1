"""Planning reminders, in the transaction of the transition that creates the deadline.

``review.services`` and ``registry.services`` call these (one line per hook); nothing here
imports ``review`` or ``registry``. Each function writes its rows with one INSERT … SELECT that
names the recipients in SQL (``Audience``) and skips existing keys, so planning twice is
harmless and a plan costs one statement however many people it reaches (issue 19); cancelling
deletes only *unsent* rows (what was delivered stays on record), also in one statement.

Limits are settings (DESIGN §1): RULE_R5_REMIND_WORKING_DAYS_BEFORE_DUE,
RULE_R9_REGISTER_WITHIN_WORKING_DAYS, RULE_R11_FILING_DAYS, RULE_R11_REMIND_DAYS_BEFORE_FILING_DUE,
RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY, RULE_R12_EVALUATE_EVERY_YEARS.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
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


# --- recipients: who, as SQL (one statement writes a whole plan) --------------------------
@dataclass(frozen=True)
class Audience:
    """Who is told: the given users, or the active users of ``org_id`` holding one of ``roles``
    (and, where nobody holds one, those holding one of ``fallback``). Resolved inside the INSERT
    that writes the reminders, so naming them costs no query of its own."""

    users: tuple[int, ...] = ()
    org_id: int | None = None
    roles: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()

    def select(self, kind: str, due_on: dt.date) -> tuple[str, list]:
        """SQL selecting (kind, due_on, recipient_id) rows, and its parameters."""
        users = connection.ops.quote_name(get_user_model()._meta.db_table)
        day = connection.ops.adapt_datefield_value(due_on)
        date = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
        if self.users:
            marks = ", ".join(["%s"] * len(self.users))
            return (f"SELECT %s AS kind, {date} AS due_on, u.id AS recipient_id FROM {users} u "
                    f"WHERE u.id IN ({marks})", [kind, day, *self.users])
        if self.org_id is None or not self.roles:
            return "", []
        roles = ", ".join(["%s"] * len(self.roles))
        where, params = f"u.role IN ({roles})", list(self.roles)
        if self.fallback:
            fallback = ", ".join(["%s"] * len(self.fallback))
            where = (f"({where} OR (u.role IN ({fallback}) AND NOT EXISTS (SELECT 1 FROM {users} h "
                     f"WHERE h.is_active AND h.organisation_id = %s AND h.role IN ({roles}))))")
            params += [*self.fallback, self.org_id, *self.roles]
        return (f"SELECT %s AS kind, {date} AS due_on, u.id AS recipient_id FROM {users} u "
                f"WHERE u.is_active AND u.organisation_id = %s AND {where}", [kind, day, self.org_id, *params])


def _review_body(document) -> int | None:
    return Jurisdiction().review_body_of(document.issuer_id)


def heads_of(document) -> Audience:
    """R14/R15: the review heads of the document's review body (nobody else's)."""
    return Audience(org_id=_review_body(document), roles=(Role.REVIEW_HEAD,))


def review_recipients(document, review_round) -> tuple[list[Audience], list[Audience]]:
    """(due-soon, overdue) recipients of a round: its handler, or the body's heads while it is
    unassigned; when overdue, the handler and the heads. In a body without heads, its reviewers."""
    if review_round.handler_id:
        handler = Audience(users=(review_round.handler_id,))
        return [handler], [handler, heads_of(document)]
    heads_or_reviewers = Audience(org_id=_review_body(document), roles=(Role.REVIEW_HEAD,), fallback=tuple(REVIEW_ROLES))
    return [heads_or_reviewers], [heads_or_reviewers]


def registrars_of(document) -> Audience:
    """R14: the registrars of the issuer's registry office."""
    return Audience(org_id=Jurisdiction().registry_office_of(document.issuer_id), roles=(Role.REGISTRAR,))


def reviewers_at(org_id) -> Audience:
    """R19: the reviewers and review heads of a filing's recipient (a justice bureau or a congress)."""
    return Audience(org_id=org_id, roles=tuple(REVIEW_ROLES))


def heads_at(org_id) -> Audience:
    """The review heads of an organisation; in one without heads, its reviewers."""
    return Audience(org_id=org_id, roles=(Role.REVIEW_HEAD,), fallback=tuple(REVIEW_ROLES))


def drafters_of(document) -> Audience:
    return Audience(org_id=document.drafting_org_id, roles=(Role.DRAFTER,))


# --- writing the plan ---------------------------------------------------------------------
def plan(document, plans: Iterable[tuple[str, dt.date]], recipients) -> int:
    """Every (kind, due_on) of ``plans`` for every recipient (an Audience or a list of them),
    in one INSERT … SELECT; existing keys are left alone (planning twice is harmless). Returns
    the number of (kind, day, audience) parts written. If one is already due, a sweep is
    requested on commit."""
    audiences = [recipients] if isinstance(recipients, Audience) else list(recipients)
    return plan_many(document, [(kind, due_on, audiences) for kind, due_on in plans])


def plan_many(document, parts: Iterable[tuple[str, dt.date, list[Audience]]]) -> int:
    selects, params, days = [], [], []
    for kind, due_on, audiences in parts:
        if due_on is None:
            continue
        for audience in audiences:
            sql, values = audience.select(str(kind), due_on)
            if sql:
                selects.append(sql)
                params += values
                days.append(due_on)
    if not selects:
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Reminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (document_id, kind, due_on, recipient_id, created_at) "
            f"SELECT %s, p.kind, p.due_on, p.recipient_id, %s FROM ({' UNION ALL '.join(selects)}) p "
            "WHERE true ON CONFLICT DO NOTHING",  # WHERE: SQLite's upsert after a SELECT needs one
            [document.pk, now, *params])
    if min(days) <= timezone.localdate():
        request_sweep()
    return len(selects)


def cancel_open_reminders(document, kinds: Iterable[str] | None = None) -> int:
    """Delete the unsent reminders of ``document`` (of ``kinds``, or all) that no longer apply,
    in one statement (an unsent reminder has no inbox message pointing at it). Reminders an act
    leaves behind are also dropped by the sweep when they come due (``sweep.still_applies``):
    acts cancel only what they plan again, so that their cost stays fixed."""
    sql, params = f"DELETE FROM {Reminder._meta.db_table} WHERE document_id = %s AND sent_at IS NULL", [document.pk]
    if kinds is not None:
        kinds = [str(kind) for kind in kinds]
        sql += f" AND kind IN ({', '.join(['%s'] * len(kinds))})"
        params += kinds
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def plan_after_submission(document, review_round, *, resumed: bool = False) -> int:
    """R5: the new round's reminders, replacing what an earlier round or the comment period
    (R2/R3) left unsent. The first round of a draft never opened for comment has none of
    those, and costs no DELETE. ``resumed``: the round was paused for materials (R5)."""
    earlier = resumed or review_round.round_no > 1
    if earlier or document.comment_opened_on is not None or document.comment_closes_on is not None:
        cancel_open_reminders(document, kinds=(*COMMENT_KINDS, *REVIEW_KINDS))
    return _plan_review(document, review_round)


def plan_review_reminders(document, review_round) -> int:
    """R5: the round's people (review_recipients) are told on the working day N working days
    before it is due (review_due_soon), and on the first working day after it (review_overdue;
    the sweep repeats that one each working day while the document stays in review). Replanned
    when the round is assigned, reassigned or extended: what no longer applies is deleted."""
    cancel_open_reminders(document, kinds=REVIEW_KINDS)
    return _plan_review(document, review_round)


def _plan_review(document, review_round) -> int:
    cal = Calendar()
    due = review_round.due_on
    soon = cal.working_days_before(due, _setting("RULE_R5_REMIND_WORKING_DAYS_BEFORE_DUE", 3))
    overdue = cal.add_working_days(due, 1).date
    soon_to, overdue_to = review_recipients(document, review_round)
    return plan_many(document, [(Kind.REVIEW_DUE_SOON, soon, soon_to), (Kind.REVIEW_OVERDUE, overdue, overdue_to)])


def plan_signoff(document, opinion) -> int:
    """R15: the body's heads are told at once that an opinion awaits their signature."""
    return plan(document, [(Kind.SIGNOFF_WAITING, timezone.localdate())], heads_of(document))


def cancel_signoff(document) -> int:
    return cancel_open_reminders(document, kinds=SIGNOFF_KINDS)


def plan_adviser_opinion(document, invitation) -> int:
    """R16: the invited adviser is told at once."""
    return plan(document, [(Kind.ADVISER_OPINION_DUE, timezone.localdate())], Audience(users=(invitation.adviser_id,)))


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
    """R6: the review reminders end (the sweep drops them: the document has left review). A
    normative document now waits for registration (R8/R9): registrars are told when it has
    waited more than N working days."""
    if document.state != "registration":
        return 0
    cal = Calendar()
    limit = _setting("RULE_R9_REGISTER_WITHIN_WORKING_DAYS", 5)
    pending = cal.add_working_days(timezone.localdate(), limit + 1).date
    return plan(document, [(Kind.REGISTRATION_PENDING, pending)], registrars_of(document))


def plan_after_publication(document) -> int:
    """R11: filing due (N days before the deadline) and overdue (the day after it).
    R12: with a validity period, the evaluation N months before expiry (validity_expiring);
    without one, the evaluation at the latest every N years (evaluation_overdue). The
    registration reminder ends (the sweep drops it: the document has its number)."""
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
    rows = Reminder.objects.filter(document_id=document.pk, kind=Kind.FILING_REVIEW_DUE, sent_at__isnull=True,
                                   recipient__organisation_id=recipient_id, recipient__role__in=REVIEW_ROLES)
    return rows.delete()[0]


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
    rows = Reminder.objects.filter(document_id=document.pk, kind=Kind.REVIEW_REQUEST_DUE, sent_at__isnull=True,
                                   recipient__organisation_id=recipient_id, recipient__role__in=REVIEW_ROLES)
    return rows.delete()[0]
