"""The registry's writes: 统一登记、统一编号、统一公布 (R8–R10), filing (R11), validity (R12).

The document's own transitions (register, publish, file_record, repeal, expire) live on the
model; these services lock, check and log through ``review.services`` and do the numbering
and dates around them.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications import planning
from review import bounds, history, rules
from review.errors import Forbidden, InvalidInput, InvalidTransition, RuleViolation
from review.models import Document
from review.rules import today
from review.working_days import add_months, add_years
from review.services import check_rules, guard, lock_document, proceed
from registry.models import Evaluation, NumberSequence, RegistryEntry


def format_number(issuer, year, seq) -> str:
    return issuer.effective_number_template.format(prefix=issuer.number_prefix, year=year, seq=seq)


def format_registration_code(issuer, year, seq) -> str:
    template = issuer.registration_code_template
    return template.format(prefix=issuer.number_prefix, year=year, seq=seq) if template else ""


def number_allocate(*, issuer, year, document=None) -> RegistryEntry:
    """The next number of ``issuer``'s sequence for ``year`` (R9): unique and gapless.

    One statement takes the number (``UPDATE … SET last_seq = last_seq + 1 … RETURNING``) and
    writes its registry entry; the sequence row stays locked to the end of the transaction, so
    concurrent allocations queue on it, and a rollback returns the number: no hole is left.
    The first number of a year creates the row (concurrent creators agree through the unique
    constraint)."""
    if not issuer.number_prefix:
        raise RuleViolation(f"{issuer.name}未设置文号前缀，不能编号", code="no_number_prefix")
    entry = _take_next(issuer, year, document)
    if entry is None:
        NumberSequence.objects.bulk_create([NumberSequence(issuer=issuer, year=year)], ignore_conflicts=True)
        entry = _take_next(issuer, year, document)
    return entry


# The number's text is made in SQL from the issuer's template, so that taking the number and
# recording it is one round trip while the sequence row is locked.
_TAKE_NEXT = f"""
WITH taken AS (
    UPDATE {NumberSequence._meta.db_table} SET last_seq = last_seq + 1
    WHERE issuer_id = %(issuer)s AND year = %(year)s RETURNING last_seq)
INSERT INTO {RegistryEntry._meta.db_table}
    (issuer_id, year, seq, number, registration_code, document_id, status, void_reason, allocated_at)
SELECT %(issuer)s, %(year)s, last_seq,
       REPLACE(REPLACE(REPLACE(%(template)s, '{{prefix}}', %(prefix)s), '{{year}}', %(year_text)s), '{{seq}}',
               CAST(last_seq AS TEXT)),
       CASE WHEN %(code)s = '' THEN '' ELSE
       REPLACE(REPLACE(REPLACE(%(code)s, '{{prefix}}', %(prefix)s), '{{year}}', %(year_text)s), '{{seq}}',
               CAST(last_seq AS TEXT)) END,
       %(document)s, 'allocated', '', %(now)s
FROM taken RETURNING id, seq, number, registration_code"""


def _take_next(issuer, year, document) -> RegistryEntry | None:
    now = timezone.now()
    if connection.vendor != "postgresql":  # SQLite has no UPDATE inside WITH: two statements
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {NumberSequence._meta.db_table} SET last_seq = last_seq + 1 "
                           "WHERE issuer_id = %s AND year = %s RETURNING last_seq", [issuer.pk, year])
            row = cursor.fetchone()
        if row is None:
            return None
        seq = row[0]
        return RegistryEntry.objects.create(
            issuer=issuer, year=year, seq=seq, number=format_number(issuer, year, seq),
            registration_code=format_registration_code(issuer, year, seq), document=document, allocated_at=now)
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NEXT, {
            "issuer": issuer.pk, "year": year, "year_text": str(year), "prefix": issuer.number_prefix,
            "template": issuer.effective_number_template, "code": issuer.registration_code_template,
            "document": document.pk if document else None, "now": now})
        row = cursor.fetchone()
    if row is None:
        return None
    entry_id, seq, number, code = row
    entry = RegistryEntry(id=entry_id, issuer=issuer, year=year, seq=seq, number=number, registration_code=code,
                          document=document, status=RegistryEntry.Status.ALLOCATED, allocated_at=now)
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


@transaction.atomic
def document_register(*, actor, document_id, meeting, deliberated_on: dt.date) -> Document:
    """统一登记 (R8, R9): record the collective deliberation, then allocate the number."""
    bounds.require_past_date(deliberated_on, "审议日期")
    document = lock_document(actor, document_id)
    guard(document, "register", actor)
    document.deliberation_meeting = (meeting or "").strip()
    document.deliberated_on = deliberated_on
    # Conditions R7/R8 are checked before a number is taken, so a refusal uses up no number.
    check_rules(document, "register")
    entry = number_allocate(issuer=document.issuer, year=today().year, document=document)
    proceed(document, "register", actor, number=entry.number,
            opinion=f"{document.deliberation_meeting}（{deliberated_on:%Y-%m-%d}）审议通过；编号{entry.number}",
            then=lambda: planning.cancel_open_reminders(document, kinds=planning.REGISTRATION_KINDS))
    return document


@transaction.atomic
def document_publish(*, actor, document_id, channel, published_on: dt.date | None = None,
                     effective_from: dt.date | None = None) -> Document:
    """统一公布 (R10); validity (R12) runs from the effective date."""
    document = lock_document(actor, document_id)
    guard(document, "publish", actor)
    if channel not in Document.Channel.values:
        raise InvalidInput("公布载体须为：政府公报、政府网站或政务新媒体")
    document.publication_channel = channel
    document.published_on = published_on or today()
    document.effective_from = effective_from or document.published_on
    if document.effective_from < document.published_on:
        raise InvalidInput("施行日期不能早于公布日期")
    bounds.require_publication_dates(document, document.published_on, document.effective_from)
    if document.validity_years:
        # The last day of validity: 5 years from 2026-04-01 run to 2031-03-31 inclusive.
        document.expires_on = add_years(document.effective_from, document.validity_years) - dt.timedelta(days=1)
        document.evaluation_due_on = add_months(document.expires_on, -settings.RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY)
    else:
        document.evaluation_due_on = add_years(document.effective_from, settings.RULE_R12_EVALUATE_EVERY_YEARS)
    def record():
        RegistryEntry.objects.filter(document=document, number=document.number).update(
            status=RegistryEntry.Status.PUBLISHED)
        planning.plan_after_publication(document)

    proceed(document, "publish", actor, then=record,
            opinion=f"{document.get_publication_channel_display()}，{document.published_on:%Y-%m-%d}公布")
    return document


@transaction.atomic
def document_file_record(*, actor, document_id, filed_with, filed_on: dt.date, reference="") -> Document:
    """备案 (R11) with the higher authority."""
    document = lock_document(actor, document_id)
    guard(document, "file_record", actor)
    filed_with = (filed_with or "").strip()
    if not filed_with:
        raise InvalidInput("请填写备案机关")
    if filed_on > today() or (document.published_on and filed_on < document.published_on):
        raise InvalidInput("备案日期须在公布日期之后且不晚于今天")
    proceed(document, "file_record", actor, opinion=f"报{filed_with}备案（{filed_on:%Y-%m-%d}）",
            filed_with=filed_with, filed_on=filed_on, reference=reference or "",
            then=lambda: planning.cancel_open_reminders(document, kinds=planning.FILING_KINDS))
    return document


@transaction.atomic
def document_repeal(*, actor, document_id, reason, decision_ref) -> Document:
    document = lock_document(actor, document_id)
    guard(document, "repeal", actor)
    reason, decision_ref = (reason or "").strip(), (decision_ref or "").strip()
    if not reason or not decision_ref:
        raise InvalidInput("请填写废止理由和废止决定文号")
    document.closing_reason, document.repeal_decision_ref = reason, decision_ref
    proceed(document, "repeal", actor, opinion=f"{reason}（{decision_ref}）",
            then=lambda: planning.cancel_open_reminders(document))
    return document


@transaction.atomic
def document_void_number(*, actor, document_id, reason) -> Document:
    """作废编号 (R9): a number is never reused; its entry stays in the registry, voided, with why."""
    reason = (reason or "").strip()
    document = lock_document(actor, document_id)
    guard(document, "void_number", actor)
    if not reason:
        raise InvalidInput("请填写作废理由")
    number = document.number
    proceed(document, "void_number", actor, opinion=f"作废编号{number}：{reason}" if number else reason)
    RegistryEntry.objects.filter(document=document, number=number).update(
        status=RegistryEntry.Status.VOIDED, void_reason=reason)
    return document


@transaction.atomic
def document_record_evaluation(*, actor, document_id, outcome, evaluated_on: dt.date, notes="") -> Evaluation:
    """实施情况评估 (R12): the next one falls due RULE_R12_EVALUATE_EVERY_YEARS later for a
    document without a validity period; one with a validity period is not evaluated again."""
    document = lock_document(actor, document_id)
    if not rules.registrar(document, actor):
        raise Forbidden("只有登记人员可以记录评估结果")
    if document.state != Document.State.PUBLISHED:
        raise InvalidTransition(f"文件当前状态为“{document.get_state_display()}”，不能记录评估")
    if outcome not in Evaluation.Outcome.values:
        raise InvalidInput("评估结论须为：继续有效、修改或废止")
    if evaluated_on > today() or evaluated_on < document.published_on:
        raise InvalidInput("评估日期须在公布日期之后且不晚于今天")
    evaluation = Evaluation.objects.create(document=document, outcome=outcome, evaluated_on=evaluated_on,
                                           notes=(notes or "").strip(), evaluator=actor)
    document.evaluation_due_on = (None if document.expires_on
                                  else add_years(evaluated_on, settings.RULE_R12_EVALUATE_EVERY_YEARS))
    document.save(update_fields=["evaluation_due_on", "updated_at"])
    history.append(document=document, action="record_evaluation", from_state=document.state,
                   to_state=document.state, actor=actor,
                   opinion=f"{evaluation.get_outcome_display()}：{evaluation.notes}".rstrip("："))
    planning.after_evaluation(document)
    return evaluation


def expire_due_documents() -> list[int]:
    """有效期届满 (R12), run daily by the beat schedule: every published document whose last day of
    validity lies before today (Asia/Shanghai) becomes ``expired``, each in its own transaction
    with one history row by the system. Running it twice, or twice at once, expires each once."""
    expired = []
    due = Document.objects.filter(state=Document.State.PUBLISHED, expires_on__lt=today()).values_list("pk", flat=True)
    for document_id in list(due):
        with transaction.atomic():
            document = (Document.objects.select_for_update(of=("self",))
                        .select_related("current_version", "approved_version").get(pk=document_id))
            if document.state != Document.State.PUBLISHED:
                continue  # another run got there first
            proceed(document, "expire", None, opinion=f"有效期至{document.expires_on:%Y-%m-%d}，已届满")
            planning.cancel_open_reminders(document)
            expired.append(document_id)
    return expired
