from django.db.models import QuerySet

from accounts.models import Role
from registry.models import RegistryEntry


def registry_entries_visible_to(user) -> QuerySet[RegistryEntry]:
    if not user.has_role(Role.REGISTRAR, Role.AUDITOR):
        return RegistryEntry.objects.none()
    return RegistryEntry.objects.select_related("issuer").order_by("issuer__code", "year", "seq")
