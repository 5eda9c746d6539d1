"""Admin: to look, not to bypass. The state is read-only here; transitions go through the
services (the API and pages), which check roles and rules and write the history."""
from django.contrib import admin

from core.admin import ReadOnlyAdmin
from review import lifecycle
from review.models import Document, History, PublicComment, ReviewRound, Version


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
    list_display = ("seq", "document", "act", "from_state", "to_state", "actor", "at")
    list_filter = ("action",)

    @admin.display(description="操作", ordering="action")
    def act(self, row):
        return lifecycle.label(row.action)


@admin.register(PublicComment)
class PublicCommentAdmin(ReadOnlyAdmin):
    list_display = ("document", "author_name", "created_at")
