"""The periodic sweep: deliver every due reminder exactly once (DESIGN §5).

``run_sweep`` claims due, unsent rows in batches with ``SELECT … FOR UPDATE SKIP LOCKED``
(PostgreSQL: two sweeps at once take disjoint rows; a row another sweep has just sent no longer
matches ``sent_at IS NULL``). On SQLite the settings open every transaction with BEGIN
IMMEDIATE, so two sweeps' batches simply queue. Per batch, in one transaction: claim, drop the
rows that no longer apply, write the inbox messages, mark ``sent_at``, plan the next
overdue-review reminder. A fixed handful of queries per batch, whatever its size.

E-mail goes out after the batch commits (never while holding the locks, and never for a
batch that rolled back): the inbox is exactly-once, the e-mail at most once and best effort.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.utils import timezone

from core.calendar import Calendar
from notifications.models import InboxMessage, Kind, Reminder

logger = logging.getLogger(__name__)

# The state a document must still be in for a reminder of each kind to mean anything (the
# document's related rows are read through its reverse relations: no import of review).
_APPLIES_TO_RECIPIENT = {
    Kind.SIGNOFF_WAITING: lambda r: r.document.state == "legality_review"
    and r.document.opinions.filter(status="awaiting_signoff").exists(),
    Kind.ADVISER_OPINION_DUE: lambda r: r.document.state == "legality_review"
    and r.document.adviser_invitations.filter(adviser_id=r.recipient_id, answered_at__isnull=True).exists(),
    # R19: the filing or request of the recipient's organisation still waits (rows prefetched
    # per batch: see _claim)
    Kind.FILING_REVIEW_DUE: lambda r: any(
        f.recipient_id == r.recipient.organisation_id and f.state == "under_review" for f in r.document.filings.all()),
    Kind.FILING_ESCALATED: lambda r: any(
        f.recipient_id == r.recipient.organisation_id and f.state == "correction_required" and f.escalated_on
        for f in r.document.filings.all()),
    Kind.REVIEW_REQUEST_DUE: lambda r: any(
        q.recipient_id == r.recipient.organisation_id and q.state == "received"
        for q in r.document.review_requests.all()),
}
_APPLIES = {
    Kind.REVIEW_DUE_SOON: lambda d: d.state == "legality_review" and d.review_due_at is not None,
    Kind.REVIEW_OVERDUE: lambda d: d.state == "legality_review" and d.review_due_at is not None,
    Kind.COMMENT_PERIOD_CLOSED: lambda d: d.state == "public_comment" and d.comment_closes_on is not None,
    Kind.REGISTRATION_PENDING: lambda d: d.state == "registration" and not d.number,
    Kind.FILING_DUE: lambda d: d.state == "published" and _filing_outstanding(d),
    Kind.FILING_OVERDUE: lambda d: d.state == "published" and _filing_outstanding(d),
    Kind.CORRECTION_ANSWER_DUE: lambda d: any(f.state == "correction_required" for f in d.filings.all()),
    Kind.VALIDITY_EXPIRING: lambda d: d.state == "published" and d.expires_on is not None,
    Kind.EVALUATION_OVERDUE: lambda d: d.state == "published",
}


def _filing_outstanding(document) -> bool:
    """R11: a filing of the document still waits on the issuer (due, or returned for materials);
    for a document without filings in the system, its v1 filing date is still empty."""
    filings = document.filings.all()
    if any(f.state in ("due", "returned") for f in filings):
        return True
    return document.filed_on is None and not filings


def still_applies(reminder) -> bool:
    if not reminder.recipient.is_active:
        return False
    if reminder.kind in _APPLIES_TO_RECIPIENT:
        return _APPLIES_TO_RECIPIENT[reminder.kind](reminder)
    check = _APPLIES.get(reminder.kind)
    return check is None or check(reminder.document)


def compose(reminder) -> tuple[str, str]:
    """(title, body) of the message, in the clerk's language."""
    doc = reminder.document
    name = f"《{doc.title}》" + (f"（{doc.number}）" if doc.number else "")
    kind = Kind(reminder.kind)
    if kind == Kind.REVIEW_DUE_SOON:
        body = f"{name}的合法性审核期限为{doc.review_due_at:%Y年%m月%d日}，请按期出具审核意见。"
    elif kind == Kind.REVIEW_OVERDUE:
        body = f"{name}的合法性审核已超过期限（{doc.review_due_at:%Y年%m月%d日}），请尽快出具审核意见。"
    elif kind == Kind.SIGNOFF_WAITING:
        body = f"{name}的审核意见已由承办人拟写，等待您签发或退回修改。"
    elif kind == Kind.ADVISER_OPINION_DUE:
        body = f"您受邀就{name}的合法性审核出具书面法律意见，请在审核期限{doc.review_due_at:%Y年%m月%d日}前出具。" \
            if doc.review_due_at else f"您受邀就{name}的合法性审核出具书面法律意见。"
    elif kind == Kind.COMMENT_PERIOD_CLOSED:
        body = f"{name}的公开征求意见期已于{doc.comment_closes_on:%Y年%m月%d日}结束，请汇总意见采纳情况后报送合法性审核。"
    elif kind == Kind.REGISTRATION_PENDING:
        body = f"{name}已通过合法性审核，尚未统一登记编号，请及时提请集体审议并登记。"
    elif kind in (Kind.FILING_DUE, Kind.FILING_OVERDUE):
        deadline = doc.filing_due_on
        when = f"{deadline:%Y年%m月%d日}" if deadline else "规定期限"
        verb = "已超过备案期限" if kind == Kind.FILING_OVERDUE else "备案期限将至"
        body = f"{name}{verb}（应于{when}前报送备案），请及时报送备案。"
    elif kind == Kind.FILING_REVIEW_DUE:
        due = next((f.review_due_on for f in doc.filings.all()
                    if f.recipient_id == reminder.recipient.organisation_id), None)
        body = f"报送本机关备案的{name}，备案审查期限为{due:%Y年%m月%d日}，请按期作出审查结论。" if due else \
            f"报送本机关备案的{name}正在审查，请按期作出审查结论。"
    elif kind == Kind.CORRECTION_ANSWER_DUE:
        due = min((f.correction_due_on for f in doc.filings.all()
                   if f.state == "correction_required" and f.correction_due_on), default=None)
        body = f"备案审查机关要求纠正{name}，请于{due:%Y年%m月%d日}前答复纠正情况（修改、废止或说明理由）。" if due else \
            f"备案审查机关要求纠正{name}，请及时答复纠正情况。"
    elif kind == Kind.FILING_ESCALATED:
        body = f"{name}的制定机关对纠正意见的答复未被认可，请负责人督办。"
    elif kind == Kind.REVIEW_REQUEST_DUE:
        body = f"本机关收到对{name}的审查建议，答复期限将至，请及时审查并答复。"
    elif kind == Kind.VALIDITY_EXPIRING:
        body = f"{name}的有效期至{doc.expires_on:%Y年%m月%d日}，请在届满前开展实施评估，决定是否继续施行。"
    else:
        body = f"{name}已施行满{getattr(settings, 'RULE_R12_EVALUATE_EVERY_YEARS', 5)}年，请开展实施评估。"
    return f"【{kind.label}】{doc.title}"[:200], body


def _claim(today: dt.date, batch_size: int) -> list[Reminder]:
    return list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("document", "recipient")
        # the filings and review requests (R11, R19) whose state says whether a reminder still
        # applies: two queries a batch, through the document's reverse relations
        .prefetch_related("document__filings", "document__review_requests")
        .filter(sent_at__isnull=True, due_on__lte=today)
        .order_by("due_on", "id")[:batch_size]
    )


def _sweep_batch(today: dt.date, batch_size: int, state: dict) -> tuple[int, int, list]:
    """One transaction: (rows claimed, reminders delivered, e-mails to send after commit)."""
    with transaction.atomic():
        claimed = _claim(today, batch_size)
        if not claimed:
            return 0, 0, []
        due = [r for r in claimed if still_applies(r)]
        due_ids = {r.pk for r in due}
        stale = [r.pk for r in claimed if r.pk not in due_ids]
        if stale:
            Reminder.objects.filter(pk__in=stale).delete()
        now = timezone.now()
        messages, mails = [], []
        for reminder in due:
            title, body = compose(reminder)
            messages.append(InboxMessage(recipient_id=reminder.recipient_id, reminder=reminder,
                                         document_id=reminder.document_id, title=title, body=body))
            if reminder.recipient.email:
                mails.append((title, body, settings.DEFAULT_FROM_EMAIL, [reminder.recipient.email]))
        InboxMessage.objects.bulk_create(messages)
        Reminder.objects.filter(pk__in=due_ids).update(sent_at=now)
        _plan_next_overdue(due, today, state)
    return len(claimed), len(due), mails


def _plan_next_overdue(delivered, today, state) -> None:
    """R5: overdue reviews are reminded once per working day while still in review."""
    overdue = [r for r in delivered if r.kind == Kind.REVIEW_OVERDUE]
    if not overdue:
        return
    if "calendar" not in state:
        state["calendar"] = Calendar()
    next_day = state["calendar"].add_working_days(today, 1).date
    Reminder.objects.bulk_create(
        [Reminder(document_id=r.document_id, kind=r.kind, due_on=next_day, recipient_id=r.recipient_id)
         for r in overdue],
        ignore_conflicts=True,
    )


def _send_mails(mails) -> None:
    if not mails:
        return
    try:
        send_mass_mail(mails, fail_silently=False, connection=get_connection())
    except Exception:  # the inbox has the message; mail is best effort
        logger.warning("提醒邮件发送失败（%d封），站内消息已送达", len(mails), exc_info=True)


def run_sweep(today: dt.date | None = None, batch_size: int = 500) -> int:
    """Deliver every reminder due on or before ``today``; returns how many were delivered."""
    today = today or timezone.localdate()
    delivered, state = 0, {}
    while True:
        claimed, sent, mails = _sweep_batch(today, batch_size, state)
        if not claimed:
            return delivered
        delivered += sent
        _send_mails(mails)
