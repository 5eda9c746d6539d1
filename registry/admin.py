from django.contrib import admin

from core.admin import ReadOnlyAdmin
from registry.models import RegistryEntry


@admin.register(RegistryEntry)
class RegistryEntryAdmin(ReadOnlyAdmin):
    list_display = ("number", "issuer", "year", "seq", "status", "document")
    list_filter = ("status", "issuer", "year")
