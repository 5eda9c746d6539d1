"""Admin: to look, not to bypass. ``ReadOnlyAdmin`` is the base of every admin of the apps
above; only the holiday schedule is edited here (or with ``import_holidays``)."""
from django.contrib import admin

from core.models import HolidayOverride, NumberSequence


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("scope", "owner_id", "year", "last_seq")
    list_filter = ("scope", "year")


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
