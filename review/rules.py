"""The rules of DESIGN §1, one function each, named by their id (grep ``R7``).

Each rule is a ``Rule``: django-fsm calls it as a transition condition (``conditions=[...]``,
true or false), and the services ask it *why* it fails, so that the model's invariant and the
API's error code (``comment_required``, ``text_changed_since_review`` …) come from one place.
Who may act (R14, DESIGN §3) is a ``Who``: the transition's ``permission=``, with the roles and
the words a refusal uses. Limits are read from settings (``RULE_R3_…``), never written here.

Conditions are pure: they read the document and answer. An act evaluates each rule once: the
service asks ``why`` inside ``evaluated_once``, and django-fsm's own call of the condition a
moment later, in the same act, reads that answer from the act's context (a context variable,
never the model instance).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import contextvars
from dataclasses import dataclass
from typing import Callable

from django.conf import settings

from accounts.jurisdiction import Jurisdiction
from accounts.models import REVIEW_ROLES, Role
from core import calendar as working_days
from core.clock import today
from review import facts


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


# The answers given in the act under way: {(id(document), rule name, state): Violation | None}.
_answers: contextvars.ContextVar[dict | None] = contextvars.ContextVar("rule_answers", default=None)


@contextlib.contextmanager
def evaluated_once():
    """Within this block, each rule is checked at most once per document and state. Nested
    blocks share the outer one's answers (an act that checks before it takes a number)."""
    if _answers.get() is not None:
        yield
        return
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


class Rule:
    """A transition condition that can also explain its refusal."""

    def __init__(self, rule_id: str, check: Callable[["object"], Violation | None]):
        self.rule_id = rule_id
        self.check = check
        self.__name__ = f"{rule_id}_{check.__name__}"

    def why(self, document) -> Violation | None:
        answers = _answers.get()
        if answers is None:
            return self.check(document)
        key = (id(document), self.__name__, document.state)
        if key not in answers:
            answers[key] = self.check(document)
        return answers[key]

    def __call__(self, document) -> bool:
        return self.why(document) is None


def rule(rule_id):
    return lambda check: Rule(rule_id, check)


def requires_long_comment_period(document) -> bool:
    """R3: 30 days for a document tied to business activity (营商环境条例 Art. 62) or a major
    decision (713号 Art. 15); otherwise working days."""
    return document.business_related or document.kind == document.Kind.MAJOR_DECISION


# --- R2 / R3: public comment (公开征求意见) -------------------------------------------------
@rule("R3")
def comment_period_long_enough(document):
    opened, closes = document.comment_opened_on, document.comment_closes_on
    if opened is None or closes is None:
        return Violation("validation_error", "请填写征求意见截止日期")
    if closes <= opened:
        return Violation("validation_error", "征求意见截止日期须晚于开始日期")
    if document.comment_short_period_reason.strip():
        return None  # a shorter period is lawful with a published reason
    if requires_long_comment_period(document):
        minimum = settings.RULE_R3_COMMENT_MIN_DAYS_BUSINESS
        if (closes - opened).days < minimum:
            return Violation(
                "comment_period_too_short",
                f"涉及市场主体经营活动或重大行政决策的，征求意见期限不少于{minimum}日；"
                "如需缩短，请说明理由",
            )
        return None
    minimum = settings.RULE_R3_COMMENT_MIN_WORKING_DAYS
    count, _ = working_days.count_working_days(opened, closes)
    if count < minimum:
        return Violation(
            "comment_period_too_short",
            f"征求意见期限不少于{minimum}个工作日（当前为{count}个工作日）；如需缩短，请说明理由",
        )
    return None


@rule("R3")
def comment_period_closed(document):
    closes = document.comment_closes_on
    if document.state == document.State.PUBLIC_COMMENT and closes and today() <= closes:
        return Violation("comment_period_open", f"征求意见期尚未结束（截止 {closes:%Y-%m-%d}），暂不能报送审核")
    return None


@rule("R18")
def comment_applies(document):
    """R2/R18: a contract is not put out for public comment."""
    if document.kind == document.Kind.CONTRACT:
        return Violation("not_applicable", "合同不适用公开征求意见，请直接报送合法性审查")
    return None


@rule("R2")
def comment_held_or_exempt(document):
    if document.kind == document.Kind.CONTRACT:
        return None  # R2 does not apply to contracts
    if not document.affects_rights or document.comment_exemption_reason.strip():
        return None
    if document.comment_closes_on and document.comment_closes_on < today():
        return None
    if document.state == document.State.PUBLIC_COMMENT:
        return None  # comment_period_closed says what is missing
    if document.kind == document.Kind.MAJOR_DECISION:
        return Violation("comment_required", "重大行政决策应当公开征求意见（公众参与），征求意见期不少于30日；"
                         "依法不公开的，请填写不公开理由")
    kind = "规范性文件" if document.kind == document.Kind.NORMATIVE else document.get_kind_display()
    return Violation(
        "comment_required",
        f"涉及公民、法人和其他组织权利义务的{kind}，应当公开征求意见；依法不公开的，请填写不公开理由",
    )


# --- R18: a contract's particulars ----------------------------------------------------------
@rule("R18")
def contract_recorded(document):
    if document.kind != document.Kind.CONTRACT:
        return None
    missing = [label for label, value in (("合同相对方", document.contract_counterparty),
                                          ("合同金额", document.contract_amount_yuan),
                                          ("合同类型", document.contract_type)) if value in (None, "")]
    if missing:
        return Violation("validation_error", "合同须写明" + "、".join(missing))
    return None


# --- R17: a major decision's procedure (713号) ------------------------------------------------
@rule("R17")
def decision_procedure_complete(document):
    if document.kind != document.Kind.MAJOR_DECISION:
        return None
    done = {step for step, held, reason in document.procedure_steps.values_list("step", "held_on", "not_required_reason")
            if held or reason.strip()}
    missing = [label for value, label in (("expert_argument", "专家论证"), ("risk_assessment", "风险评估"))
               if value not in done]
    if missing:
        return Violation("procedure_incomplete",
                         "重大行政决策报送合法性审查前，须开展" + "、".join(missing) + "，或记录无须开展的理由")
    return None


@rule("R17")
def is_major_decision(document):
    if document.kind != document.Kind.MAJOR_DECISION:
        return Violation("not_applicable", f"{document.get_kind_display()}不经集体讨论决定程序")
    return None


@rule("R17")
def decision_recorded(document):
    if not (document.decision_meeting or "").strip() or document.decided_on is None:
        return Violation("validation_error", "请填写决策会议名称和决策日期")
    if document.decided_on > today():
        return Violation("validation_error", "决策日期不能晚于今天")
    return None


# --- R4: what a submission carries (报送审核材料) --------------------------------------------
@rule("R4")
def submission_materials_complete(document):
    missing = []
    if not document.drafting_notes.strip():
        missing.append("起草说明（含制定依据）")
    if document.comment_closes_on and not document.comment_summary.strip():
        missing.append("征求意见采纳情况")
    undisposed = facts.get(document, "undisposed_comments")
    if undisposed:
        missing.append(f"{undisposed}条公众意见的处理情况")
    if missing:
        return Violation("materials_incomplete", "报送审核材料不全：缺少" + "、".join(missing))
    return None


# --- R5: the review takes its time (115号) --------------------------------------------------
def review_minimum(document) -> int:
    """R5: at least 5 working days of review (7 for a major decision, 713号)."""
    if document.kind == document.Kind.MAJOR_DECISION:
        return settings.RULE_R5_REVIEW_MIN_WORKING_DAYS_MAJOR
    return settings.RULE_R5_REVIEW_MIN_WORKING_DAYS


def review_working_days(document) -> int:
    """R5/R18: the working days a review may take: 15; 7 for a contract."""
    if document.kind == document.Kind.CONTRACT:
        return settings.RULE_R18_CONTRACT_REVIEW_WORKING_DAYS
    return settings.RULE_R5_REVIEW_WORKING_DAYS


def review_working_days_elapsed(document, review_round, today) -> int:
    """Working days the round has run: its budget (plus an extension) less what is left. Time
    paused for missing materials does not count (the due date moved with the pause)."""
    left, _ = working_days.count_working_days(today, review_round.due_on)
    return review_working_days(document) + (review_round.extended_by or 0) - left


def review_time_violation(document, review_round, *, urgent_reason: str, today) -> Violation | None:
    """R5: an opinion earlier than the minimum needs a recorded urgency reason."""
    minimum = review_minimum(document)
    elapsed = review_working_days_elapsed(document, review_round, today)
    if elapsed >= minimum or urgent_reason.strip():
        return None
    word = document.review_word
    return Violation("review_too_early",
                     f"{word}时间一般不少于{minimum}个工作日（本轮已{word[-2:]}{max(elapsed, 0)}个工作日）；"
                     "确需提前出具意见的，请填写紧急审核理由")


# --- R16: a legal adviser's written opinion (法律顾问/公职律师) --------------------------------
def requires_adviser_opinion(document) -> bool:
    """A major decision always; a contract at or above RULE_R16_CONTRACT_AMOUNT_YUAN (while a
    contract's amount is not recorded, on the safe side: always)."""
    if document.kind == document.Kind.MAJOR_DECISION:
        return True
    if document.kind == document.Kind.CONTRACT:
        amount = getattr(document, "contract_amount_yuan", None)
        return amount is None or amount >= settings.RULE_R16_CONTRACT_AMOUNT_YUAN
    return False


@rule("R16")
def adviser_opinion_given(document):
    if not requires_adviser_opinion(document):
        return None
    if facts.get(document, "adviser_answered"):
        return None
    kind = document.get_kind_display()
    return Violation("adviser_opinion_required",
                     f"{kind}须有法律顾问或公职律师出具书面法律意见后，方可{document.review_word}通过")


# --- R6: a return's findings are followed up before approval (DESIGN §7) --------------------
@rule("R6")
def findings_resolved(document):
    pending = facts.get(document, "pending_findings")
    if pending:
        return Violation("unresolved_findings", f"此前审核意见中尚有{pending}项具体修改意见未确认已修改，不能审核通过")
    return None


# --- R7: the exact text reviewed is the text deliberated, registered and published ---------
@rule("R7")
def reviewed_text_is_current(document):
    # Versions are immutable (their text and hash, at the database too): the approved version
    # being the current one is the exact text being the one reviewed.
    approved, current = document.approved_version_id, document.current_version_id
    word = document.review_word
    if approved is None:
        return Violation("review_required", f"该文件未经{word}通过，不得审议、决策、登记或公布")
    if current is None or approved != current:
        return Violation("text_changed_since_review", f"文本在{word}后已被修改，须重新报送{word}")
    if not facts.get(document, "lawful_review_of_approved"):
        return Violation("review_required", f"该文件未经{word}通过，不得审议、决策、登记或公布")
    return None


# --- R8: collective deliberation (集体审议) -------------------------------------------------
@rule("R8")
def deliberation_recorded(document):
    if not document.deliberation_meeting.strip() or document.deliberated_on is None:
        return Violation("deliberation_required", "请先记录集体审议的会议名称和日期")
    if document.deliberated_on > today():
        return Violation("validation_error", "集体审议日期不能晚于今天")
    return None


@rule("R9")
def not_yet_numbered(document):
    if document.number:
        return Violation("already_registered", f"该文件已登记编号：{document.number}")
    return None


@rule("R9")
def number_voided_first(document):
    if document.number:
        return Violation("number_not_voided", f"该文件已登记编号{document.number}，须先由登记人员作废编号后方可撤回")
    return None


# --- R10: published before it is used (营商环境条例 Art. 64) --------------------------------
@rule("R10")
def number_allocated(document):
    if not document.number:
        return Violation("not_registered", "文件尚未统一登记编号，不能公布")
    return None


@rule("R10")
def publication_recorded(document):
    if not document.publication_channel or document.published_on is None:
        return Violation("validation_error", "请填写公布载体和公布日期")
    return None


# --- R12: validity (有效期) ------------------------------------------------------------------
def validity_violation(validity_years, provisional, valid_until=None, starts_on=None) -> Violation | None:
    """R12's maxima (5 years; 2 for 暂行/试行), by years or by an end date (``valid_until``, the
    last day of validity, counted from ``starts_on``: the effective date, or today for a draft)."""
    limit = (settings.RULE_R12_MAX_VALIDITY_YEARS_PROVISIONAL if provisional
             else settings.RULE_R12_MAX_VALIDITY_YEARS)
    kind = "暂行、试行的规范性文件" if provisional else "规范性文件"
    if validity_years is not None and valid_until is not None:
        return Violation("validity_ambiguous", "有效期年数（validity_years）与有效期截止日期（valid_until）只能填写一项")
    if validity_years is not None and (validity_years < 1 or validity_years > limit):
        return Violation("validity_too_long", f"{kind}有效期不得超过{limit}年")
    if valid_until is not None and starts_on is not None:
        if valid_until < starts_on:
            return Violation("validity_before_effective",
                             f"有效期截止日期（{valid_until:%Y-%m-%d}）不能早于{starts_on:%Y-%m-%d}")
        if valid_until >= working_days.add_years(starts_on, limit):
            return Violation("validity_too_long", f"{kind}有效期不得超过{limit}年"
                             f"（自{starts_on:%Y-%m-%d}起，截止日期最晚为"
                             f"{working_days.add_years(starts_on, limit) - dt.timedelta(days=1):%Y-%m-%d}）")
    return None


@rule("R12")
def validity_within_limit(document):
    return validity_violation(document.validity_years, document.provisional, document.valid_until,
                              document.effective_from or today())


@rule("R11")
def filing_applies(document):
    """R11/R13: normative documents are filed (备案); a published major decision is not."""
    if document.kind != document.Kind.NORMATIVE:
        return Violation("not_applicable", f"{document.get_kind_display()}无须报送备案")
    return None


@rule("R11")
def not_yet_filed(document):
    if document.filed_on:
        return Violation("already_filed", f"该文件已于 {document.filed_on:%Y-%m-%d} 备案")
    return None


@rule("R12")
def validity_ended(document):
    if document.expires_on is None or document.expires_on >= today():
        return Violation("still_valid", "文件仍在有效期内")
    return None


# --- R12: the dates that follow from publication ---------------------------------------------
def validity_dates(effective_from, validity_years, valid_until=None) -> tuple:
    """(expires_on, evaluation_due_on): the last day of validity (5 years from 2026-04-01 run to
    2031-03-31 inclusive; or ``valid_until`` itself) and the evaluation
    RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY before it (not before the effective date); without a
    validity period, no expiry and an evaluation every RULE_R12_EVALUATE_EVERY_YEARS."""
    if validity_years or valid_until:
        expires_on = valid_until or working_days.add_years(effective_from, validity_years) - dt.timedelta(days=1)
        evaluation = working_days.add_months(expires_on, -settings.RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY)
        return expires_on, max(evaluation, effective_from)
    return None, working_days.add_years(effective_from, settings.RULE_R12_EVALUATE_EVERY_YEARS)


# --- R14: who may act (django-fsm ``permission=``; DESIGN §3) --------------------------------
class Who:
    """A role and the jurisdiction it acts in. ``words`` name them in a refusal:
    "只有{words}可以{act}"."""

    def __init__(self, roles: tuple, words: str, check: Callable[["object", "object", Jurisdiction], bool]):
        self.roles, self.words, self.check = roles, words, check

    def __call__(self, document, user, jurisdiction: Jurisdiction | None = None) -> bool:
        if user is None or not user.has_role(*self.roles):
            return False
        return self.check(document, user, jurisdiction or Jurisdiction())

    def has_role(self, user) -> bool:
        return user is not None and user.has_role(*self.roles)


drafter_of = Who((Role.DRAFTER,), "本文件起草单位的起草人员",
                 lambda document, user, j: user.organisation_id == document.drafting_org_id)
reviewer_of = Who(REVIEW_ROLES, "本文件审核机构的审核人员",
                  lambda document, user, j: user.organisation_id is not None
                  and user.organisation_id == j.review_body_of(document.issuer_id))
registrar_of = Who((Role.REGISTRAR,), "该制定机关登记机构的登记人员",
                   lambda document, user, j: user.organisation_id is not None
                   and user.organisation_id == j.registry_office_of(document.issuer_id))


head_of = Who((Role.REVIEW_HEAD,), "本文件审核机构的审核负责人",
              lambda document, user, j: user.organisation_id is not None
              and user.organisation_id == j.review_body_of(document.issuer_id))
invited_adviser = Who((Role.ADVISER,), "受邀的法律顾问或公职律师",
                      lambda document, user, j: document.adviser_invitations.filter(adviser=user).exists())


def system(document, user) -> bool:
    """Transitions run by the periodic tasks (expire); no person may call them."""
    return user is None
