"""The catalogue is reference data administrators maintain: categories with their questions,
SLA policies and routing rules, all editable here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Category, RoutingRule, SlaPolicy


class MajorFilter(admin.SimpleListFilter):
    title = _("major category")
    parameter_name = "major"

    def lookups(self, request, model_admin):
        return [(c.pk, str(c)) for c in Category.objects.filter(parent__isnull=True)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


class LevelFilter(admin.SimpleListFilter):
    title = _("category level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("major", _("major categories")), ("sub", _("subcategories"))]

    def queryset(self, request, queryset):
        if self.value() in ("major", "sub"):
            return queryset.filter(parent__isnull=self.value() == "major")
        return queryset


class SlaPolicyInline(admin.TabularInline):
    model = SlaPolicy
    extra = 0
    fields = ["urgency", "stage", "limit_minutes", "warn_ratio", "around_the_clock"]


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    fields = ["area", "handling_unit", "auto_dispatch", "note"]
    autocomplete_fields = ["area", "handling_unit"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "default_urgency", "is_active", "sort_order"]
    list_display_links = ["code", "name"]
    list_editable = ["is_active", "sort_order"]
    list_filter = [LevelFilter, "kind", MajorFilter, "default_urgency", "is_active"]
    search_fields = ["code", "name", "keywords", "parent__name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]
    fields = [
        "code",
        "name",
        "kind",
        "parent",
        "default_urgency",
        "keywords",
        "questions",
        "is_active",
        "sort_order",
    ]
    inlines = [SlaPolicyInline, RoutingRuleInline]


class DefaultFilter(admin.SimpleListFilter):
    title = _("scope")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("default", _("default of every category")), ("category", _("one category"))]

    def queryset(self, request, queryset):
        if self.value() in ("default", "category"):
            return queryset.filter(category__isnull=self.value() == "default")
        return queryset


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["scope_display", "urgency", "stage", "limit_minutes", "warn_ratio", "around_the_clock"]
    list_editable = ["limit_minutes", "warn_ratio", "around_the_clock"]
    list_filter = [DefaultFilter, "urgency", "stage"]
    search_fields = ["category__code", "category__name"]
    autocomplete_fields = ["category"]
    list_select_related = ["category"]

    @admin.display(description=_("category"), ordering="category__code")
    def scope_display(self, obj):
        return obj.category or _("default")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "area", "area_path", "handling_unit", "auto_dispatch", "note"]
    list_filter = ["category__kind", "auto_dispatch"]
    search_fields = ["category__code", "category__name", "area__name", "area_path", "handling_unit__name"]
    autocomplete_fields = ["category", "area", "handling_unit"]
    list_select_related = ["category", "area", "handling_unit"]
