"""Who may read the registry's own objects, built on review.permissions (DESIGN §3, R14): the
registrars of an issuer's registry office and the overseers of its government; nobody else.
Filings and review requests (R11, R19) are answered here too: the issuer's side and the
recipient's side of each filing."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django_fsm import can_proceed

from accounts.jurisdiction import Jurisdiction
from accounts.models import REVIEW_ROLES, Role
from core.errors import Forbidden, InvalidTransition, NotFound
from registry.models import Cleanup, Filing, RegistryEntry, ReviewRequest
from review.models import Document
from review.permissions import _valid_id, documents_visible_to, overseen_org_ids

REGISTRY_READERS = (Role.REGISTRAR, Role.AUDITOR)


def check_registry_reader(user) -> None:
    """403 for staff whose role never reads the registry (drafters, reviewers)."""
    if not user.has_role(*REGISTRY_READERS):
        raise Forbidden("只有登记人员和监督人员可以查看登记簿")


def registry_entries_visible_to(user) -> QuerySet[RegistryEntry]:
    """Every number of the issuers the user's office registers for (registrars), or of its
    government and below (overseers)."""
    if not user.has_role(*REGISTRY_READERS) or user.organisation_id is None:
        return RegistryEntry.objects.none()
    j = Jurisdiction()
    org = user.organisation_id
    issuers = j.issuers_registered_by(org) if user.role == Role.REGISTRAR else j.overseen_by(org)
    qs = RegistryEntry.objects.select_related("issuer").order_by("issuer__code", "year", "seq")
    return qs if issuers >= set(j.by_id) else qs.filter(issuer_id__in=sorted(issuers))


def registry_documents_visible_to(user) -> QuerySet[Document]:
    """The documents of the registry's listings (clean-up, to-do) that ``user`` may see."""
    if not user.has_role(*REGISTRY_READERS):
        return Document.objects.none()
    return documents_visible_to(user)


# --- filings and review requests (R11, R19) ---------------------------------------------------
FILING_READERS = (Role.REGISTRAR, Role.AUDITOR, *REVIEW_ROLES)


def check_filing_reader(user) -> None:
    """403 for staff whose role never handles filings or review requests (drafters, advisers)."""
    if not user.has_role(*FILING_READERS):
        raise Forbidden("只有登记人员、备案审查机关的审核人员和监督人员可以查看备案审查")


def filings_visible_to(user, *, direction: str | None = None) -> QuerySet[Filing]:
    """Outgoing filings of the issuers a registrar's office serves; incoming filings of a
    reviewer's own organisation (a justice bureau or a congress); an overseer's, both ways,
    within its government and below. ``direction`` (outgoing|incoming) narrows an overseer's view;
    for the others it is their one side (the other answers nothing)."""
    qs = Filing.objects.select_related("document", "issuer", "recipient", "version", "response_document")
    if not user.has_role(*FILING_READERS) or user.organisation_id is None:
        return qs.none()
    org = user.organisation_id
    if user.role == Role.REGISTRAR:
        return qs.none() if direction == "incoming" else qs.filter(
            issuer_id__in=sorted(Jurisdiction().issuers_registered_by(org)))
    if user.role in REVIEW_ROLES:
        return qs.none() if direction == "outgoing" else qs.filter(recipient_id=org)
    ids = overseen_org_ids(user)
    if ids is None:
        return qs
    if direction == "outgoing":
        return qs.filter(issuer_id__in=ids)
    if direction == "incoming":
        return qs.filter(recipient_id__in=ids)
    return qs.filter(Q(issuer_id__in=ids) | Q(recipient_id__in=ids))


def access_filing(user, filing_id, *, lock: bool = False) -> Filing:
    """The filing if ``user`` may see it (row-locked when ``lock``); 404 otherwise."""
    pk = _valid_id(filing_id)
    qs = filings_visible_to(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    filing = qs.filter(pk=pk).first() if pk else None
    if filing is None:
        raise NotFound("备案不存在或无权查看")
    return filing


def check_filing_act(user, filing, name) -> None:
    """403 when ``user`` is not on the side that takes ``name`` (the issuer's registrars, or the
    recipient's reviewers); 409 ``invalid_transition`` when the filing's state does not admit it."""
    transition = filing_transitions()[name]
    if not transition.has_perm(filing, user):
        raise Forbidden(f"只有{transition.permission.words}可以{transition.custom['label']}")
    if not can_proceed(getattr(filing, name), check_conditions=False):
        raise InvalidTransition(f"备案当前状态为“{filing.get_state_display()}”，不能{transition.custom['label']}")


def filing_transitions() -> dict:
    out = {}
    for transition in Filing().get_all_state_transitions():
        out.setdefault(transition.name, transition)
    return out


def may_act_on_filing(user, filing, name, *, jurisdiction: Jurisdiction | None = None) -> bool:
    """What a page offers now (person and state); a desk of many filings passes one
    ``jurisdiction`` (one reading of the organisation tree for all of them)."""
    transition = filing_transitions()[name]
    allowed = (transition.permission(filing, user, jurisdiction) if jurisdiction is not None
               else transition.has_perm(filing, user))
    return allowed and can_proceed(getattr(filing, name), check_conditions=False)


def review_requests_visible_to(user) -> QuerySet[ReviewRequest]:
    """A recipient's reviewers see the requests sent to their organisation; an overseer those to
    the bodies of its government and below; nobody else (the sender reads by receipt)."""
    qs = ReviewRequest.objects.select_related("document", "recipient")
    if not user.has_role(Role.AUDITOR, *REVIEW_ROLES) or user.organisation_id is None:
        return qs.none()
    if user.role in REVIEW_ROLES:
        return qs.filter(recipient_id=user.organisation_id)
    ids = overseen_org_ids(user)
    return qs if ids is None else qs.filter(recipient_id__in=ids)


def check_review_request_reader(user) -> None:
    if not user.has_role(Role.AUDITOR, *REVIEW_ROLES):
        raise Forbidden("只有审查机关的审核人员和监督人员可以查看审查建议")


def access_review_request(user, request_id, *, lock: bool = False) -> ReviewRequest:
    pk = _valid_id(request_id)
    qs = review_requests_visible_to(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    row = qs.filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFound("审查建议不存在或无权查看")
    return row


def check_reply(user, row) -> None:
    """R19: the reviewers of the request's recipient answer it (403 for an overseer); once (409)."""
    if not user.has_role(*REVIEW_ROLES) or user.organisation_id != row.recipient_id:
        raise Forbidden("只有审查机关的审核人员可以答复审查建议")
    if row.state != ReviewRequest.State.RECEIVED:
        raise InvalidTransition("该审查建议已答复")


# --- 清理 (R20): campaigns of the registrars of an issuer's registry office ----------------------
def check_cleanup_registrar(user, issuer_id) -> None:
    """403 unless ``user`` is a registrar of the office that registers for this issuer."""
    if not user.has_role(Role.REGISTRAR) or user.organisation_id is None:
        raise Forbidden("只有该制定机关登记机构的登记人员可以开展文件清理")
    if Jurisdiction().registry_office_of(issuer_id) != user.organisation_id:
        raise Forbidden("只有该制定机关登记机构的登记人员可以开展文件清理", code="outside_jurisdiction")


def access_cleanup(user, cleanup_id, *, lock: bool = False):
    """403 for a role that never runs a clean-up; 404 for a campaign of another office."""
    if not user.has_role(Role.REGISTRAR):
        raise Forbidden("只有登记人员可以开展文件清理")
    qs = Cleanup.objects.select_related("issuer")
    if lock:
        qs = qs.select_for_update(of=("self",))
    pk = _valid_id(cleanup_id)
    cleanup = qs.filter(pk=pk).first() if pk else None
    if cleanup is None or Jurisdiction().registry_office_of(cleanup.issuer_id) != user.organisation_id:
        raise NotFound("清理不存在或无权查看")
    return cleanup
