from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "level", "number_prefix", "opinion_prefix")
    list_filter = ("kind", "level")
    autocomplete_fields = ("parent", "review_body", "registry_office")
    filter_horizontal = ("files_with",)
    search_fields = ("code", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "organisation", "role", "is_active")
    list_filter = ("role", "organisation")
    fieldsets = BaseUserAdmin.fieldsets + (("机构与角色", {"fields": ("organisation", "role")}),)
