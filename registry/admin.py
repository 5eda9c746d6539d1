from django.contrib import admin

from registry.models import NumberSequence, RegistryEntry
from review.admin import ReadOnlyAdmin


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("issuer", "year", "last_seq")


@admin.register(RegistryEntry)
class RegistryEntryAdmin(ReadOnlyAdmin):
    list_display = ("number", "issuer", "year", "seq", "status", "document")
    list_filter = ("status", "issuer", "year")
