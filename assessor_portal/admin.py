from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "student_id", "usi"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "student_id", "usi"]
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ["role", "student_id", "usi"]}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Role", {"fields": ["role", "student_id", "usi"]}))
