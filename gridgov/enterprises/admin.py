"""The enterprise registry in the admin: searchable by name, code, address and contact,
filtered by industry, size, whether it is on the registry, and its street/town."""

from django.contrib import admin
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from gridgov.orgs.models import LEVEL_PATH_LENGTH, Level, OrgUnit

from .models import Enterprise


class StreetFilter(admin.SimpleListFilter):
    """The street/town an enterprise is in (its unit or the unit's street)."""

    title = _("street / town")
    parameter_name = "street"

    def lookups(self, request, model_admin):
        paths = (
            Enterprise.objects.order_by()
            .annotate(street=Substr("path", 1, LEVEL_PATH_LENGTH[Level.STREET]))
            .values("street")
            .distinct()
        )
        streets = OrgUnit.objects.filter(path__in=paths, level=Level.STREET).order_by("path")
        return [(s.path, s.name) for s in streets]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(path__startswith=self.value())
        return queryset


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "industry", "size", "org_unit", "liaison", "is_active"]
    list_filter = ["industry", "size", "is_active", StreetFilter]
    search_fields = ["name", "uscc", "address", "contact_name", "contact_phone", "path"]
    list_select_related = ["org_unit", "liaison"]
    autocomplete_fields = ["org_unit", "liaison", "accounts"]
    readonly_fields = ["path", "created_at", "updated_at"]
    fields = [
        "name",
        "uscc",
        "industry",
        "size",
        "org_unit",
        "path",
        "address",
        "contact_name",
        "contact_phone",
        "liaison",
        "accounts",
        "is_active",
        "created_at",
        "updated_at",
    ]
