"""Reading the lifecycle: what each act is called, who may take it, which form collects it.

The transitions are declared once, on ``review.models.Document`` (django-fsm ``custom=``); the
few acts that change no state (editing, handling comments, confirming findings, evaluating) are
declared once here, in ``OTHER_ACTS``. Everything that shows or explains an act (API messages,
the pages' buttons, the history, the admin) asks this module, through django-fsm-2's public API
(``get_all_state_transitions``, ``Transition.has_perm``, ``can_proceed``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django_fsm import Transition, can_proceed

from review import rules
from review.models import Document, State


@dataclass(frozen=True)
class OtherAct:
    """An act that changes no state, declared like a transition: label, who, page form."""

    name: str
    label: str
    who: rules.Who | None = None
    form: str = ""
    states: tuple = ()
    custom: dict = field(default_factory=dict)


OTHER_ACTS = {act.name: act for act in (
    OtherAct("create", "创建", rules.drafter_of),
    OtherAct("edit", "修改文本", rules.drafter_of, states=(State.DRAFTING,)),
    OtherAct("dispose_comment", "处理公众意见", rules.drafter_of, form="DisposeForm",
             states=(State.DRAFTING, State.PUBLIC_COMMENT)),
    OtherAct("resolve_finding", "确认具体修改意见的修改情况", rules.reviewer_of, form="ResolveFindingForm",
             states=(State.LEGALITY_REVIEW,)),
    OtherAct("record_evaluation", "记录实施评估", rules.registrar_of, form="EvaluationForm",
             states=(State.PUBLISHED,)),
    # the review desk (R5, R15, R16)
    OtherAct("assign", "分配承办人", rules.head_of, form="AssignForm", states=(State.LEGALITY_REVIEW,)),
    OtherAct("extend_review", "延长审核期限", rules.head_of, form="ExtendReviewForm", states=(State.LEGALITY_REVIEW,)),
    OtherAct("invite_adviser", "邀请法律顾问", rules.head_of, form="InviteAdviserForm",
             states=(State.LEGALITY_REVIEW,)),
    OtherAct("sign_opinion", "签发审核意见", rules.head_of, form="SignOpinionForm", states=(State.LEGALITY_REVIEW,)),
    OtherAct("give_adviser_opinion", "出具法律顾问意见", rules.invited_adviser, form="AdviserOpinionForm",
             states=(State.LEGALITY_REVIEW,)),
    # kinds (R17, R18)
    OtherAct("record_procedure_step", "记录专家论证、风险评估", rules.drafter_of, form="ProcedureStepForm",
             states=(State.DRAFTING, State.PUBLIC_COMMENT)),
    OtherAct("record_signing", "记录合同签订", rules.drafter_of, form="RecordSigningForm", states=(State.REVIEWED,)),
    # what the history shows of acts done through a transition or a sign-off
    OtherAct("draft_opinion", "拟写审核意见（待签发）"),
    OtherAct("send_back_opinion", "退回审核意见"),
    OtherAct("request_materials", "退回补充材料（审核期限暂停）"),
    OtherAct("list_in_catalogue", "列入决策事项目录"),
    # 备案审查 (R11, R19): acts on a filing or a review request, logged on the document
    # (who may take them: registry.models.Filing, registry.permissions)
    OtherAct("filing_submit", "报送备案"),
    OtherAct("filing_accept", "登记备案"),
    OtherAct("filing_return", "备案退回补正"),
    OtherAct("filing_conclude", "作出备案审查结论"),
    OtherAct("filing_respond", "答复纠正意见"),
    OtherAct("filing_reject_response", "不认可纠正答复"),
    OtherAct("review_request_received", "收到审查建议"),
    OtherAct("review_request_reply", "答复审查建议"),
    # after publication (R12, R20)
    OtherAct("write_interpretation", "撰写政策解读", rules.drafter_of,
             states=(State.DRAFTING, State.PUBLIC_COMMENT, State.LEGALITY_REVIEW, State.REGISTRATION,
                     State.PUBLISHED)),
    OtherAct("amended_by", "被新文件修改"),
    OtherAct("cleanup_decide", "作出清理意见", rules.registrar_of, states=(State.PUBLISHED,)),
    OtherAct("cleanup_keep", "清理结果：继续有效"),
    OtherAct("cleanup_amend", "清理结果：列入修改"),
)}


@cache
def transitions() -> dict[str, Transition]:
    """Each transition by name (one ``Transition`` per name: its label, who and form are the
    same from every source state)."""
    out: dict[str, Transition] = {}
    for transition in Document().get_all_state_transitions():
        out.setdefault(transition.name, transition)
    return out


def label(name: str) -> str:
    """What users read for an act (history rows, buttons, messages)."""
    transition = transitions().get(name)
    if transition is not None:
        return transition.custom.get("label", name)
    other = OTHER_ACTS.get(name)
    return other.label if other else name


def who(name: str):
    transition = transitions().get(name)
    if transition is not None:
        return transition.permission
    other = OTHER_ACTS.get(name)
    return other.who if other else None


def forbidden_message(name: str) -> str:
    permission = who(name)
    words = getattr(permission, "words", None)
    if words:
        return f"只有{words}可以{label(name)}"
    return f"“{label(name)}”由系统自动执行"


def state_allows(document, name: str) -> bool:
    """Whether the document's state admits this act (not the rules, not the person)."""
    if name in transitions():
        return can_proceed(getattr(document, name), check_conditions=False)
    other = OTHER_ACTS.get(name)
    return other is not None and (not other.states or document.state in other.states)


def page_transitions() -> list[Transition]:
    """Transitions a person takes on the document page (those with a form), in declared order."""
    return [t for t in transitions().values() if t.custom.get("form")]

