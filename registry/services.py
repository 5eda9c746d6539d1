"""The registry's writes: 统一登记、统一编号、统一公布 (R8–R10), filing (R11), validity (R12).

The document's own transitions (register, publish, file_record, repeal, expire) live on the
model; these services lock, check and log through ``review.services`` and do the numbering
and dates around them.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from core import numbering
from core.calendar import add_years
from core.clock import now, today
from accounts.jurisdiction import Jurisdiction
from accounts.models import Role
from core.errors import Code, Forbidden, InvalidInput, RuleViolation
from notifications import planning
from review import bounds, history, permissions, rules
from review.models import DecisionCatalogueItem, Document
from review.services import check_rules, proceed
from registry.models import Evaluation, RegistryEntry


NUMBER_SCOPE = "document_number"  # R9: the issuer's sequence in core.numbering


def number_allocate(*, issuer, year, document=None) -> RegistryEntry:
    """The next number of ``issuer``'s sequence for ``year`` (R9): unique and gapless, taken from
    the numbering engine in the caller's transaction and written to the registry with it."""
    if not issuer.number_prefix:
        raise RuleViolation(f"{issuer.name}未设置文号前缀，不能编号", code=Code.NO_NUMBER_PREFIX)
    seq = numbering.take_next(scope=NUMBER_SCOPE, owner_id=issuer.pk, year=year)
    fields = dict(prefix=issuer.number_prefix, year=year, seq=seq)
    code_template = issuer.registration_code_template
    return RegistryEntry.objects.create(
        issuer=issuer, year=year, seq=seq, document=document, allocated_at=now(),
        number=numbering.format_number(issuer.effective_number_template, **fields),
        registration_code=numbering.format_number(code_template, **fields) if code_template else "")


@transaction.atomic
def document_register(*, actor, document_id, meeting, deliberated_on: dt.date) -> Document:
    """统一登记 (R8, R9): record the collective deliberation, then allocate the number."""
    bounds.require_past_date(deliberated_on, "审议日期")
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "register")
    document.deliberation_meeting = (meeting or "").strip()
    document.deliberated_on = deliberated_on
    with rules.evaluated_once():
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
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "publish")
    if channel not in Document.Channel.values:
        raise InvalidInput("公布载体须为：政府公报、政府网站或政务新媒体")
    document.publication_channel = channel
    document.published_on = published_on or today()
    document.effective_from = effective_from or document.published_on
    if document.effective_from < document.published_on:
        raise InvalidInput("施行日期不能早于公布日期")
    bounds.require_publication_dates(document, document.published_on, document.effective_from)
    document.expires_on, document.evaluation_due_on = rules.validity_dates(document.effective_from,
                                                                           document.validity_years)
    def record():
        RegistryEntry.objects.filter(document=document, number=document.number).update(
            status=RegistryEntry.Status.PUBLISHED)
        planning.plan_after_publication(document)

    proceed(document, "publish", actor, then=record,
            opinion=f"{document.get_publication_channel_display()}，{document.published_on:%Y-%m-%d}公布")
    return document


@transaction.atomic
def document_record_decision(*, actor, document_id, meeting, decided_on: dt.date, result) -> Document:
    """集体讨论决定 (R17): the government's meeting adopts (``decided``) or rejects the reviewed
    decision; R7 holds: exactly the reviewed text is decided."""
    if result not in ("adopted", "rejected"):
        raise InvalidInput("决策结果须为：adopted（通过）或 rejected（未通过）")
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "record_decision")
    document.decision_meeting, document.decided_on = (meeting or "").strip(), decided_on
    approved = document.review_rounds.filter(outcome="lawful").order_by("-decided_at").values_list(
        "decided_at", flat=True).first()
    if approved and decided_on < approved.date():
        raise InvalidInput("决策日期不能早于合法性审查意见出具日期")
    words = "通过" if result == "adopted" else "未通过"
    proceed(document, "record_decision", actor, adopted=result == "adopted",
            opinion=f"{document.decision_meeting}（{decided_on:%Y-%m-%d}）：{words}")
    return document


@transaction.atomic
def document_publish_decision(*, actor, document_id, channel, published_on: dt.date | None = None) -> Document:
    """决策公开 (R17): the adopted decision is made public, without a registry number (R13)."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "publish_decision")
    if channel not in Document.Channel.values:
        raise InvalidInput("公开载体须为：政府公报、政府网站或政务新媒体")
    document.publication_channel = channel
    document.published_on = published_on or today()
    document.effective_from = document.published_on
    if document.decided_on and document.published_on < document.decided_on:
        raise InvalidInput("公开日期不能早于决策日期")
    proceed(document, "publish_decision", actor,
            opinion=f"{document.get_publication_channel_display()}，{document.published_on:%Y-%m-%d}公开")
    return document


@transaction.atomic
def catalogue_item_create(*, actor, year, title, organisation, planned_on=None, document=None) -> DecisionCatalogueItem:
    """重大行政决策事项目录 (R17): a registrar of a government's office lists a decision item of its
    government (and, optionally, links the draft decision to it)."""
    j = Jurisdiction()
    government = actor.organisation_id if actor.has_role(Role.REGISTRAR) else None
    if government is None or j.government_of(government) != government:
        raise Forbidden("只有人民政府办公室的登记人员可以编制重大行政决策事项目录")
    if organisation.pk not in j.subtree(government):
        raise Forbidden(f"{organisation.name}不属于本级人民政府，不能列入本级决策事项目录", code="outside_jurisdiction")
    title = (title or "").strip()
    if not title:
        raise InvalidInput("请填写决策事项名称")
    if not 2000 <= year <= today().year + 1:
        raise InvalidInput("目录年度须为本年度或下一年度以前的年份")
    if document is not None:
        document = permissions.access_document(actor, document, lock=True) if isinstance(document, int) else document
        if document.kind != Document.Kind.MAJOR_DECISION:
            raise InvalidInput("只有重大行政决策可以列入决策事项目录")
        if DecisionCatalogueItem.objects.filter(document=document).exists():
            raise RuleViolation("该决策已列入目录", code="conflict")
    item = DecisionCatalogueItem.objects.create(year=year, title=title[:200], organisation=organisation,
                                                government_id=government, planned_on=planned_on,
                                                document=document, created_by=actor)
    if document is not None:
        history.append(document=document, action="list_in_catalogue", from_state=document.state,
                       to_state=document.state, actor=actor, opinion=f"列入{year}年度重大行政决策事项目录：{item.title}")
    return item


@transaction.atomic
def document_file_record(*, actor, document_id, filed_with, filed_on: dt.date, reference="") -> Document:
    """备案 (R11) with the higher authority."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "file_record")
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
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "repeal")
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
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "void_number")
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
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "record_evaluation")
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
