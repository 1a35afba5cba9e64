from django.contrib import admin

from .models import COUNTERS, Rollup


@admin.register(Rollup)
class RollupAdmin(admin.ModelAdmin):
    """The rollups, to look at: they are rebuilt from the cases, never edited."""

    list_display = ["day", "dimension", "key", "scope", "cases", "tasks", "rated", "overdue"]
    list_filter = ["dimension", "day"]
    search_fields = ["key", "scope"]
    readonly_fields = ["day", "dimension", "key", "scope", *COUNTERS]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
