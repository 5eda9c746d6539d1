"""What a user may do to a document now, on the document page. Everything about an act is read
from its one home (review.lifecycle: label, form, danger; review.permissions: whether this user
may take it now); the service that does it is found by the services' naming convention
(``document_<act>`` in review.services or registry.services)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from registry import services as registry_services
from review import lifecycle, permissions
from review import services as review_services
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
BY_NAME = {action.name: action for action in ACTIONS}


def offered_actions(document, user) -> list[Action]:
    return [BY_NAME[t.name] for t in permissions.offered_acts(user, document)]


def may_edit(document, user) -> bool:
    return permissions.may(user, document, "edit")


def may_dispose_comments(document, user) -> bool:
    return permissions.may(user, document, "dispose_comment")


def may_resolve_findings(document, user) -> bool:
    return permissions.may(user, document, "resolve_finding")


def may_record_evaluation(document, user) -> bool:
    return permissions.may(user, document, "record_evaluation")
