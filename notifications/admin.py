from django.contrib import admin

from notifications.models import InboxMessage, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("document", "kind", "due_on", "recipient", "sent_at")
    list_filter = ("kind", "sent_at")
    raw_id_fields = ("document", "recipient")


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "read_at")
    raw_id_fields = ("document", "recipient", "reminder")
