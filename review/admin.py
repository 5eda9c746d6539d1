"""Admin: to look, not to bypass. The state is read-only here; transitions go through the
services (the API and pages), which check roles and rules and write the history."""
from django.contrib import admin

from review.models import Document, History, HolidayOverride, PublicComment, ReviewRound, Version


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = Version
    fields = ("number", "sha256", "author", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "kind", "state", "issuer", "drafting_org", "number", "review_due_at")
    list_filter = ("state", "kind", "issuer")
    search_fields = ("title", "number")
    inlines = [VersionInline]


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ("document", "round_no", "submitted_at", "due_on", "outcome", "reviewer")
    list_filter = ("outcome",)


@admin.register(History)
class HistoryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "document", "action", "from_state", "to_state", "actor", "at")
    list_filter = ("action",)


@admin.register(PublicComment)
class PublicCommentAdmin(ReadOnlyAdmin):
    list_display = ("document", "author_name", "created_at")


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
