"""Every write of the review side (HackSoft style: views and serializers stay thin).

Each act runs in one ``transaction.atomic()``: lock the document row, check who may act
(403), whether the state allows it (409 ``invalid_transition``), the rules (409 with the rule's
code), then transition, save and append one history row. Anything raised rolls all of it back,
so a refused act changes nothing.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from core.calendar import add_working_days
from core.clock import today
from core.errors import ConcurrentChange, Forbidden, InvalidInput, InvalidTransition, NotFound, RuleViolation
from accounts.models import Organisation
from notifications import planning
from review import history, lifecycle, permissions, rules, selectors
from review.comments import adoption_summary, group_comments
from review.models import Document, PublicComment, ReviewFinding, ReviewRound, State, Version, content_hash
from review.precheck import run_precheck


# --- the transition machinery, shared with registry.services ------------------------------
def proceed(document, name, actor, *, opinion="", version=None, action=None, then=None, **transition_kwargs):
    """Check the rules (conditions), run the transition, save, run ``then`` (the act's other
    writes), and log it. Each rule is evaluated once in the act (``rules.evaluated_once``), the
    transition's own call of its conditions included. The log comes last because appending
    locks the chain's head, which every act in the city waits for: the shorter it is held, the
    more acts proceed side by side."""
    from_state = document.state
    with rules.evaluated_once():
        check_rules(document, name)
        getattr(document, name)(**transition_kwargs)
    try:
        document.save()
    except ConcurrentTransition:
        raise ConcurrentChange("该文件刚被他人处理，请刷新后重试")
    if then is not None:
        then()
    return history.append(document=document, action=action or name, from_state=from_state,
                          to_state=document.state, actor=actor, opinion=opinion,
                          version=version or document.current_version)


def check_rules(document, name) -> None:
    """Raise the first rule (transition condition) that forbids ``name`` now, with its code.
    Inside ``rules.evaluated_once()`` the answers are kept for the transition's own check."""
    for condition in lifecycle.transitions()[name].conditions:
        violation = condition.why(document) if isinstance(condition, rules.Rule) else None
        if violation:
            raise _violation_error(violation)


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
    return title


def _clean_body(body) -> str:
    body = body or ""
    if not body.strip():
        raise InvalidInput("正文不能为空")
    if len(body) > settings.MAX_BODY_CHARS:
        raise InvalidInput(f"正文不能超过{settings.MAX_BODY_CHARS}个字符")
    return body


def _check_validity(validity_years, provisional):
    violation = rules.validity_violation(validity_years, provisional)
    if violation:
        raise InvalidInput(violation.message, code=violation.code)


def _new_version(document, body, author) -> Version:
    """A new immutable text version, pre-checked once against R1 (a warning, never a block)."""
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Version.objects.create(document=document, number=number, body=body, sha256=content_hash(body),
                                  author=author, precheck=[f.as_dict() for f in run_precheck(body)])


# --- drafting ------------------------------------------------------------------------------
@transaction.atomic
def document_create(*, actor, title, body, issuer: Organisation, kind=Document.Kind.NORMATIVE,
                    affects_rights=True, business_related=False, validity_years=None,
                    provisional=False) -> Document:
    permissions.check_create(actor, issuer)
    _check_validity(validity_years, provisional)
    document = Document.objects.create(
        kind=kind, title=_clean_title(title), issuer=issuer, drafting_org_id=actor.organisation_id,
        affects_rights=affects_rights, business_related=business_related,
        validity_years=validity_years, provisional=provisional, created_by=actor,
    )
    document.current_version = _new_version(document, _clean_body(body), actor)
    document.save(update_fields=["current_version"])
    history.append(document=document, action="create", from_state="", to_state=document.state,
                   actor=actor, version=document.current_version)
    return document


EDITABLE_FIELDS = {"title", "body", "kind", "issuer", "affects_rights", "business_related",
                   "validity_years", "provisional"}


@transaction.atomic
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
                    changes.get("provisional", document.provisional))
    body = changes.pop("body", None)
    for field, value in changes.items():
        setattr(document, field, value)
    new_version = None
    if body is not None and content_hash(_clean_body(body)) != document.current_version.sha256:
        new_version = document.current_version = _new_version(document, body, actor)
    document.save()
    if new_version or changes:
        history.append(document=document, action="edit", from_state=document.state,
                       to_state=document.state, actor=actor, version=document.current_version,
                       opinion="修改正文" if new_version else "修改文件信息")
    return document


@transaction.atomic
def document_open_public_comment(*, actor, document_id, closes_on: dt.date,
                                 short_period_reason="") -> Document:
    """公开征求意见 (R3): the period runs from today to ``closes_on`` inclusive."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "open_public_comment")
    document.comment_opened_on = today()
    document.comment_closes_on = closes_on
    document.comment_short_period_reason = short_period_reason or ""
    proceed(document, "open_public_comment", actor,
            opinion=f"征求意见至{closes_on:%Y-%m-%d}" + (f"；缩短理由：{short_period_reason}" if short_period_reason else ""))
    planning.plan_after_comment_opened(document)
    return document


@transaction.atomic
def document_close_public_comment(*, actor, document_id) -> Document:
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "close_public_comment")
    proceed(document, "close_public_comment", actor)
    return document


@transaction.atomic
def document_submit_for_review(*, actor, document_id, drafting_notes, comment_summary="",
                               exemption_reason="") -> Document:
    """报送合法性审核 (R2, R4); opens a review round due in R5's working days."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "submit_for_review")
    document.drafting_notes = drafting_notes or ""
    comments = list(document.public_comments.all())
    # R4: the comment handling is written from the dispositions unless the drafter writes it.
    document.comment_summary = (comment_summary or "").strip() or (
        adoption_summary(comments) if comments or document.comment_closes_on else "")
    document.comment_exemption_reason = exemption_reason or ""
    now = timezone.now()
    due = add_working_days(timezone.localdate(now), settings.RULE_R5_REVIEW_WORKING_DAYS)
    document.review_due_at, document.review_due_provisional = due.date, due.provisional
    def open_round():
        review_round = ReviewRound.objects.create(
            document=document, round_no=document.review_rounds.count() + 1,
            version=document.current_version, submitted_at=now, submitted_by=actor,
            due_on=due.date, due_provisional=due.provisional, drafting_notes=document.drafting_notes,
            comment_summary=document.comment_summary, comment_exemption_reason=document.comment_exemption_reason,
        )
        planning.plan_after_submission(document, review_round)

    proceed(document, "submit_for_review", actor, then=open_round,
            opinion=f"审核期限{due.date:%Y-%m-%d}" + ("（暂定）" if due.provisional else ""))
    return document


def _open_round(document) -> ReviewRound:
    return document.review_rounds.select_for_update().get(outcome="")


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


@transaction.atomic
def document_approve(*, actor, document_id, opinion, findings=None) -> Document:
    """合法 (R6): the round records the version it approved; R7 holds from here on. Refused while
    a finding of an earlier round is not confirmed resolved (``unresolved_findings``)."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "approve")
    review_round = _open_round(document)
    _decide(review_round, outcome=ReviewRound.Outcome.LAWFUL, opinion=opinion, findings=findings, actor=actor)
    document.approved_version = review_round.version
    # ends the review reminders; plans registration_pending
    proceed(document, "approve", actor, opinion=review_round.opinion, version=review_round.version,
            then=lambda: planning.plan_after_approval(document))
    return document


@transaction.atomic
def document_return_for_revision(*, actor, document_id, outcome, opinion, findings=None) -> Document:
    """修改后合法 / 不合法 / 退回补充材料 (R6): the round closes, which stops its clock (R5)."""
    if outcome not in ReviewRound.RETURN_OUTCOMES:
        raise InvalidInput("审核结论须为：修改后合法、不合法或退回补充材料")
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "return_for_revision")
    review_round = _open_round(document)
    _decide(review_round, outcome=outcome, opinion=opinion, findings=findings, actor=actor)
    label = ReviewRound.Outcome(outcome).label
    proceed(document, "return_for_revision", actor, opinion=f"【{label}】{review_round.opinion}",
            version=review_round.version,
            then=lambda: planning.cancel_open_reminders(document, kinds=planning.REVIEW_KINDS))
    return document


@transaction.atomic
def finding_resolve(*, actor, document_id, finding_id, status, note="") -> ReviewFinding:
    """The reviewer confirms, on the new round, whether an earlier finding was dealt with."""
    document = permissions.access_document(actor, document_id, lock=True)
    permissions.check_act(actor, document, "resolve_finding")
    if status not in (ReviewFinding.Status.RESOLVED, ReviewFinding.Status.NOT_RESOLVED):
        raise InvalidInput("整改情况须为：已整改或未整改")
    finding = document.findings.select_for_update().filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("审核发现不存在")
    current_round = _open_round(document)
    if finding.review_round_id == current_round.pk or finding.status == ReviewFinding.Status.ADVISORY:
        raise RuleViolation("只能确认此前退回意见中的审核发现", code="invalid_transition")
    finding.status, finding.resolution_note = status, (note or "").strip()
    finding.resolved_by, finding.resolved_at, finding.resolved_in_round = actor, timezone.now(), current_round
    finding.save()
    history.append(document=document, action="resolve_finding", from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"{finding.article}：{finding.get_status_display()}"
                   + (f"（{finding.resolution_note}）" if finding.resolution_note else ""))
    return finding


@transaction.atomic
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


# --- public comments (公众意见) -------------------------------------------------------------
@transaction.atomic
def comment_create(*, document_id, author_name, body, contact="") -> PublicComment:
    document = selectors.document_open_for_comment(document_id)
    author_name, body = (author_name or "").strip(), (body or "").strip()
    if not author_name or not body:
        raise InvalidInput("请填写姓名（名称）和意见内容")
    if document.comment_closes_on and today() > document.comment_closes_on:
        raise RuleViolation("征求意见期已结束", code="comment_period_closed")
    return PublicComment.objects.create(document=document, author_name=author_name[:100],
                                        contact=(contact or "")[:100], body=body)


@transaction.atomic
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
    all_comments = list(document.public_comments.select_for_update().order_by("created_at", "id"))
    target = next((c for c in all_comments if c.pk == int(comment_id)), None)
    if target is None:
        raise NotFound("意见不存在")
    members = [target]
    if apply_to_group:
        members = next(g.members for g in group_comments(all_comments) if target in g.members)
    now = timezone.now()
    for comment in members:
        comment.disposition, comment.disposition_reason = disposition, reason
        comment.disposed_by, comment.disposed_at = actor, now
    PublicComment.objects.bulk_update(members, ["disposition", "disposition_reason", "disposed_by", "disposed_at"])
    label = PublicComment.Disposition(disposition).label
    history.append(document=document, action="dispose_comment", from_state=document.state, to_state=document.state,
                   actor=actor, opinion=f"意见#{target.pk}" + (f"等{len(members)}条" if len(members) > 1 else "")
                   + f"：{label}" + (f"（{reason}）" if reason else ""))
    return members
