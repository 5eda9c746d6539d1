"""The registry's writes: 统一登记、统一编号、统一公布 (R8–R10), filing (R11), validity (R12),
and both sides of filing review (备案审查, R19) with the public's review requests (审查建议).

The document's own transitions (register, publish, file_record, repeal, expire) live on the
model; these services lock, check and log through ``review.services`` and do the numbering
and dates around them. A filing's transitions live on ``registry.models.Filing``; each filing
act is one row of the document's hash-chained history (``review.history``), in the act's
transaction.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db.models import Q
from django_fsm import ConcurrentTransition

from accounts.jurisdiction import Jurisdiction, filing_recipients
from accounts.models import Organisation, Role
from core import numbering
from core.acts import act
from core.calendar import add_years
from core.clock import now, today
from core.errors import Code, ConcurrentChange, Forbidden, InvalidInput, NotFound, RuleViolation
from notifications import planning
from registry import permissions as registry_permissions
from registry import rules as filing_rules
from registry.models import Cleanup, CleanupItem, Evaluation, Filing, RegistryEntry, ReviewRequest
from review import bounds, facts, history, permissions, rules
from review.models import DecisionCatalogueItem, Document, DocumentLink
from review.selectors import public_documents
from review.services import check_rules, proceed


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


# what registration's and publication's rules read, loaded with the lock (review.facts):
# R7's lawful review of the approved text, and the day it was decided (R8's earliest date)
REGISTRATION_FACTS = ("lawful_review_of_approved", "approved_decided_at")
PUBLICATION_FACTS = (*REGISTRATION_FACTS, "links")


@act()
def document_register(*, actor, document_id, meeting, deliberated_on: dt.date) -> Document:
    """统一登记 (R8, R9): record the collective deliberation, then allocate the number."""
    bounds.require_past_date(deliberated_on, "审议日期")
    document = permissions.access_document(actor, document_id, lock=True, facts=REGISTRATION_FACTS)
    permissions.check_act(actor, document, "register")
    approval = bounds.approved_on(document)  # R8: deliberated between the approval and today
    bounds.require_date(deliberated_on, "审议日期", earliest=approval, latest=today(), latest_why="今天",
                        earliest_why=f"审核通过日期（{approval:%Y-%m-%d}）" if approval else "")
    document.deliberation_meeting = (meeting or "").strip()
    document.deliberated_on = deliberated_on
    with rules.evaluated_once():
        # Conditions R7/R8 are checked before a number is taken, so a refusal uses up no number.
        check_rules(document, "register")
        entry = number_allocate(issuer=document.issuer, year=today().year, document=document)
        proceed(document, "register", actor, number=entry.number,
                opinion=f"{document.deliberation_meeting}（{deliberated_on:%Y-%m-%d}）审议通过；编号{entry.number}")
        # the registration reminder ends: the sweep drops it now that the document has its number
    return document


@act()
def document_publish(*, actor, document_id, channel, published_on: dt.date | None = None,
                     effective_from: dt.date | None = None) -> Document:
    """统一公布 (R10); validity (R12) runs from the effective date."""
    document = permissions.access_document(actor, document_id, lock=True, facts=PUBLICATION_FACTS)
    permissions.check_act(actor, document, "publish")
    if channel not in Document.Channel.values:
        raise InvalidInput("公布载体须为：政府公报、政府网站或政务新媒体")
    document.publication_channel = channel
    document.published_on = published_on or today()
    document.effective_from = effective_from or document.published_on
    if document.effective_from < document.published_on:
        raise InvalidInput("施行日期不能早于公布日期")
    bounds.require_publication_dates(document, document.published_on, document.effective_from)
    document.expires_on, document.evaluation_due_on = rules.validity_dates(
        document.effective_from, document.validity_years, document.valid_until)
    # the bodies it files with, named from the organisation tree the act has read already
    recipients = [Jurisdiction().by_id[pk] for pk in sorted(filing_recipients(document.issuer))
                  if pk in Jurisdiction().by_id]

    def record():
        RegistryEntry.objects.filter(document=document, number=document.number).update(
            status=RegistryEntry.Status.PUBLISHED)
        filings_open(document, recipients)
        planning.plan_after_publication(document)

    opinion = f"{document.get_publication_channel_display()}，{document.published_on:%Y-%m-%d}公布"
    if document.published_on > today():
        opinion += "（定时公布，届时向社会公开）"
    if recipients:
        opinion += "；应报" + "、".join(r.name for r in recipients) + "备案"
    proceed(document, "publish", actor, then=record, opinion=opinion)
    _apply_links(actor, document)
    return document


def _apply_links(actor, document) -> None:
    """R20, in the publication's transaction: the documents it repeals become ``repealed`` with
    its number as the decision (taking effect with it); those it amends carry a history row.
    A linked document that has meanwhile ended is left as it is, and the history says so."""
    if not facts.get(document, "links"):
        return
    links = list(DocumentLink.objects.filter(source=document).order_by("kind", "target_id")
                 .values_list("target_id", "kind"))
    for target_id, kind in links:
        target = Document.objects.select_for_update(of=("self",)).select_related(
            "current_version", "approved_version").get(pk=target_id)
        if kind == DocumentLink.Kind.REPEALS and target.state == Document.State.PUBLISHED:
            target.closing_reason = f"由{document.number}《{document.title}》废止"
            target.repeal_decision_ref = document.number[:100]
            target.ended_on = document.effective_from
            proceed(target, "repeal", actor, opinion=f"{target.closing_reason}，自{target.ended_on:%Y-%m-%d}起废止",
                    then=lambda t=target: planning.cancel_open_reminders(t))
        else:
            words = "修改" if kind == DocumentLink.Kind.AMENDS else "废止（该文件已不再有效，未变更状态）"
            history.append(document=target, action="amended_by", from_state=target.state, to_state=target.state,
                           actor=actor, opinion=f"{document.number}《{document.title}》{words}本文件")


def filings_open(document, recipients) -> list[Filing]:
    """R11: one filing per recipient, due RULE_R11_FILING_DAYS after publication, carrying the
    published text (and through the document its 起草说明, opinion letters and publication
    record) by reference. Runs inside the publication's transaction."""
    return Filing.objects.bulk_create([
        Filing(document=document, issuer_id=document.issuer_id, recipient_id=recipient.id,
               version_id=document.current_version_id, due_on=filing_rules.filing_due_on(document.published_on))
        for recipient in recipients])


@act()
def document_record_decision(*, actor, document_id, meeting, decided_on: dt.date, result) -> Document:
    """集体讨论决定 (R17): the government's meeting adopts (``decided``) or rejects the reviewed
    decision; R7 holds: exactly the reviewed text is decided."""
    if result not in ("adopted", "rejected"):
        raise InvalidInput("决策结果须为：adopted（通过）或 rejected（未通过）")
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "record_decision")
    document.decision_meeting, document.decided_on = (meeting or "").strip(), decided_on
    bounds.require_date(decided_on, "决策日期", earliest=bounds.approved_on(document),
                        earliest_why="合法性审查意见出具之日", latest=today(), latest_why="今天")
    words = "通过" if result == "adopted" else "未通过"
    proceed(document, "record_decision", actor, adopted=result == "adopted",
            opinion=f"{document.decision_meeting}（{decided_on:%Y-%m-%d}）：{words}")
    return document


@act()
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


@act()
def catalogue_item_create(*, actor, year, title, organisation, planned_on=None, document=None) -> DecisionCatalogueItem:
    """重大行政决策事项目录 (R17): a registrar of a government's office lists a decision item of its
    government (and, optionally, links the draft decision to it)."""
    j = Jurisdiction()
    government = actor.organisation_id if actor.has_role(Role.REGISTRAR) else None
    if government is None or j.government_of(government) != government:
        raise Forbidden("只有人民政府办公室的登记人员可以编制重大行政决策事项目录")
    if j.government_of(organisation.pk) != government:  # its own departments, not a county's below
        raise Forbidden(f"{organisation.name}不属于本级人民政府，不能列入本级决策事项目录", code="outside_jurisdiction")
    title = (title or "").strip()
    if not title:
        raise InvalidInput("请填写决策事项名称")
    if not 2000 <= year <= today().year + 1:
        raise InvalidInput("目录年度须为本年度或下一年度以前的年份")
    bounds.require_date(planned_on, "计划完成时间", latest=dt.date(year + 1, 12, 31), latest_why="目录次年年底")
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


@act()
def document_file_record(*, actor, document_id, filed_with, filed_on: dt.date, reference="") -> Document:
    """备案 (R11) with the higher authority."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "file_record")
    filed_with = (filed_with or "").strip()
    if not filed_with:
        raise InvalidInput("请填写备案机关")
    if filed_on > today() or (document.published_on and filed_on < document.published_on):
        raise InvalidInput("备案日期须在公布日期之后且不晚于今天")
    # v2: a filing recipient's code or name submits that filing; other text is a body outside
    # the system, recorded as in v1.
    filing = (Filing.objects.select_for_update(of=("self",)).select_related("document", "recipient", "version")
              .filter(Q(recipient__code=filed_with) | Q(recipient__name=filed_with), document=document).first())
    if filing is not None:
        filing.document = document
        registry_permissions.check_filing_act(actor, filing, "submit")
        _submit(actor, filing, submitted_on=filed_on, report_ref=reference or "")
        return document
    proceed(document, "file_record", actor, opinion=f"报{filed_with}备案（{filed_on:%Y-%m-%d}）",
            filed_with=filed_with, filed_on=filed_on, reference=reference or "",
            then=lambda: planning.cancel_open_reminders(document, kinds=planning.FILING_KINDS))
    return document


@act()
def document_repeal(*, actor, document_id, reason, decision_ref) -> Document:
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "repeal")
    reason, decision_ref = (reason or "").strip(), (decision_ref or "").strip()
    if not reason or not decision_ref:
        raise InvalidInput("请填写废止理由和废止决定文号")
    document.closing_reason, document.repeal_decision_ref = reason, decision_ref
    document.ended_on = today()
    proceed(document, "repeal", actor, opinion=f"{reason}（{decision_ref}）",
            then=lambda: planning.cancel_open_reminders(document))
    return document


@act()
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


@act()
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
        with act():
            document = (Document.objects.select_for_update(of=("self",))
                        .select_related("current_version", "approved_version").get(pk=document_id))
            if document.state != Document.State.PUBLISHED:
                continue  # another run got there first
            document.ended_on = document.expires_on + dt.timedelta(days=1)
            proceed(document, "expire", None, opinion=f"有效期至{document.expires_on:%Y-%m-%d}，已届满")
            planning.cancel_open_reminders(document)
            expired.append(document_id)
    return expired


# --- 备案 and 备案审查 (R11, R19) -------------------------------------------------------------
def _save(filing) -> None:
    try:
        filing.save()
    except ConcurrentTransition:
        raise ConcurrentChange("该备案刚被他人处理，请刷新后重试")


def _log(filing, actor, action, opinion) -> None:
    """One row of the document's hash-chained history per filing act (the document's state is
    unchanged; the filing's change is said in words)."""
    document = filing.document
    history.append(document=document, action=action, from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"【{filing.recipient.name}】{opinion}", version=filing.version)


def _filing_for_act(actor, filing_id, name, *, lock_document=False) -> Filing:
    """404 (may not see it), 403 (wrong side), 409 (state), with the filing row locked; the
    document row first when the act writes to it, so locks are always taken in that order."""
    filing = registry_permissions.access_filing(actor, filing_id)
    registry_permissions.check_filing_act(actor, filing, name)
    if lock_document:
        Document.objects.select_for_update(of=("self",)).filter(pk=filing.document_id).first()
    filing = registry_permissions.access_filing(actor, filing_id, lock=True)
    registry_permissions.check_filing_act(actor, filing, name)  # again: another act may have won
    return filing


def _text(value, message, *, limit=20_000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    if len(value) > limit:
        raise InvalidInput(f"内容过长（不超过{limit}字）")
    return value


@act()
def filing_submit(*, actor, filing_id, report_ref="") -> Filing:
    """报送备案 (R11) by the issuer's registrars; after a return, the resubmission."""
    filing = _filing_for_act(actor, filing_id, "submit", lock_document=True)
    return _submit(actor, filing, submitted_on=today(), report_ref=report_ref)


def _submit(actor, filing, *, submitted_on: dt.date, report_ref: str) -> Filing:
    document = filing.document
    if submitted_on > today() or submitted_on < document.published_on:
        raise InvalidInput("报送日期须在公布日期之后且不晚于今天")
    report_ref = (report_ref or "").strip()
    if len(report_ref) > 100:
        raise InvalidInput("报备文号不超过100字")
    again = filing.state == Filing.State.RETURNED
    filing.submit()
    filing.submitted_on = submitted_on
    filing.first_submitted_on = filing.first_submitted_on or submitted_on
    if filing.late is None:  # R11: on time or late is decided by the first submission
        filing.late = submitted_on > filing.due_on
    filing.report_ref = report_ref or filing.report_ref
    _save(filing)
    _after_submission(document)
    what = "补正材料后重新报送备案" if again else "报送备案"
    _log(filing, actor, "filing_submit", f"{what}（{submitted_on:%Y-%m-%d}）" + ("，逾期" if filing.late else "")
         + (f"，报备文号{filing.report_ref}" if filing.report_ref else ""))
    return filing


def _after_submission(document) -> None:
    """Once every filing of the document has been submitted, the document records it (its
    v1 fields, read by lists and figures) and the filing reminders end."""
    rows = list(Filing.objects.filter(document=document).select_related("recipient")
                .order_by("recipient_id").values_list("first_submitted_on", "recipient__name"))
    if document.filed_on is not None or any(on is None for on, _ in rows):
        return
    document.filed_on = max(on for on, _ in rows)
    document.filed_with = "、".join(name for _, name in rows)[:200]
    document.save(update_fields=["filed_on", "filed_with", "updated_at"])
    planning.cancel_open_reminders(document, kinds=planning.FILING_KINDS)


@act()
def filing_accept(*, actor, filing_id) -> Filing:
    """登记 (R19) by the recipient's reviewers: the review runs RULE_R19_FILING_REVIEW_WORKING_DAYS."""
    filing = _filing_for_act(actor, filing_id, "accept")
    filing.accept()
    filing.accepted_on = today()
    filing.review_due_on, filing.review_due_provisional = filing_rules.filing_review_due_on(filing.accepted_on)
    _save(filing)
    planning.plan_filing_review(filing.document, filing.recipient_id, filing.review_due_on)
    _log(filing, actor, "filing_accept", f"登记备案，审查期限至{filing.review_due_on:%Y-%m-%d}")
    return filing


@act()
def filing_return(*, actor, filing_id, reason) -> Filing:
    """退回补正 (R19): materials missing; the issuer resubmits."""
    reason = _text(reason, "请填写退回理由（缺少哪些材料）")
    filing = _filing_for_act(actor, filing_id, "return_for_materials")
    filing.return_for_materials()
    filing.returns += 1
    filing.return_reason = reason
    _save(filing)
    _log(filing, actor, "filing_return", f"退回补正：{reason}")
    return filing


@act()
def filing_conclude(*, actor, filing_id, outcome, opinion) -> Filing:
    """审查结论 (R19): 予以备案, or 纠正 with the issuer's answer due in RULE_R19_CORRECTION_ANSWER_DAYS."""
    if outcome not in Filing.Outcome.values:
        raise InvalidInput("审查结论须为：予以备案（filed）或纠正（correction_required）")
    opinion = _text(opinion, "请填写审查意见")
    filing = _filing_for_act(actor, filing_id, "conclude")
    filing.conclude(outcome=outcome)
    filing.outcome, filing.opinion, filing.concluded_on = outcome, opinion, today()
    planning.cancel_filing_review(filing.document, filing.recipient_id)
    if outcome == Filing.Outcome.CORRECTION_REQUIRED:
        filing.correction_due_on = filing_rules.correction_due_on(filing.concluded_on)
        planning.plan_correction_answer(filing.document, filing.correction_due_on)
    _save(filing)
    _log(filing, actor, "filing_conclude", f"审查结论：{filing.get_outcome_display()}。{opinion}")
    return filing


@act()
def filing_respond(*, actor, filing_id, action, note, document=None, decision_ref="") -> Filing:
    """The issuer's answer to a correction (R19): ``amended`` links the amending document,
    ``repealed`` repeals the document through ``document_repeal`` in this same transaction,
    ``explained`` gives the reasons."""
    if action not in Filing.Action.values:
        raise InvalidInput("纠正情况须为：已修改（amended）、已废止（repealed）或已说明理由（explained）")
    note = _text(note, "请填写答复说明")
    filing = _filing_for_act(actor, filing_id, "respond", lock_document=True)
    linked = None
    if action == Filing.Action.AMENDED:
        if document in (None, ""):
            raise InvalidInput("已修改的，请指明修改后的文件（document）")
        linked = permissions.access_document(actor, document)
        if linked.pk == filing.document_id or linked.issuer_id != filing.issuer_id:
            raise InvalidInput("修改后的文件须为同一制定机关的另一件文件")
    elif action == Filing.Action.REPEALED:
        document_repeal(actor=actor, document_id=filing.document_id, reason=note,
                        decision_ref=(decision_ref or "").strip() or f"根据{filing.recipient.name}备案审查纠正意见废止")
        filing.document = Document.objects.get(pk=filing.document_id)  # now repealed
    filing.respond()
    filing.response_action, filing.response_note, filing.response_document = action, note, linked
    filing.responded_on = today()
    planning.cancel_correction_answer(filing.document)
    _save(filing)
    _log(filing, actor, "filing_respond", f"答复纠正意见：{filing.get_response_action_display()}"
         + (f"（{linked.number or linked.title}）" if linked else "") + f"。{note}")
    return filing


@act()
def filing_reject_response(*, actor, filing_id, note) -> Filing:
    """不认可纠正答复 (R19): back to correction with a new answer period, and the recipient's
    heads are told (the escalation)."""
    note = _text(note, "请填写不予认可的理由")
    filing = _filing_for_act(actor, filing_id, "reject_response")
    filing.reject_response()
    filing.rejection_note, filing.escalated_on = note, today()
    filing.correction_due_on = filing_rules.correction_due_on(filing.escalated_on)
    _save(filing)
    planning.plan_correction_answer(filing.document, filing.correction_due_on)
    planning.plan_escalation(filing.document, filing.recipient_id)
    _log(filing, actor, "filing_reject_response", f"不认可纠正答复，已报告负责人：{note}")
    return filing


# --- 审查建议 (R19): anyone asks a recipient to review a published document --------------------
def _published_document(reference) -> Document:
    reference = str(reference or "").strip()
    if not reference:
        raise InvalidInput("请填写文件ID或文件编号")
    documents = public_documents()
    if reference.isascii() and reference.isdigit():
        if not 0 < int(reference) < 2**63:
            raise NotFound("未找到该文件，请核对文件ID或编号")
        document = documents.filter(pk=int(reference)).first()
    else:
        document = documents.filter(number=reference).first()
    if document is None or document.published_on > today() or document.kind != Document.Kind.NORMATIVE:
        raise NotFound("未找到该文件，请核对文件ID或编号")
    if document.state != Document.State.PUBLISHED:
        raise RuleViolation("该文件已废止或失效，不再受理审查建议", code=Code.NOT_IN_FORCE)
    return document


@act()
def review_request_create(*, document, name, contact, reason, recipient="") -> tuple[str, list[ReviewRequest]]:
    """R19: a request goes to every filing recipient of the document (``recipient``, a code or a
    name, narrows it to one); answered within RULE_R19_REQUEST_REPLY_DAYS. Returns the receipt."""
    target = _published_document(document)
    ids = list(Filing.objects.filter(document=target).values_list("recipient_id", flat=True)) \
        or filing_recipients(target.issuer)
    bodies = list(Organisation.objects.filter(pk__in=ids).order_by("pk"))
    if not bodies:
        raise RuleViolation("该文件没有可受理审查建议的备案审查机关", code=Code.NO_FILING_RECIPIENT)
    recipient = (recipient or "").strip()
    if recipient:
        bodies = [b for b in bodies if recipient in (b.code, b.name)]
        if not bodies:
            raise InvalidInput(f"“{recipient[:50]}”不是该文件的备案审查机关")
    received_on = today()
    receipt = secrets.token_urlsafe(18)
    rows = ReviewRequest.objects.bulk_create([
        ReviewRequest(receipt=receipt, document=target, recipient=body, name=name.strip(), contact=contact.strip(),
                      reason=reason.strip(), received_on=received_on,
                      due_on=filing_rules.request_reply_due_on(received_on))
        for body in bodies])
    for row in rows:
        planning.plan_request_reply(target, row.recipient_id, row.due_on)
    # No personal data in the log: who asked is in the request, which only the recipient reads.
    history.append(document=target, action="review_request_received", from_state=target.state,
                   to_state=target.state, actor=None,
                   opinion="收到审查建议，送" + "、".join(b.name for b in bodies) + "审查")
    return receipt, rows


@act()
def review_request_reply(*, actor, request_id, outcome, reply) -> ReviewRequest:
    """R19: the recipient's reviewers answer a request once."""
    if outcome not in ReviewRequest.Outcome.values:
        raise InvalidInput("处理结果须为：未发现问题（no_issue）、要求纠正（correction_required）或不予受理（not_accepted）")
    reply = _text(reply, "请填写答复内容")
    row = registry_permissions.access_review_request(actor, request_id, lock=True)
    registry_permissions.check_reply(actor, row)
    row.state, row.outcome, row.reply = ReviewRequest.State.ANSWERED, outcome, reply
    row.replied_on, row.replied_by = today(), actor
    row.save(update_fields=["state", "outcome", "reply", "replied_on", "replied_by"])
    planning.cancel_request_reply(row.document, row.recipient_id)
    document = row.document
    history.append(document=document, action="review_request_reply", from_state=document.state,
                   to_state=document.state, actor=actor,
                   opinion=f"【{row.recipient.name}】答复审查建议（第{row.pk}号）：{row.get_outcome_display()}")
    return row


def review_request_status(receipt) -> dict:
    """What the sender may read by its receipt: states and replies, never a name or contact."""
    receipt = str(receipt or "")
    if not 16 <= len(receipt) <= 64 or not all(c.isalnum() or c in "-_" for c in receipt):
        raise NotFound("回执号不存在")
    rows = list(ReviewRequest.objects.filter(receipt=receipt).select_related("recipient", "document")
                .order_by("recipient_id"))
    if not rows:
        raise NotFound("回执号不存在")
    replies = [{"recipient": r.recipient.name, "state": r.state, "outcome": r.outcome or None,
                "reply": r.reply or None, "replied_on": r.replied_on} for r in rows]
    answered = [r for r in rows if r.state == ReviewRequest.State.ANSWERED]
    last = max(answered, key=lambda r: (r.replied_on, r.pk)) if answered else None
    document = rows[0].document
    return {"state": ReviewRequest.State.ANSWERED if len(answered) == len(rows) else ReviewRequest.State.RECEIVED,
            "outcome": last.outcome if last else None, "reply": last.reply if last else None,
            "replied_on": last.replied_on if last else None, "received_on": rows[0].received_on,
            "due_on": rows[0].due_on, "document": {"id": document.pk, "number": document.number,
                                                   "title": document.title},
            "replies": replies}


# --- 清理 (R20): clean-up campaigns ------------------------------------------------------------
def _in_force_in_scope(issuer_id, published_before=None):
    """The issuer's normative documents in force in public view today (not yet effective ones
    included: they stand until repealed), optionally published before a date."""
    qs = public_documents().filter(issuer_id=issuer_id, state=Document.State.PUBLISHED,
                                   kind=Document.Kind.NORMATIVE, ended_on__isnull=True)
    if published_before is not None:
        qs = qs.filter(published_on__lt=published_before)
    return qs.order_by("published_on", "id")


@act()
def cleanup_open(*, actor, title, issuer=None, published_before=None) -> Cleanup:
    """开展清理: a registrar of the issuer's registry office (the issuer defaults to the
    registrar's own organisation); the items are the documents in force in scope, undecided."""
    issuer = issuer or actor.organisation
    if issuer is None:
        raise InvalidInput("请指明清理的制定机关（issuer）")
    registry_permissions.check_cleanup_registrar(actor, issuer.pk)
    title = bounds.require_line((title or "").strip(), "清理名称")
    if not title:
        raise InvalidInput("请填写清理名称")
    if published_before is not None:
        bounds.require_date(published_before, "公布日期早于", latest=today() + dt.timedelta(days=1),
                            latest_why="明天")
    cleanup = Cleanup.objects.create(title=title[:200], issuer=issuer, published_before=published_before,
                                     created_by=actor)
    CleanupItem.objects.bulk_create([CleanupItem(cleanup=cleanup, document_id=pk) for pk in
                                     _in_force_in_scope(issuer.pk, published_before).values_list("pk", flat=True)])
    return cleanup


@act()
def cleanup_decide(*, actor, cleanup_id, document_id, decision, reason) -> CleanupItem:
    """One item's decision (keep / amend / repeal / declare invalid) with its reason; changeable
    until the result is published."""
    if decision not in CleanupItem.Decision.values:
        raise InvalidInput("清理意见须为：keep（继续有效）、amend（修改）、repeal（废止）或 declare_invalid（宣布失效）")
    reason = _text(reason, "请填写清理理由")
    cleanup = registry_permissions.access_cleanup(actor, cleanup_id, lock=True)
    if cleanup.state != Cleanup.State.OPEN:
        raise RuleViolation("清理结果已公布，不能再修改清理意见", code=Code.CLEANUP_PUBLISHED)
    item = cleanup.items.select_related("document").filter(document_id=document_id).first() \
        if str(document_id).isdigit() else None
    if item is None:
        raise NotFound("该文件不在本次清理范围内")
    item.decision, item.reason, item.decided_by, item.decided_at = decision, reason, actor, now()
    item.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    return item


@act()
def cleanup_publish(*, actor, cleanup_id) -> Cleanup:
    """公布清理结果: refused (409 ``undecided_items``) while any item is undecided; then every
    decision takes effect in this one transaction (all or nothing): repeal and declare invalid
    end the document's force today, amend puts it on the registrar's to-do list (an evaluation
    concluding 修改), keep is recorded. A document that ended meanwhile is left as it is."""
    cleanup = registry_permissions.access_cleanup(actor, cleanup_id, lock=True)
    if cleanup.state != Cleanup.State.OPEN:
        raise RuleViolation("清理结果已公布", code=Code.CLEANUP_PUBLISHED)
    undecided = cleanup.items.filter(decision="").count()
    if undecided:
        raise RuleViolation(f"还有{undecided}件文件未作出清理意见，不能公布清理结果", code=Code.UNDECIDED_ITEMS,
                            details={"undecided": undecided})
    day = today()
    items = list(cleanup.items.order_by("document_id").values_list("document_id", "decision", "reason"))
    for document_id, decision, reason in items:
        document = (Document.objects.select_for_update(of=("self",))
                    .select_related("current_version", "approved_version").get(pk=document_id))
        label = CleanupItem.Decision(decision).label
        words = f"清理（{cleanup.title}）：{label}。{reason}"
        if document.state != Document.State.PUBLISHED:
            continue
        if decision in (CleanupItem.Decision.REPEAL, CleanupItem.Decision.DECLARE_INVALID):
            document.closing_reason = words
            if decision == CleanupItem.Decision.REPEAL:
                document.repeal_decision_ref = f"清理结果：{cleanup.title}"[:100]
            document.ended_on = day
            proceed(document, "repeal" if decision == CleanupItem.Decision.REPEAL else "declare_invalid", actor,
                    opinion=words, then=lambda d=document: planning.cancel_open_reminders(d))
        elif decision == CleanupItem.Decision.AMEND:
            Evaluation.objects.create(document=document, outcome=Evaluation.Outcome.AMEND, evaluated_on=day,
                                      notes=words, evaluator=actor)
            history.append(document=document, action="cleanup_amend", from_state=document.state,
                           to_state=document.state, actor=actor, opinion=words)
        else:
            history.append(document=document, action="cleanup_keep", from_state=document.state,
                           to_state=document.state, actor=actor, opinion=words)
    cleanup.state, cleanup.published_on = Cleanup.State.PUBLISHED, day
    cleanup.save(update_fields=["state", "published_on"])
    return cleanup
