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

from accounts.models import Organisation, Role
from notifications import planning
from review import bounds, history, rules, selectors
from review.errors import ConcurrentChange, Forbidden, InvalidInput, InvalidTransition, NotFound, RuleViolation
from review.models import Document, PublicComment, ReviewFinding, ReviewRound, State, Version, content_hash
from review.comments import adoption_summary, file_comment, group_comments
from review.precheck import run_precheck
from review.working_days import add_working_days

ROLE_NAMES = dict(Role.choices)


# --- the transition machinery, shared with registry.services ------------------------------
def lock_document(actor, document_id) -> Document:
    """The document, row-locked for this transaction, if ``actor`` may see it (else 404): one
    query, the visibility rule and the lock together."""
    document = (selectors.documents_visible_to(actor).select_for_update(of=("self",))
                .select_related("approved_version").filter(pk=document_id).first())
    if document is None:
        raise NotFound("文件不存在或无权查看")
    return document


def _transition_meta(document, name):
    return getattr(type(document), name)._django_fsm


def guard(document, name, actor) -> None:
    """403 when the actor's role may never do this to this document; 409 when its state forbids."""
    meta = _transition_meta(document, name)
    any_transition = next(iter(meta.transitions.values()))
    if not any_transition.has_perm(document, actor):
        raise Forbidden(_forbidden_message(name))
    if not meta.has_transition(document.state):
        raise InvalidTransition(
            f"文件当前状态为“{document.get_state_display()}”，不能执行“{ACTION_NAMES.get(name, name)}”",
        )


def proceed(document, name, actor, *, opinion="", version=None, action=None, then=None, **transition_kwargs):
    """Check the rules (conditions), run the transition, save, run ``then`` (the act's other
    writes), and log it. The log comes last because appending locks the chain's head, which every
    act in the city waits for: the shorter it is held, the more acts proceed side by side."""
    from_state = document.state
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
    """Raise the first rule (transition condition) that forbids ``name`` now, with its code."""
    transition = _transition_meta(document, name).get_transition(document.state)
    document.__dict__.pop("_rule_answers", None)  # every act checks afresh
    for condition in transition.conditions:
        violation = condition.why(document) if isinstance(condition, rules.Rule) else None
        if violation:
            raise _violation_error(violation)


def _violation_error(violation):
    if violation.code == "validation_error":
        return InvalidInput(violation.message)
    return RuleViolation(violation.message, code=violation.code)


ACTION_NAMES = {
    "create": "创建", "edit": "修改文本", "open_public_comment": "公开征求意见",
    "close_public_comment": "结束征求意见", "submit_for_review": "报送合法性审核",
    "approve": "审核通过", "return_for_revision": "退回修改", "register": "统一登记编号",
    "publish": "统一公布", "file_record": "备案", "repeal": "废止", "expire": "失效",
    "withdraw": "撤回", "void_number": "作废编号", "dispose_comment": "处理公众意见",
    "resolve_finding": "确认审核发现整改情况", "record_evaluation": "记录实施评估",
}

_WHO_MAY = {
    "open_public_comment": Role.DRAFTER, "close_public_comment": Role.DRAFTER,
    "submit_for_review": Role.DRAFTER, "withdraw": Role.DRAFTER, "approve": Role.REVIEWER,
    "return_for_revision": Role.REVIEWER, "register": Role.REGISTRAR, "publish": Role.REGISTRAR,
    "file_record": Role.REGISTRAR, "repeal": Role.REGISTRAR, "void_number": Role.REGISTRAR,
}


def _forbidden_message(name):
    role = _WHO_MAY.get(name)
    action = ACTION_NAMES.get(name, name)
    if role == Role.DRAFTER:
        return f"只有本文件起草单位的起草人员可以{action}"
    if role:
        return f"只有{ROLE_NAMES[role]}可以{action}"
    return f"“{action}”由系统自动执行"


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
    if not actor.has_role(Role.DRAFTER) or actor.organisation_id is None:
        raise Forbidden("只有起草单位的起草人员可以创建文件")
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
    document = lock_document(actor, document_id)
    if not rules.drafter_of(document, actor):
        raise Forbidden("只有本文件起草单位的起草人员可以修改文件")
    if document.state != State.DRAFTING:
        raise RuleViolation("只有起草中的文件可以修改；征求意见、审核中或已通过审核的文本不能改动",
                            code="not_editable")
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
    bounds.require_comment_closing_date(closes_on)  # never count working days to 9999
    document = lock_document(actor, document_id)
    guard(document, "open_public_comment", actor)
    document.comment_opened_on = rules.today()
    document.comment_closes_on = closes_on
    document.comment_short_period_reason = short_period_reason or ""
    proceed(document, "open_public_comment", actor,
            opinion=f"征求意见至{closes_on:%Y-%m-%d}" + (f"；缩短理由：{short_period_reason}" if short_period_reason else ""))
    planning.plan_after_comment_opened(document)
    return document


@transaction.atomic
def document_close_public_comment(*, actor, document_id) -> Document:
    document = lock_document(actor, document_id)
    guard(document, "close_public_comment", actor)
    proceed(document, "close_public_comment", actor)
    return document


@transaction.atomic
def document_submit_for_review(*, actor, document_id, drafting_notes, comment_summary="",
                               exemption_reason="") -> Document:
    """报送合法性审核 (R2, R4); opens a review round due in R5's working days."""
    document = lock_document(actor, document_id)
    guard(document, "submit_for_review", actor)
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
    document = lock_document(actor, document_id)
    guard(document, "approve", actor)
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
    document = lock_document(actor, document_id)
    guard(document, "return_for_revision", actor)
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
    document = lock_document(actor, document_id)
    if not rules.reviewer(document, actor):
        raise Forbidden("只有合法性审核人员可以确认审核发现的整改情况")
    if document.state != State.LEGALITY_REVIEW:
        raise InvalidTransition("只有审核中的文件可以确认整改情况")
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
    document = lock_document(actor, document_id)
    guard(document, "withdraw", actor)
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
    author_name, body = bounds.require_line(author_name, "姓名（名称）"), bounds.normalise_text(body)
    if document.comment_closes_on and rules.today() > document.comment_closes_on:
        raise RuleViolation("征求意见期已结束", code="comment_period_closed")
    Document.objects.select_for_update().filter(pk=document.pk).exists()  # copies arriving together agree
    comment = PublicComment.objects.create(document=document, author_name=author_name[:100],
                                           contact=(contact or "")[:100], body=body)
    file_comment(comment)  # its near-duplicate group, once (review.comments)
    return comment


@transaction.atomic
def comment_dispose(*, actor, document_id, comment_id, disposition, reason="", apply_to_group=True) -> list[PublicComment]:
    """意见处理: adopted / partly adopted / not adopted, with a reason unless adopted. By default the
    same answer goes to every identical or near-identical comment (a mass comment is one point)."""
    document = lock_document(actor, document_id)
    if not rules.drafter_of(document, actor):
        raise Forbidden("只有本文件起草单位的起草人员可以处理公众意见")
    if document.state not in (State.DRAFTING, State.PUBLIC_COMMENT):
        raise InvalidTransition("报送审核后不能再修改意见处理情况")
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
