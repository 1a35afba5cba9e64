from django.contrib import admin

from .models import AuditEntry, WorkCalendarDay


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["date"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """审计日志, read only: written by ``core.audit`` and never changed. Searched by the
    actor's username or name, the account tried, the record, the IP address and the path."""

    list_display = ["at", "action", "actor", "identifier", "subject", "field", "reason", "ip", "path"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["actor__username", "actor__full_name", "identifier", "subject", "ip", "path"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
