"""What a user may do to a document now, on the document page. Everything about an act is read
from its one home (review.lifecycle: label, form, danger; review.permissions: whether this user
may take it now); the service that does it is found by the services' naming convention
(``document_<act>`` in review.services or registry.services)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _

from accounts.jurisdiction import Jurisdiction
from registry import services as registry_services
from review import lifecycle, permissions, rules, selectors
from review import services as review_services
from review.models import DecisionCatalogueItem, Document, Opinion, ProcedureStep
from web import forms


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type
    service: Callable
    with_findings: bool = False
    danger: bool = False


def service_for(name: str) -> Callable:
    service = getattr(review_services, f"document_{name}", None) or getattr(registry_services, f"document_{name}")
    return service


def _action(transition) -> Action:
    custom = transition.custom
    return Action(transition.name, custom["label"], getattr(forms, custom["form"]), service_for(transition.name),
                  with_findings=custom.get("with_findings", False), danger=custom.get("danger", False))


ACTIONS = [_action(t) for t in lifecycle.page_transitions()]

# The review desk's acts (R5, R15, R16) change no state; they are declared in
# review.lifecycle.OTHER_ACTS with their label, who and form, and served by the same route.
DESK_ACTS = ("assign", "extend_review", "invite_adviser", "sign_opinion", "give_adviser_opinion")


def _desk_action(name) -> Action:
    act = lifecycle.OTHER_ACTS[name]
    return Action(name, act.label, getattr(forms, act.form), service_for(name))


DESK_ACTIONS = [_desk_action(name) for name in DESK_ACTS]
DRAFTING_ACTS = ("approve", "return_for_revision")  # the acts that draft an opinion (R15)
BY_NAME = {action.name: action for action in ACTIONS + DESK_ACTIONS}


def offered_actions(document, user) -> list[Action]:
    return [BY_NAME[t.name] for t in permissions.offered_acts(user, document) if applies_to_kind(t.name, document)]


def offered_desk_actions(document, user, *, open_round, opinions) -> list[Action]:
    """The desk acts this user may take now (``permissions.may``), where there is something to
    act on: an opinion awaiting signature, a round not yet extended, an unanswered invitation."""
    awaiting = any(o.status == Opinion.Status.AWAITING_SIGNOFF for o in opinions)
    if open_round is None or open_round.is_paused:
        return []
    when = {
        "sign_opinion": lambda: awaiting,
        "extend_review": lambda: not open_round.extended_by,
        "give_adviser_opinion": lambda: any(i.adviser_id == user.pk and not i.answered_at
                                            for i in open_round.adviser_invitations.all()),
    }
    return [a for a in DESK_ACTIONS
            if permissions.may(user, document, a.name) and (a.name not in when or when[a.name]())]


def people_for(name, document=None, *, body_id=None) -> dict:
    """The choices of a form that picks a person: the review body's staff, or the advisers."""
    if name == "assign":
        body = body_id if body_id is not None else Jurisdiction().review_body_of(document.issuer_id)
        return {"people": selectors.review_staff(body)}
    if name == "invite_adviser":
        return {"people": selectors.advisers()}
    return {}


def make_form(action, document=None, data=None, *, choices=None, **kwargs):
    """The page form of ``action`` (prefixed with its name), with its choices when it picks a
    person (``choices``: ``people_for``'s answer, when a desk reads it once for many forms)."""
    extra = choices if choices is not None else people_for(action.name, document)
    return action.form(data, prefix=action.name, **extra, **kwargs)


def done_message(action, result, data) -> str:
    """What the page says after an act, in the words of its outcome (R15: a handler's opinion
    goes to a head for signature, it is not done yet)."""
    if isinstance(result, Opinion) and result.status == Opinion.Status.AWAITING_SIGNOFF:
        return _("Submitted to the review head for signature.")
    if action.name == "return_for_revision" and result is None:
        return _("Returned to the drafter for missing materials; the review clock is paused.")
    if action.name == "sign_opinion" and data.get("decision") == forms.SignOpinionForm.SEND_BACK:
        return _("Sent back to the handler with your note.")
    return _("Done: %(action)s.") % {"action": action.label}


def may_edit(document, user) -> bool:
    return permissions.may(user, document, "edit")


def may_dispose_comments(document, user) -> bool:
    return permissions.may(user, document, "dispose_comment")


def may_resolve_findings(document, user) -> bool:
    return permissions.may(user, document, "resolve_finding")


def may_record_evaluation(document, user) -> bool:
    return permissions.may(user, document, "record_evaluation")


# --- (issue 14) a kind's own acts that change no state: a major decision's expert argument and
# risk assessment (R17), a contract's signing date (R18); declared in review.lifecycle.OTHER_ACTS
# and served by the document page's route like the desk acts.
KIND_ACTS = ("record_procedure_step", "record_signing")
KIND_ACTIONS = [_desk_action(name) for name in KIND_ACTS]
BY_NAME.update({action.name: action for action in KIND_ACTIONS})


def kind_panel(document, user, forms_by_action=None) -> dict:
    """What the document page shows of a kind: a decision's catalogue item and procedure steps
    (with a form per step while the drafter may record them), a contract's particulars and the
    form for its signing date."""
    forms_by_action = forms_by_action or {}
    panel = {"is_decision": document.kind == Document.Kind.MAJOR_DECISION,
             "is_contract": document.kind == Document.Kind.CONTRACT}
    if panel["is_decision"]:
        panel["catalogue_item"] = DecisionCatalogueItem.objects.filter(document=document).first()
        records = {step.step: step for step in selectors.procedure_steps_of(document)}
        act = BY_NAME["record_procedure_step"]
        may_record = permissions.may(user, document, act.name)
        bound = forms_by_action.get(act.name)
        rows = []
        for value, label in ProcedureStep.Step.choices:
            form = None
            if may_record:
                form = (bound if bound is not None and bound.data.get(f"{act.name}-step") == value
                        else act.form(prefix=act.name, initial={"step": value}, auto_id=f"id_%s_{value}"))
            rows.append({"step": value, "label": label, "record": records.get(value), "form": form})
        panel["steps"] = rows
    if panel["is_contract"]:
        act = BY_NAME["record_signing"]
        panel["signing_form"] = (forms_by_action.get(act.name) or act.form(prefix=act.name)) \
            if permissions.may(user, document, act.name) else None
    return panel


# Acts that never apply to a kind are not offered (R18: a contract is not put out for comment);
# the rule that says so is the transition's own condition.
NOT_FOR_EVERY_KIND = {"open_public_comment": rules.comment_applies}


def applies_to_kind(name, document) -> bool:
    condition = NOT_FOR_EVERY_KIND.get(name)
    return condition is None or condition(document)
