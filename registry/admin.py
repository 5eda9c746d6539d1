from django.contrib import admin

from core.admin import ReadOnlyAdmin
from registry.models import Filing, RegistryEntry, ReviewRequest


@admin.register(RegistryEntry)
class RegistryEntryAdmin(ReadOnlyAdmin):
    list_display = ("number", "issuer", "year", "seq", "status", "document")
    list_filter = ("status", "issuer", "year")


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("document", "issuer", "recipient", "state", "due_on", "submitted_on", "late", "review_due_on")
    list_filter = ("state", "recipient", "issuer")


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "document", "recipient", "state", "received_on", "due_on", "replied_on")
    list_filter = ("state", "recipient")
