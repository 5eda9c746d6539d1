"""What a user may do to a document now, on the document page: one row per act, with its form
and the service that does it. The state machine and roles decide what is offered (only what
this user may do in this state); the services decide the rest and say why in Chinese."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _

from registry import services as registry_services
from review import rules
from review import services as review_services
from review.models import Document, State
from web import forms


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type
    service: Callable
    with_findings: bool = False
    danger: bool = False
    when: Callable[[Document], bool] | None = None  # a plain fact that makes the act pointless now

    def offered(self, document, user) -> bool:
        meta = getattr(Document, self.name)._django_fsm
        if not meta.has_transition(document.state) or (self.when and not self.when(document)):
            return False
        return meta.get_transition(document.state).has_perm(document, user)


ACTIONS = [
    Action("open_public_comment", _("Open public comment"), forms.OpenPublicCommentForm,
           review_services.document_open_public_comment),
    Action("close_public_comment", _("Close public comment and revise"), forms.EmptyForm,
           review_services.document_close_public_comment),
    Action("submit_for_review", _("Submit for legality review"), forms.SubmitForReviewForm,
           review_services.document_submit_for_review),
    Action("approve", _("Approve: lawful"), forms.ApproveForm, review_services.document_approve, with_findings=True),
    Action("return_for_revision", _("Return for revision"), forms.ReturnForRevisionForm,
           review_services.document_return_for_revision, with_findings=True),
    Action("register", _("Register and number"), forms.RegisterForm, registry_services.document_register,
           when=lambda d: not d.number),
    Action("publish", _("Publish"), forms.PublishForm, registry_services.document_publish,
           when=lambda d: bool(d.number)),
    Action("file_record", _("File with the higher authority"), forms.FileRecordForm,
           registry_services.document_file_record),
    Action("void_number", _("Void the number"), forms.ReasonForm, registry_services.document_void_number,
           danger=True, when=lambda d: bool(d.number)),
    Action("repeal", _("Repeal"), forms.RepealForm, registry_services.document_repeal, danger=True),
    Action("withdraw", _("Withdraw"), forms.ReasonForm, review_services.document_withdraw, danger=True),
]
BY_NAME = {action.name: action for action in ACTIONS}


def offered_actions(document, user) -> list[Action]:
    return [action for action in ACTIONS if action.offered(document, user)]


def may_edit(document, user) -> bool:
    return document.state == State.DRAFTING and rules.drafter_of(document, user)


def may_dispose_comments(document, user) -> bool:
    return document.state in (State.DRAFTING, State.PUBLIC_COMMENT) and rules.drafter_of(document, user)


def may_resolve_findings(document, user) -> bool:
    return document.state == State.LEGALITY_REVIEW and rules.reviewer(document, user)


def may_record_evaluation(document, user) -> bool:
    return document.state == State.PUBLISHED and rules.registrar(document, user)
