"""Every write of the review side (HackSoft style: views and serializers stay thin).

Each act runs in one ``transaction.atomic()``: lock the document row, check who may act
(403), whether the state allows it (409 ``invalid_transition``), the rules (409 with the rule's
code), then transition, save and append one history row. Anything raised rolls all of it back,
so a refused act changes nothing.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_fsm import ConcurrentTransition

from core.calendar import add_working_days
from core.acts import act
from core.clock import today
from core.errors import ConcurrentChange, Forbidden, InvalidInput, InvalidTransition, NotFound, RuleViolation
from accounts.jurisdiction import Jurisdiction
from accounts.models import REVIEW_ROLES, Organisation, Role, User
from core import numbering, statements
from core.calendar import Calendar
from notifications import planning
from review import bounds, facts, history, lifecycle, permissions, rules, selectors
from review.comments import adoption_summary, file_comment, group_comments
from review.models import (AdviserInvitation, Document, DocumentLink, Interpretation, Opinion, ProcedureStep, PublicComment, ReviewFinding,
                           ReviewRound, State, Version, content_hash)
from review.precheck import run_precheck


# --- the transition machinery, shared with registry.services ------------------------------
def proceed(document, name, actor, *, opinion="", version=None, action=None, then=None, **transition_kwargs):
    """Check the rules (conditions), run the transition, save, log it and run ``then`` (the
    act's other writes). Each rule is evaluated once in the act (``rules.evaluated_once``), the
    transition's own call of its conditions included. The document's UPDATE carries the head of
    its history chain (review.history.entry), so logging the act costs one INSERT and waits on
    no other document's act."""
    from_state = document.state
    with rules.evaluated_once():
        check_rules(document, name)
        getattr(document, name)(**transition_kwargs)
    row = history.entry(document=document, action=action or name, from_state=from_state,
                        to_state=document.state, actor=actor, opinion=opinion,
                        version=version or document.current_version_id)
    try:
        document.save()
    except ConcurrentTransition:
        raise ConcurrentChange("该文件刚被他人处理，请刷新后重试")
    row.save(force_insert=True)
    if then is not None:
        then()
    return row


def check_rules(document, name) -> None:
    """Raise the first rule (transition condition) that forbids ``name`` now, with its code.
    Inside ``rules.evaluated_once()`` the answers are kept for the transition's own check."""
    _check(document, lifecycle.transitions()[name].conditions)


def _check(document, conditions) -> None:
    for condition in conditions:
        violation = condition.why(document) if isinstance(condition, rules.Rule) else None
        if violation:
            raise _violation_error(violation)


# What an approval must satisfy already when it is drafted (R6, R16); R7 follows at issue.
APPROVAL_DRAFT_RULES = (rules.findings_resolved, rules.adviser_opinion_given)
# ... and what they read, loaded with the lock (review.facts)
APPROVAL_FACTS = ("pending_findings", "adviser_answered", "awaiting_signoff")


def _violation_error(violation):
    if violation.code == "validation_error":
        return InvalidInput(violation.message)
    return RuleViolation(violation.message, code=violation.code)


# --- validation shared by create and edit --------------------------------------------------
def _clean_title(title) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput("标题不能为空")
    if len(title) > settings.MAX_TITLE_LENGTH:
        raise InvalidInput(f"标题不能超过{settings.MAX_TITLE_LENGTH}个字符")
    return bounds.require_line(title, "标题")  # no control or bidirectional characters


def _clean_body(body) -> str:
    body = bounds.normalise_text(body or "")  # LF line ends, no control or bidi characters
    if not body.strip():
        raise InvalidInput("正文不能为空")
    if len(body) > settings.MAX_BODY_CHARS:
        raise InvalidInput(f"正文不能超过{settings.MAX_BODY_CHARS}个字符")
    return body


def _check_validity(validity_years, provisional, valid_until=None):
    """R12 at drafting time: an end date is counted from today (the earliest it can take effect)."""
    if valid_until is not None:
        bounds.require_date(valid_until, "有效期截止日期")
    violation = rules.validity_violation(validity_years, provisional, valid_until, today())
    if violation:
        raise InvalidInput(violation.message, code=violation.code)


def _new_version(document, body, author, *, first: bool = False) -> Version:
    """A new immutable text version, pre-checked once against R1 (a warning, never a block);
    ``first`` for a document created in this act (number 1, nothing to look up)."""
    number = 1 if first else (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Version.objects.create(document=document, number=number, body=body, sha256=content_hash(body),
                                  author=author, precheck=[f.as_dict() for f in run_precheck(body)])


# --- drafting ------------------------------------------------------------------------------
def _contract_fields(kind, contract) -> dict:
    """R18: a contract carries its counterparty, amount, type (and term); other kinds none."""
    if kind != Document.Kind.CONTRACT:
        if contract:
            raise InvalidInput("只有合同可以填写合同信息（contract）")
        return {}
    if not contract:
        raise InvalidInput("合同须填写合同信息：相对方、金额、合同类型（contract）")
    counterparty = (contract.get("counterparty") or "").strip()
    contract_type = (contract.get("contract_type") or "").strip()
    amount = contract.get("amount_yuan")
    if not counterparty or not contract_type or amount is None:
        raise InvalidInput("合同须填写相对方、金额和合同类型")
    if amount < 0:
        raise InvalidInput("合同金额不能为负数")
    return {"contract_counterparty": counterparty[:200], "contract_type": contract_type[:50],
            "contract_amount_yuan": amount, "contract_term_months": contract.get("term_months")}


@act()
def document_create(*, actor, title, body, issuer: Organisation, kind=Document.Kind.NORMATIVE,
                    affects_rights=True, business_related=False, validity_years=None,
                    provisional=False, contract=None, valid_until=None, repeals=None, amends=None) -> Document:
    permissions.check_create(actor, issuer)
    _check_validity(validity_years, provisional, valid_until)
    document = Document.objects.create(
        kind=kind, title=_clean_title(title), issuer=issuer, drafting_org_id=actor.organisation_id,
        affects_rights=affects_rights, business_related=business_related,
        validity_years=validity_years, provisional=provisional, created_by=actor, valid_until=valid_until,
        **_contract_fields(kind, contract),
    )
    document.current_version = _new_version(document, _clean_body(body), actor, first=True)
    row = history.entry(document=document, action="create", from_state="", to_state=document.state,
                        actor=actor, version=document.current_version)
    document.save(update_fields=["current_version", "history_position", "history_hash"])
    row.save(force_insert=True)
    if repeals or amends:
        _set_links(document, repeals or [], amends or [])
    return document


EDITABLE_FIELDS = {"title", "body", "kind", "issuer", "affects_rights", "business_related",
                   "validity_years", "provisional", "contract", "valid_until", "repeals", "amends"}


def _set_links(document, repeals, amends) -> None:
    """R20: the documents a draft repeals and amends: published normative documents of its own
    issuer, other than itself, each named once (anything else is refused with a 400)."""
    repeals, amends = [int(i) for i in repeals], [int(i) for i in amends]
    wanted = repeals + amends
    if len(set(wanted)) != len(wanted):
        raise InvalidInput("同一文件不能重复列入废止或修改的文件（repeals、amends）")
    if document.pk in wanted:
        raise InvalidInput("文件不能废止或修改其自身")
    found = set(Document.objects.filter(pk__in=wanted, state=State.PUBLISHED, kind=Document.Kind.NORMATIVE,
                                        issuer_id=document.issuer_id).values_list("pk", flat=True))
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise InvalidInput("废止或修改的文件须为同一制定机关已公布、现行有效的规范性文件；不符合的文件ID："
                           + "、".join(missing))
    if document.kind != Document.Kind.NORMATIVE and wanted:
        raise InvalidInput("只有规范性文件可以废止或修改其他规范性文件")
    DocumentLink.objects.filter(source=document).delete()
    DocumentLink.objects.bulk_create(
        [DocumentLink(source=document, target_id=i, kind=DocumentLink.Kind.REPEALS) for i in repeals]
        + [DocumentLink(source=document, target_id=i, kind=DocumentLink.Kind.AMENDS) for i in amends])


@act()
def document_update(*, actor, document_id, **changes) -> Document:
    """Edit in drafting only. A changed text becomes a new version; an unchanged one does not."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"不能修改字段：{', '.join(sorted(unknown))}")
    document = permissions.access_document(actor, document_id, lock=True)
    try:
        permissions.check_act(actor, document, "edit")
    except InvalidTransition:
        raise RuleViolation("只有起草中的文件可以修改；征求意见、审核中或已通过审核的文本不能改动",
                            code="not_editable")
    if "issuer" in changes and changes["issuer"].pk != document.issuer_id:
        permissions.check_create(actor, changes["issuer"])
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"])
    _check_validity(changes.get("validity_years", document.validity_years),
                    changes.get("provisional", document.provisional),
                    changes.get("valid_until", document.valid_until))
    body = changes.pop("body", None)
    links = {kind: changes.pop(kind) for kind in ("repeals", "amends") if kind in changes}
    if "contract" in changes or "kind" in changes:
        kind = changes.get("kind", document.kind)
        contract = changes.pop("contract", None) if "contract" in changes else document.contract
        for field in ("contract_counterparty", "contract_amount_yuan", "contract_type", "contract_term_months"):
            setattr(document, field, None)
        for field, value in _contract_fields(kind, contract).items():
            setattr(document, field, value)
    for field, value in changes.items():
        setattr(document, field, value)
    new_version = None
    if body is not None and content_hash(_clean_body(body)) != document.current_version.sha256:
        new_version = document.current_version = _new_version(document, body, actor)
    document.save()
    if links or "issuer" in changes:
        current = {kind: [t for t, k in document.links_out.values_list("target_id", "kind") if k == kind]
                   for kind in ("repeals", "amends")}
        _set_links(document, links.get("repeals", current["repeals"]), links.get("amends", current["amends"]))
    if new_version or changes or links:
        history.append(document=document, action="edit", from_state=document.state,
                       to_state=document.state, actor=actor, version=document.current_version,
                       opinion="修改正文" if new_version else "修改文件信息")
    return document


@act()
def interpretation_write(*, actor, document_id, title, body, interpreter) -> tuple[Interpretation, bool]:
    """政策解读 (R20) by the drafting department: written or rewritten until the document ends;
    public with the document. Returns (the interpretation, whether it is new)."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "write_interpretation")
    title = bounds.require_line(_clean_title(title), "解读标题")
    body = bounds.normalise_text(body or "").strip()
    interpreter = (interpreter or "").strip()
    if not body:
        raise InvalidInput("请填写解读内容")
    if not interpreter:
        raise InvalidInput("请填写解读人（单位）")
    bounds.require_line(interpreter, "解读人（单位）")
    record, created = Interpretation.objects.update_or_create(
        document=document, defaults=dict(title=title, body=body[:settings.MAX_BODY_CHARS],
                                         interpreter=interpreter[:200], written_by=actor))
    history.append(document=document, action="write_interpretation", from_state=document.state,
                   to_state=document.state, actor=actor,
                   opinion=("撰写" if created else "修改") + f"政策解读：{title}（{interpreter[:200]}）")
    return record, created


@act()
def document_open_public_comment(*, actor, document_id, closes_on: dt.date,
                                 short_period_reason="") -> Document:
    """公开征求意见 (R3): the period runs from today to ``closes_on`` inclusive."""
    bounds.require_comment_closing_date(closes_on)  # never count working days to 9999
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "open_public_comment")
    document.comment_opened_on = today()
    document.comment_closes_on = closes_on
    document.comment_short_period_reason = short_period_reason or ""
    proceed(document, "open_public_comment", actor,
            opinion=f"征求意见至{closes_on:%Y-%m-%d}" + (f"；缩短理由：{short_period_reason}" if short_period_reason else ""))
    planning.plan_after_comment_opened(document)
    return document


@act()
def document_close_public_comment(*, actor, document_id) -> Document:
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "close_public_comment")
    proceed(document, "close_public_comment", actor)
    return document


# what a submission's rules and round read, loaded with the lock (review.facts)
SUBMISSION_FACTS = ("undisposed_comments", "public_comments", "paused_round", "rounds")


@act()
def document_submit_for_review(*, actor, document_id, drafting_notes, comment_summary="",
                               exemption_reason="") -> Document:
    """报送合法性审核 (R2, R4); opens a review round due in R5's working days."""
    document = permissions.access_document(actor, document_id, lock=True, facts=SUBMISSION_FACTS)
    permissions.check_act(actor, document, "submit_for_review")
    document.drafting_notes = drafting_notes or ""
    comments = list(document.public_comments.all()) if facts.get(document, "public_comments") else []
    # R4: the comment handling is written from the dispositions unless the drafter writes it.
    document.comment_summary = (comment_summary or "").strip() or (
        adoption_summary(comments) if comments or document.comment_closes_on else "")
    document.comment_exemption_reason = exemption_reason or ""
    now = timezone.now()
    paused = (document.review_rounds.select_for_update().filter(outcome="", paused_on__isnull=False).first()
              if facts.get(document, "paused_round") else None)
    # R5: a round paused for missing materials resumes with the working days it had left.
    left = paused.days_left_at_pause if paused else rules.review_working_days(document)
    due = add_working_days(timezone.localdate(now), left)
    document.review_due_at, document.review_due_provisional = due.date, due.provisional

    def open_round():
        if paused:
            paused.version, paused.due_on, paused.due_provisional = document.current_version, due.date, due.provisional
            paused.paused_on = paused.days_left_at_pause = None
            paused.drafting_notes, paused.comment_summary = document.drafting_notes, document.comment_summary
            paused.comment_exemption_reason = document.comment_exemption_reason
            paused.save()
            review_round = paused
        else:
            review_round = ReviewRound.objects.create(
                document=document, round_no=facts.get(document, "rounds") + 1,
                version=document.current_version, submitted_at=now, submitted_by=actor,
                due_on=due.date, due_provisional=due.provisional, drafting_notes=document.drafting_notes,
                comment_summary=document.comment_summary, comment_exemption_reason=document.comment_exemption_reason,
            )
        planning.plan_after_submission(document, review_round, resumed=paused is not None)

    resumed = f"补充材料后恢复审核，剩余{left}个工作日；" if paused else ""
    proceed(document, "submit_for_review", actor, then=open_round,
            opinion=f"{resumed}审核期限{due.date:%Y-%m-%d}" + ("（暂定）" if due.provisional else ""))
    return document


def _open_round(document) -> ReviewRound:
    """The document's open round (one at most: constraint one_open_review_round), locked after
    the document; compiled once (core.statements)."""
    def build(document_id):
        return (ReviewRound.objects.select_for_update(of=("self",)).select_related("handler")
                .filter(document_id=document_id, outcome="")[:1])

    review_round = statements.first("open_round", build, document.pk, model=ReviewRound, for_update=True)
    if review_round is None:
        raise ReviewRound.DoesNotExist("该文件没有进行中的审核")
    review_round.document = document  # as the related manager would: the locked instance, not a query
    return review_round


def _clean_opinion(opinion) -> str:
    opinion = (opinion or "").strip()
    if not opinion:
        raise InvalidInput("请填写书面审核意见")
    return opinion


def _decide(review_round, *, outcome, opinion, findings, actor) -> None:
    """Close the round with the written opinion; its findings become rows to be followed up."""
    review_round.outcome = outcome
    review_round.opinion = _clean_opinion(opinion)
    review_round.findings = findings or []  # the opinion as issued, kept verbatim
    review_round.reviewer, review_round.decided_at = actor, timezone.now()
    review_round.save()
    status = ReviewFinding.Status.ADVISORY if outcome == ReviewRound.Outcome.LAWFUL else ReviewFinding.Status.OPEN
    ReviewFinding.objects.bulk_create([
        ReviewFinding(review_round=review_round, document_id=review_round.document_id, status=status,
                      article=f["article"], passage=f.get("passage", ""), basis=f.get("basis", ""),
                      required_change=f.get("required_change", ""))
        for f in findings or []
    ])


# --- the review desk: case handling and sign-off (R15) --------------------------------------
def _check_handler(actor, document, review_round) -> None:
    """R15 case handling: a head acts on any round of its body; a reviewer on the rounds assigned
    to it (in a body without sign-off, also on an unassigned round, as in v1)."""
    if actor.role == Role.REVIEW_HEAD or review_round.handler_id == actor.pk:
        return
    if review_round.handler_id is None and not _signoff_required(document):
        return
    if review_round.handler_id is None:
        raise Forbidden("该案件尚未分配承办人，请由审核负责人分配后再拟写审核意见")
    raise Forbidden(f"该案件由{review_round.handler.get_full_name() or review_round.handler.username}承办，"
                    "只有承办人或审核负责人可以拟写审核意见")


def _signoff_required(document) -> bool:
    body = Jurisdiction().by_id.get(Jurisdiction().review_body_of(document.issuer_id))
    return bool(body and body.signoff_required)


def _review_body(document):
    """The review body of the document (accounts.jurisdiction.Org): its id, name, letter prefix."""
    body = Jurisdiction().by_id.get(Jurisdiction().review_body_of(document.issuer_id))
    if body is None:
        raise NotFound("该文件没有审核机构")
    return body


def _draft(document, review_round, actor, *, outcome, opinion, findings, urgent_reason, basis, content) -> Opinion:
    """The handler's written opinion (审核意见书), not yet issued."""
    if facts.get(document, "awaiting_signoff"):
        raise RuleViolation("本轮审核已有待签发的审核意见，请等待审核负责人签发或退回", code="awaiting_signoff")
    return Opinion(
        document=document, review_round=review_round, review_body_id=_review_body(document).id, outcome=outcome,
        conclusion=_clean_opinion(opinion), findings=findings or [], urgent_reason=urgent_reason or "",
        basis=(basis or "").strip(), content=(content or "").strip(), status=Opinion.Status.AWAITING_SIGNOFF,
        drafted_by=actor, drafted_at=timezone.now())  # saved by the caller: issued at once, with its number


OPINION_SCOPE = "opinion_letter"  # R15: the review body's letter numbers in core.numbering


def _issue(opinion, *, signer, document, review_round) -> Document:
    """签发: number the letter (per review body and year, gapless) and make the transition, in the
    caller's transaction: either both happen or neither."""
    review_round.urgent_reason = opinion.urgent_reason or None  # R5: recorded with the decision
    _decide(review_round, outcome=opinion.outcome, opinion=opinion.conclusion, findings=opinion.findings,
            actor=opinion.drafted_by)
    # The letter's number last: the body's counter row is held, by every approval of the body in
    # turn, from here to the commit, so the round is decided before it is taken.
    year = today().year
    body = Jurisdiction().by_id[opinion.review_body_id]
    seq = numbering.take_next(scope=OPINION_SCOPE, owner_id=body.id, year=year)
    prefix = body.opinion_prefix or f"{body.name}审"
    opinion.year, opinion.seq = year, seq
    opinion.number = numbering.format_number(numbering.DEFAULT_TEMPLATE, prefix=prefix, year=year, seq=seq)
    opinion.status, opinion.signed_by, opinion.signed_at = Opinion.Status.ISSUED, signer, timezone.now()
    opinion.save()
    signed = f"（审核意见书{opinion.number}，签发人：{signer.username}）"
    if opinion.outcome == ReviewRound.Outcome.LAWFUL:
        document.approved_version_id = review_round.version_id
        facts.know(document, "lawful_review_of_approved", True)  # R7 holds from here: the round just decided
        proceed(document, "approve", signer, opinion=opinion.conclusion + signed, version=review_round.version_id,
                then=lambda: planning.plan_after_approval(document))
    else:
        label = ReviewRound.Outcome(opinion.outcome).label
        proceed(document, "return_for_revision", signer, opinion=f"【{label}】{opinion.conclusion}{signed}",
                version=review_round.version_id,
                then=lambda: planning.cancel_open_reminders(document, kinds=planning.REVIEW_KINDS))
    return document


def _conclude(actor, document, review_round, **draft) -> Opinion:
    """Draft the opinion; issue it at once where the drafter's signature suffices (a head's own
    opinion, or a body without sign-off), else leave it awaiting a head's signature (202)."""
    opinion = _draft(document, review_round, actor, **draft)
    if actor.role == Role.REVIEW_HEAD or not _signoff_required(document):
        _issue(opinion, signer=actor, document=document, review_round=review_round)
        return opinion
    opinion.save()
    history.append(document=document, action="draft_opinion", from_state=document.state, to_state=document.state,
                   actor=actor, version=review_round.version_id,
                   opinion=f"【{opinion.get_outcome_display()}】{opinion.conclusion}（待签发）")
    planning.plan_signoff(document, opinion)
    return opinion


@act()
def document_approve(*, actor, document_id, opinion, findings=None, urgent_reason="", basis="",
                     content="") -> Opinion:
    """合法 (R6): the handler drafts the opinion (R15: a head signs it, then the round records
    the version it approved and R7 holds from here on). Refused before drafting when the review
    is younger than R5's minimum without an urgency reason, when R16's adviser opinion is
    missing, or when a finding of an earlier round is not confirmed resolved (R6)."""
    opinion = _clean_opinion(opinion)
    # the document first, then its round, as every act does (one order: no deadlock)
    document = permissions.access_document(actor, document_id, lock=True, facts=APPROVAL_FACTS)
    permissions.check_act(actor, document, "approve")
    review_round = _open_round(document)
    _check_handler(actor, document, review_round)
    urgent_reason = (urgent_reason or "").strip()
    violation = rules.review_time_violation(document, review_round, urgent_reason=urgent_reason, today=today())
    if violation:
        raise _violation_error(violation)
    with rules.evaluated_once():
        _check(document, APPROVAL_DRAFT_RULES)
        return _conclude(actor, document, review_round, outcome=ReviewRound.Outcome.LAWFUL, opinion=opinion,
                         findings=findings, urgent_reason=urgent_reason, basis=basis, content=content)


@act()
def document_return_for_revision(*, actor, document_id, outcome, opinion, findings=None, basis="",
                                 content="") -> Opinion | None:
    """修改后合法 / 不合法 (R6): a written opinion, drafted and signed as an approval is; the round
    closes with it, which stops its clock. 退回补充材料 is a notice, not an opinion (R5): the round
    pauses with the working days it has left, the draft goes back to the drafter, and resubmission
    resumes the same round; no sign-off, no letter number. Returns the opinion (None for a
    materials notice)."""
    if outcome not in ReviewRound.RETURN_OUTCOMES:
        raise InvalidInput("审核结论须为：修改后合法、不合法或退回补充材料")
    opinion = _clean_opinion(opinion)
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "return_for_revision")
    review_round = _open_round(document)
    _check_handler(actor, document, review_round)
    if outcome == ReviewRound.Outcome.MATERIALS_MISSING:
        _pause(actor, document, review_round, note=_clean_opinion(opinion))
        return None
    return _conclude(actor, document, review_round, outcome=outcome, opinion=opinion, findings=findings,
                     urgent_reason="", basis=basis, content=content)


def _pause(actor, document, review_round, *, note) -> None:
    """R5: the clock stops; the working days left are kept for the resubmission."""
    paused_on = today()
    left, _ = Calendar().count_working_days(paused_on, review_round.due_on)
    review_round.paused_on, review_round.days_left_at_pause = paused_on, max(left, 0)
    review_round.pauses = (review_round.pauses or 0) + 1
    review_round.save(update_fields=["paused_on", "days_left_at_pause", "pauses"])
    document.review_due_at = None
    proceed(document, "return_for_revision", actor, action="request_materials", version=review_round.version_id,
            opinion=f"【退回补充材料】{note}（审核期限暂停，剩余{review_round.days_left_at_pause}个工作日）",
            then=lambda: planning.cancel_open_reminders(document, kinds=planning.REVIEW_KINDS))


@act()
def document_sign_opinion(*, actor, document_id, decision, note="") -> Document:
    """签发 or 退回 (R15), by a head of the review body: signing issues the letter with its
    number and makes the transition in the same transaction; sending back returns the draft to
    the handler with a note, and the handler drafts again."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "sign_opinion")
    review_round = _open_round(document)
    opinion = review_round.opinions.select_for_update().filter(status=Opinion.Status.AWAITING_SIGNOFF).first()
    if opinion is None:
        raise RuleViolation("本轮审核没有待签发的审核意见", code="invalid_transition")
    if decision == "send_back":
        note = (note or "").strip()
        if not note:
            raise InvalidInput("退回修改时请写明退回意见")
        opinion.status, opinion.send_back_note = Opinion.Status.SENT_BACK, note
        opinion.save(update_fields=["status", "send_back_note"])
        history.append(document=document, action="send_back_opinion", from_state=document.state,
                       to_state=document.state, actor=actor, opinion=note, version=review_round.version_id)
        planning.cancel_signoff(document)
        return document
    if decision != "sign":
        raise InvalidInput("decision 须为 sign（签发）或 send_back（退回修改）")
    planning.cancel_signoff(document)
    # The transition checks every rule again (R6, R7, R16): nothing may have moved since drafting.
    return _issue(opinion, signer=actor, document=document, review_round=review_round)


@act()
def document_assign(*, actor, document_id, handler) -> ReviewRound:
    """分配承办人 (R15): a head assigns the open round to a reviewer or head of its body;
    reassigning is logged, and the round's reminders go to the new handler from now on."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "assign")
    review_round = _open_round(document)
    body = Jurisdiction().review_body_of(document.issuer_id)
    user = User.objects.filter(username=handler, is_active=True, organisation_id=body,
                               role__in=REVIEW_ROLES).first()
    if user is None:
        raise InvalidInput(f"承办人须为本审核机构的审核人员：{handler}")
    previous = review_round.handler
    if previous is not None and previous.pk == user.pk:
        return review_round
    review_round.handler = user
    review_round.save(update_fields=["handler"])
    words = f"由{previous.username}改为{user.username}" if previous else f"分配给{user.username}"
    history.append(document=document, action="assign", from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"承办人{words}", version=review_round.version_id)
    planning.plan_review_reminders(document, review_round)
    return review_round


@act()
def document_extend_review(*, actor, document_id, working_days, reason) -> ReviewRound:
    """延长审核期限 (R5): once per round, by at most RULE_R5_EXTENSION_MAX_WORKING_DAYS, with a reason."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "extend_review")
    review_round = _open_round(document)
    reason = (reason or "").strip()
    limit = settings.RULE_R5_EXTENSION_MAX_WORKING_DAYS
    if not reason:
        raise InvalidInput("请填写延长审核期限的理由")
    if not isinstance(working_days, int) or not 1 <= working_days <= limit:
        raise InvalidInput(f"延长的工作日须为1至{limit}")
    if review_round.extended_by:
        raise RuleViolation(f"本轮审核已延长过一次（{review_round.extended_by}个工作日），不能再次延长",
                            code="already_extended")
    due = Calendar().add_working_days(review_round.due_on, working_days)
    review_round.extended_by, review_round.extension_reason = working_days, reason
    review_round.due_on, review_round.due_provisional = due.date, review_round.due_provisional or due.provisional
    review_round.save(update_fields=["extended_by", "extension_reason", "due_on", "due_provisional"])
    document.review_due_at, document.review_due_provisional = review_round.due_on, review_round.due_provisional
    document.save(update_fields=["review_due_at", "review_due_provisional", "updated_at"])
    history.append(document=document, action="extend_review", from_state=document.state, to_state=document.state,
                   actor=actor, version=review_round.version_id,
                   opinion=f"延长{working_days}个工作日至{due.date:%Y-%m-%d}：{reason}")
    planning.plan_review_reminders(document, review_round)
    return review_round


# --- legal advisers (R16) -----------------------------------------------------------------
@act()
def document_invite_adviser(*, actor, document_id, adviser) -> AdviserInvitation:
    """A head invites a legal adviser (法律顾问/公职律师) to give a written opinion on the round."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "invite_adviser")
    review_round = _open_round(document)
    user = User.objects.filter(username=adviser, is_active=True, role=Role.ADVISER).first()
    if user is None:
        raise InvalidInput(f"{adviser}不是法律顾问或公职律师")
    invitation, created = AdviserInvitation.objects.get_or_create(
        review_round=review_round, adviser=user,
        defaults={"document": document, "invited_by": actor, "invited_at": timezone.now()})
    if created:
        history.append(document=document, action="invite_adviser", from_state=document.state,
                       to_state=document.state, actor=actor, opinion=f"邀请{user.username}出具法律意见",
                       version=review_round.version_id)
        planning.plan_adviser_opinion(document, invitation)
    return invitation


@act()
def document_give_adviser_opinion(*, actor, document_id, opinion) -> AdviserInvitation:
    """The invited adviser's written opinion on the open round."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "give_adviser_opinion")
    review_round = _open_round(document)
    invitation = review_round.adviser_invitations.select_for_update().filter(adviser=actor).first()
    if invitation is None:
        raise Forbidden("您未受邀就本轮审核出具法律意见")
    invitation.opinion, invitation.answered_at = _clean_opinion(opinion), timezone.now()
    invitation.save(update_fields=["opinion", "answered_at"])
    history.append(document=document, action="give_adviser_opinion", from_state=document.state,
                   to_state=document.state, actor=actor, opinion=invitation.opinion, version=review_round.version_id)
    planning.cancel_adviser_opinion(document, actor)
    return invitation


@act()
def finding_resolve(*, actor, document_id, finding_id, status, note="") -> ReviewFinding:
    """The reviewer confirms, on the new round, whether an earlier finding was dealt with."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "resolve_finding")
    _check_handler(actor, document, _open_round(document))
    if status not in (ReviewFinding.Status.RESOLVED, ReviewFinding.Status.NOT_RESOLVED):
        raise InvalidInput("修改情况须为：已修改或未修改")
    finding = document.findings.select_for_update().filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("该具体修改意见不存在")
    current_round = _open_round(document)
    if finding.review_round_id == current_round.pk or finding.status == ReviewFinding.Status.ADVISORY:
        raise RuleViolation("只能确认此前退回意见中的具体修改意见", code="invalid_transition")
    finding.status, finding.resolution_note = status, (note or "").strip()
    finding.resolved_by, finding.resolved_at, finding.resolved_in_round = actor, timezone.now(), current_round
    finding.save()
    history.append(document=document, action="resolve_finding", from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"{finding.article}：{finding.get_status_display()}"
                   + (f"（{finding.resolution_note}）" if finding.resolution_note else ""))
    return finding


@act()
def document_withdraw(*, actor, document_id, reason) -> Document:
    reason = (reason or "").strip()
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "withdraw")
    if not reason:
        raise InvalidInput("请填写撤回理由")
    open_round = document.review_rounds.filter(outcome="").first()
    document.closing_reason = reason
    proceed(document, "withdraw", actor, opinion=reason)
    if open_round:
        # The round ends with the withdrawal: it is no longer due.
        open_round.outcome, open_round.opinion = ReviewRound.Outcome.WITHDRAWN, reason
        open_round.decided_at = timezone.now()
        open_round.save()
    planning.cancel_open_reminders(document)
    return document


# --- kinds: major decisions (R17) and contracts (R18) --------------------------------------
@act()
def document_record_procedure_step(*, actor, document_id, step, held_on=None, summary="",
                                   not_required_reason="") -> ProcedureStep:
    """专家论证 / 风险评估 (R17, 713号): held (date, summary) or excused with a reason; recorded again
    replaces the earlier record, while the decision is being drafted or out for comment."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "record_procedure_step")
    if document.kind != Document.Kind.MAJOR_DECISION:
        raise RuleViolation("只有重大行政决策需要记录专家论证和风险评估", code="not_applicable")
    if step not in ProcedureStep.Step.values:
        raise InvalidInput("程序须为：expert_argument（专家论证）或 risk_assessment（风险评估）")
    summary, reason = (summary or "").strip(), (not_required_reason or "").strip()
    if held_on is None and not reason:
        raise InvalidInput("请填写开展日期和情况摘要，或无须开展的理由")
    if held_on is not None and not summary:
        raise InvalidInput("已开展的，请填写情况摘要")
    bounds.require_past_date(held_on, "开展日期")
    record, _ = ProcedureStep.objects.update_or_create(
        document=document, step=step,
        defaults={"held_on": held_on, "summary": summary if held_on else "",
                  "not_required_reason": "" if held_on else reason, "recorded_by": actor,
                  "recorded_at": timezone.now()})
    label = record.get_step_display()
    history.append(document=document, action="record_procedure_step", from_state=document.state,
                   to_state=document.state, actor=actor,
                   opinion=f"{label}：{held_on:%Y-%m-%d}，{summary}" if held_on else f"{label}：无须开展（{reason}）")
    return record


@act()
def document_record_signing(*, actor, document_id, signed_on: dt.date) -> Document:
    """合同签订 (R18): the date the reviewed contract was signed."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "record_signing")
    if document.kind != Document.Kind.CONTRACT:
        raise RuleViolation("只有合同可以记录签订日期", code="not_applicable")
    bounds.require_date(signed_on, "签订日期", earliest=bounds.approved_on(document),
                        earliest_why="合法性审查意见出具之日", latest=today(), latest_why="今天")
    document.contract_signed_on = signed_on
    document.save(update_fields=["contract_signed_on", "updated_at"])
    history.append(document=document, action="record_signing", from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"合同于{signed_on:%Y-%m-%d}签订")
    return document


# --- public comments (公众意见) -------------------------------------------------------------
@act()
def comment_create(*, document_id, author_name, body, contact="") -> PublicComment:
    document = selectors.document_open_for_comment(document_id)
    author_name, body = (author_name or "").strip(), (body or "").strip()
    if not author_name or not body:
        raise InvalidInput("请填写姓名（名称）和意见内容")
    author_name, body = bounds.require_line(author_name, "姓名（名称）"), bounds.normalise_text(body)
    if document.comment_closes_on and today() > document.comment_closes_on:
        raise RuleViolation("征求意见期已结束", code="comment_period_closed")
    Document.objects.select_for_update().filter(pk=document.pk).exists()  # copies arriving together agree
    comment = PublicComment.objects.create(document=document, author_name=author_name[:100],
                                           contact=(contact or "")[:100], body=body)
    file_comment(comment)  # its near-duplicate group, once (review.comments)
    return comment


@act()
def comment_dispose(*, actor, document_id, comment_id, disposition, reason="", apply_to_group=True) -> list[PublicComment]:
    """意见处理: adopted / partly adopted / not adopted, with a reason unless adopted. By default the
    same answer goes to every identical or near-identical comment (a mass comment is one point)."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "dispose_comment")
    if disposition not in PublicComment.Disposition.values:
        raise InvalidInput("处理情况须为：采纳、部分采纳或未采纳")
    reason = (reason or "").strip()
    if disposition != PublicComment.Disposition.ADOPTED and not reason:
        raise InvalidInput("部分采纳或未采纳的，请说明理由")
    target = document.public_comments.select_for_update().filter(pk=comment_id).first()
    if target is None:
        raise NotFound("意见不存在")
    members = [target]
    if apply_to_group and target.group_key is not None:  # the stored group: no grouping here
        members = list(document.public_comments.select_for_update().filter(group_key=target.group_key)
                       .order_by("created_at", "id"))
    elif apply_to_group:
        all_comments = list(document.public_comments.select_for_update().order_by("created_at", "id"))
        members = next(g.members for g in group_comments(all_comments) if target.pk in {c.pk for c in g.members})
    now = timezone.now()
    for comment in members:
        comment.disposition, comment.disposition_reason = disposition, reason
        comment.disposed_by, comment.disposed_at = actor, now
    PublicComment.objects.filter(pk__in=[c.pk for c in members]).update(  # one UPDATE, not a CASE per row
        disposition=disposition, disposition_reason=reason, disposed_by=actor, disposed_at=now)
    label = PublicComment.Disposition(disposition).label
    history.append(document=document, action="dispose_comment", from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"意见#{target.pk}" + (f"等{len(members)}条" if len(members) > 1 else "")
                   + f"：{label}" + (f"（{reason}）" if reason else ""))
    return members
