from django.contrib import admin

from gridgov.core.admin import ReadOnlyMixin

from .models import COUNTERS, Rollup


@admin.register(Rollup)
class RollupAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The rollups, to look at: they are rebuilt from the cases, never edited."""

    list_display = ["day", "dimension", "key", "scope", "cases", "tasks", "rated", "overdue"]
    list_filter = ["dimension", "day"]
    search_fields = ["key", "scope"]
    readonly_fields = ["day", "dimension", "key", "scope", *COUNTERS]
    date_hierarchy = "day"
