"""Who may read the registry's own objects, built on review.permissions (DESIGN §3, R14): the
registrars of an issuer's registry office and the overseers of its government; nobody else.
Filings and clean-up campaigns, when they come, are answered here too."""
from __future__ import annotations

from django.db.models import QuerySet

from accounts.jurisdiction import Jurisdiction
from accounts.models import Role
from core.errors import Forbidden
from registry.models import RegistryEntry
from review.models import Document
from review.permissions import documents_visible_to

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
