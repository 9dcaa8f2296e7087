"""Validation plans in Django's admin: to look things up, never to change them (see validation.services)."""

from django.contrib import admin

from evidence.admin import ReadOnlyAdmin

from .models import ValidationAction, ValidationItem, ValidationPlan, ValidationSignOff


@admin.register(ValidationPlan)
class ValidationPlanAdmin(ReadOnlyAdmin):
    list_display = ["unit", "validator", "sample_size", "seed", "created_at"]
    list_select_related = ["unit", "validator"]
    search_fields = ["unit__code", "validator__username", "validator__last_name"]


@admin.register(ValidationItem)
class ValidationItemAdmin(ReadOnlyAdmin):
    list_display = ["plan", "position", "assessor", "agrees", "reviewed_at"]
    list_select_related = ["plan__unit", "plan__validator", "assessor"]


@admin.register(ValidationSignOff)
class ValidationSignOffAdmin(ReadOnlyAdmin):
    list_display = ["plan", "typed_name", "signed_at"]
    list_select_related = ["plan__unit", "plan__validator"]


@admin.register(ValidationAction)
class ValidationActionAdmin(ReadOnlyAdmin):
    list_display = ["item", "tool", "new_tool", "created_by", "created_at"]
