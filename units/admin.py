from django.contrib import admin

from .models import Element, PerformanceCriterion, RequirementItem, Unit


class CatalogueRecordMixin:
    """Make a unit's rows read-only in the admin once a published or retired tool maps them.

    A new release is the way to change a unit that is in use (see README: importing units).
    """

    def unit_of(self, obj):
        return obj

    def _in_use(self, obj):
        return obj is not None and self.unit_of(obj).is_in_use()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)


class CatalogueRecordInline(CatalogueRecordMixin, admin.TabularInline):
    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and not self._in_use(obj)


class ElementInline(CatalogueRecordInline):
    model = Element
    extra = 0


class RequirementItemInline(CatalogueRecordInline):
    model = RequirementItem
    fk_name = "unit"
    extra = 0
    fields = ["kind", "sequence", "depth", "position", "parent", "text"]
    raw_id_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(CatalogueRecordMixin, admin.ModelAdmin):
    list_display = ["code", "title", "release", "status", "imported_at"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    readonly_fields = ["imported_at", "imported_by", "source_format"]
    raw_id_fields = ["superseded_by"]
    inlines = [ElementInline, RequirementItemInline]


class CriterionInline(CatalogueRecordInline):
    model = PerformanceCriterion
    extra = 0

    def unit_of(self, obj):
        return obj.unit


@admin.register(Element)
class ElementAdmin(CatalogueRecordMixin, admin.ModelAdmin):
    list_display = ["unit", "number", "title"]
    search_fields = ["unit__code", "title"]
    list_select_related = ["unit"]
    inlines = [CriterionInline]

    def unit_of(self, obj):
        return obj.unit
