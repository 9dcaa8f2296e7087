from django.contrib import admin

from .models import Element, PerformanceCriterion, RequirementItem, Unit


class ElementInline(admin.TabularInline):
    model = Element
    extra = 0


class RequirementItemInline(admin.TabularInline):
    model = RequirementItem
    fk_name = "unit"
    extra = 0
    fields = ["kind", "sequence", "depth", "position", "parent", "text"]
    raw_id_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "release", "status", "imported_at"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    readonly_fields = ["imported_at", "imported_by", "source_format"]
    raw_id_fields = ["superseded_by"]
    inlines = [ElementInline, RequirementItemInline]


class CriterionInline(admin.TabularInline):
    model = PerformanceCriterion
    extra = 0


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["unit", "number", "title"]
    search_fields = ["unit__code", "title"]
    list_select_related = ["unit"]
    inlines = [CriterionInline]
