"""Cohorts, enrolments and students' work in Django's admin: to look things up, never to change them.

Every change goes through evidence.services (the portal's own pages), which check the rules and
keep signed work frozen; editing rows here would bypass both.
"""

from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Appeal,
    AppealAssignment,
    AppealDecision,
    Attempt,
    Cohort,
    CriterionMark,
    Declaration,
    Enrolment,
    EvidenceItem,
    Judgement,
    OutcomeExport,
    QualityCheck,
    ResultAcknowledgement,
    UnitResult,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "start_date", "end_date", "created_at"]
    search_fields = ["code", "name"]
    date_hierarchy = "start_date"
    fields = ["code", "name", "start_date", "end_date", "assessors", "students", "created_at"]


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ["task", "number", "status", "submitted_at"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["student", "tool", "cohort", "enrolled_on", "enrolled_by"]
    list_filter = ["tool__unit__code", "cohort"]
    search_fields = ["student__first_name", "student__last_name", "student__student_id", "tool__unit__code"]
    list_select_related = ["student", "tool__unit", "cohort", "enrolled_by"]
    inlines = [AttemptInline]


class EvidenceInline(ReadOnlyInline):
    model = EvidenceItem
    fields = ["kind", "title", "size", "created_at"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "submitted_at", "feedback_released_at"]
    list_filter = ["status"]
    search_fields = ["enrolment__student__last_name", "enrolment__student__student_id", "task__title"]
    list_select_related = ["task", "enrolment__student"]
    inlines = [EvidenceInline]


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "attempt", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "sha256", "attempt__enrolment__student__student_id"]
    list_select_related = ["attempt__task", "attempt__enrolment__student"]
    # The stored file has no public URL: it is offered through the portal's checked download.
    fields = [
        "attempt",
        "kind",
        "title",
        "download",
        "size",
        "content_type",
        "sha256",
        "text",
        "url",
        "criteria",
        "file_removed_at",
    ]
    readonly_fields = ["download"]

    @admin.display(description="file")
    def download(self, item):
        if item.kind != EvidenceItem.Kind.FILE:
            return "—"
        if item.file_removed:
            return "Removed under the retention policy"
        return format_html('<a href="{}">Download {}</a>', item.get_absolute_url(), item.title)


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["typed_name", "attempt", "signed_at", "ip_address"]
    search_fields = ["typed_name", "student__student_id"]
    list_select_related = ["attempt__task", "attempt__enrolment__student", "student"]
    fields = [
        "attempt",
        "student",
        "wording",
        "typed_name",
        "has_signature",
        "signed_at",
        "ip_address",
        "user_agent",
    ]
    readonly_fields = ["has_signature"]

    @admin.display(description="drawn signature", boolean=True)
    def has_signature(self, declaration):
        return bool(declaration.signature)


# -- marking: signed records are read here and changed nowhere ------------------------------------


@admin.register(CriterionMark)
class CriterionMarkAdmin(ReadOnlyAdmin):
    list_display = ["criterion", "answer", "attempt", "version", "updated_by", "updated_at"]
    list_filter = ["answer"]
    search_fields = ["attempt__enrolment__student__student_id", "criterion__code"]
    list_select_related = ["criterion__element", "attempt__task", "attempt__enrolment__student", "updated_by"]


@admin.register(Judgement)
class JudgementAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "result", "typed_name", "signed_at", "corrects"]
    list_filter = ["result"]
    search_fields = ["typed_name", "sha256", "attempt__enrolment__student__student_id"]
    list_select_related = ["attempt__task", "attempt__enrolment__student", "corrects"]
    exclude = ["signature"]


@admin.register(QualityCheck)
class QualityCheckAdmin(ReadOnlyAdmin):
    list_display = ["judgement", "approved", "typed_name", "signed_at"]
    list_select_related = ["judgement__attempt__task", "judgement__attempt__enrolment__student"]


@admin.register(UnitResult)
class UnitResultAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "outcome", "typed_name", "signed_at", "corrects"]
    list_filter = ["outcome"]
    search_fields = ["typed_name", "sha256", "enrolment__student__student_id"]
    list_select_related = ["enrolment__student", "enrolment__tool__unit", "outcome", "corrects"]


@admin.register(ResultAcknowledgement)
class ResultAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["result", "typed_name", "signed_at"]
    list_select_related = ["result__enrolment__student", "result__enrolment__tool__unit", "result__outcome"]


# -- outcomes sent to the student management system: the record of what went out -----------------


@admin.register(OutcomeExport)
class OutcomeExportAdmin(admin.ModelAdmin):
    """Each file as it went out: read here, downloaded through the portal, never changed or deleted."""

    list_display = [
        "created_at",
        "exported_by",
        "scope",
        "signed_from",
        "signed_to",
        "row_count",
        "corrected_count",
    ]
    list_filter = ["scope"]
    list_select_related = ["exported_by"]
    date_hierarchy = "created_at"
    search_fields = ["sha256", "exported_by__username"]
    fields = [
        "created_at",
        "exported_by",
        "scope",
        "signed_from",
        "signed_to",
        "row_count",
        "corrected_count",
        "sha256",
        "download",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def download(self, export):
        return format_html('<a href="{}">Download the file as it went out</a>', export.get_absolute_url())


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["result", "typed_name", "signed_at"]
    search_fields = ["typed_name", "sha256", "result__enrolment__student__student_id"]
    list_select_related = ["result__enrolment__student", "result__enrolment__tool__unit", "result__outcome"]


@admin.register(AppealAssignment)
class AppealAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "reviewer", "assigned_by", "assigned_at"]
    list_select_related = [
        "appeal__result__enrolment__student",
        "appeal__result__outcome",
        "reviewer",
        "assigned_by",
    ]


@admin.register(AppealDecision)
class AppealDecisionAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "outcome", "typed_name", "signed_at"]
    list_filter = ["outcome"]
    list_select_related = ["appeal__result__enrolment__student", "appeal__result__outcome"]
