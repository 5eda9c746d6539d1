"""Who may see a document, and who may do what to it now: the one place the services, the API
and the pages all ask (DESIGN §3, R14).

- ``documents_visible_to(user)``: the documents a user may see; anything else is 404, on every
  path, API and pages alike (existence must not leak);
- ``access_document(user, id, lock=...)``: fetch, visibility and row lock in one call (404);
- ``check_act(user, document, act)``: 403 when the user may see the document but not take this
  act (role or jurisdiction), 409 when its state forbids it; the rules (409 with their own
  codes) are the services' next step;
- ``offered_acts(user, document)`` and ``may(user, document, act)``: what the pages offer.

Who may take each act is declared once, with the act (``review.models`` / ``review.lifecycle``);
the jurisdiction behind it is ``accounts.jurisdiction``.
"""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.jurisdiction import Jurisdiction
from accounts.models import REVIEW_ROLES, Role
from core import statements
from core.errors import Forbidden, InvalidTransition, NotFound
from review import facts as review_facts
from review import lifecycle, rules
from review.models import REVIEWED_STATES, AdviserInvitation, Document, ReviewRound

MAX_ID = 2**63 - 1


def base_documents() -> QuerySet[Document]:
    return Document.objects.select_related("issuer", "drafting_org", "current_version")


def documents_visible_to(user, *, jurisdiction: Jurisdiction | None = None) -> QuerySet[Document]:
    """Drafters see their department's documents; reviewers and review heads what was submitted
    to their review body; registrars what was approved for the issuers their office serves;
    overseers everything of their government and below; anyone else nothing."""
    scope = _scope(user, jurisdiction or Jurisdiction())
    return base_documents().none() if scope is None else _scoped(base_documents(), *scope)


def _scope(user, j: Jurisdiction) -> tuple[str, list] | None:
    """Which rule of ``documents_visible_to`` applies to ``user``, and its values (ids): the
    shape of the filter and what fills it, so that a lock query is compiled once per shape."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.organisation_id is None:
        return None
    org = user.organisation_id
    if user.role == Role.DRAFTER:
        return "drafter", [org]
    if user.role in REVIEW_ROLES:
        return "review", sorted(j.issuers_reviewed_by(org))
    if user.role == Role.REGISTRAR:
        return "registrar", sorted(j.issuers_registered_by(org))
    if user.role == Role.AUDITOR:
        ids = overseen_org_ids(user, jurisdiction=j)
        return ("everything", []) if ids is None else ("overseen", ids)
    if user.role == Role.ADVISER:
        return "adviser", [user.pk]
    return None


def _scoped(qs: QuerySet[Document], rule: str, ids: list) -> QuerySet[Document]:
    if rule == "drafter":
        return qs.filter(drafting_org_id=ids[0])
    if rule == "review":
        ever_submitted = Exists(ReviewRound.objects.filter(document=OuterRef("pk")))
        return qs.filter(ever_submitted, issuer_id__in=ids)
    if rule == "registrar":
        return qs.filter(state__in=REVIEWED_STATES, issuer_id__in=ids)
    if rule == "overseen":
        return qs.filter(Q(issuer_id__in=ids) | Q(drafting_org_id__in=ids))
    if rule == "adviser":  # R16: the documents it is invited to, nothing else
        return qs.filter(Exists(AdviserInvitation.objects.filter(document=OuterRef("pk"), adviser_id=ids[0])))
    return qs  # "everything"


def overseen_org_ids(user, *, jurisdiction: Jurisdiction | None = None) -> list[int] | None:
    """The organisations an overseer's lists, exports and figures cover: its government and
    below; ``None`` when that is the whole deployment (no filter needed)."""
    j = jurisdiction or Jurisdiction()
    overseen = j.overseen_by(user.organisation_id)
    return None if overseen >= set(j.by_id) else sorted(overseen)


def figure_org_ids(user) -> list[int] | None:
    """Whose figures a registrar's or overseer's dashboard counts (None: the whole deployment)."""
    if user.role == Role.REGISTRAR:
        return sorted(Jurisdiction().issuers_registered_by(user.organisation_id))
    return overseen_org_ids(user)


def document_scope(user) -> Q | None:
    """The same scope as a filter on anything with a ``document`` (history rows, rounds)."""
    ids = overseen_org_ids(user)
    return None if ids is None else Q(document__issuer_id__in=ids) | Q(document__drafting_org_id__in=ids)


def _valid_id(document_id) -> int | None:
    try:
        value = int(document_id)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def access_document(user, document_id, *, lock: bool = False, facts: tuple = ()) -> Document:
    """The document if ``user`` may see it, row-locked for this transaction when ``lock``;
    404 otherwise. One query: the visibility rule, the fetch, the lock and the ``facts`` the
    act's rules will read (review.facts) together, compiled once per shape (core.statements)."""
    pk = _valid_id(document_id)
    scope = _scope(user, Jurisdiction()) if pk else None
    document = None
    if scope is not None:
        rule, ids = scope
        facts = tuple(facts)

        def build(pk, ids):
            qs = _scoped(base_documents(), rule, ids)
            if lock:
                qs = qs.select_for_update(of=("self",)).select_related("approved_version")
            if facts:
                qs = qs.annotate(**review_facts.annotations(facts))
            # no ORDER BY for one row by its key (the list order would only cost the planner)
            return qs.order_by().filter(pk=pk)[:1]

        document = statements.first(("access_document", rule, lock, facts), build, pk, ids,
                                    model=Document, for_update=lock)
    if document is None:
        raise NotFound("文件不存在或无权查看")
    return document


def may_see(user, document) -> bool:
    return documents_visible_to(user).filter(pk=document.pk).exists()


def _permitted(user, document, name) -> bool:
    transition = lifecycle.transitions().get(name)
    if transition is not None:
        return transition.has_perm(document, user)
    permission = lifecycle.who(name)
    return bool(permission and permission(document, user))


def check_act(user, document, name) -> None:
    """403 when this user may never take ``name`` on this document (role or jurisdiction);
    409 ``invalid_transition`` when the document's state does not admit it now."""
    if not _permitted(user, document, name):
        raise Forbidden(lifecycle.forbidden_message(name))
    if not lifecycle.state_allows(document, name):
        raise InvalidTransition(
            f"文件当前状态为“{document.get_state_display()}”，不能{lifecycle.label(name)}")


def may(user, document, name) -> bool:
    """Whether the pages should offer ``name`` now (person and state; the rules are explained
    when it is tried)."""
    return lifecycle.state_allows(document, name) and _permitted(user, document, name)


def offered_acts(user, document) -> list:
    """The transitions this user may take on this document now, as the page shows them."""
    out = []
    for transition in lifecycle.page_transitions():
        when = transition.custom.get("when")
        if may(user, document, transition.name) and (when is None or when(document)):
            out.append(transition)
    return out


def check_create(user, issuer) -> None:
    """R14: a drafter creates documents only for the issuers its department drafts for (itself
    and the government it belongs to)."""
    if not rules.drafter_of.has_role(user) or user.organisation_id is None:
        raise Forbidden("只有起草单位的起草人员可以创建文件")
    if issuer.pk not in Jurisdiction().issuers_drafted_for_by(user.organisation_id):
        raise Forbidden(f"本单位不能以“{issuer.name}”的名义起草文件：起草单位只能为本单位或所属人民政府起草",
                        code="outside_jurisdiction")
