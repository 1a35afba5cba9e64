from django.contrib import admin
from django.contrib.admin.actions import delete_selected

from . import audit
from .models import AuditAction, AuditEntry, WorkCalendarDay


class ReadOnlyMixin:
    """For rows only the platform writes (cases and their steps, the ledger, rollups, the audit
    log, the SMS outbox): administrators look, never add or change. Deleting is refused too
    unless ``deletable`` (an outbox row, a lockout or a two-factor device may be removed)."""

    deletable = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


def delete_selected_audited(modeladmin, request, queryset):
    """The admin's "delete selected" with an audit row for each object it deleted: Django writes
    the bulk deletion's ``LogEntry`` rows without the signal the audit log follows."""
    confirmed = request.POST.get("post") == "yes"
    doomed = {obj.pk: obj for obj in queryset} if confirmed else {}
    response = delete_selected(modeladmin, request, queryset)
    if doomed:
        left = set(queryset.model._default_manager.filter(pk__in=doomed).values_list("pk", flat=True))
        for pk, obj in doomed.items():
            if pk not in left:
                audit.record(
                    AuditAction.CONFIG_CHANGE,
                    actor=request.user,
                    obj=obj,
                    detail={"change": "deleted", "object": str(obj), "message": ""},
                )
    return response


delete_selected_audited.allowed_permissions = delete_selected.allowed_permissions
delete_selected_audited.short_description = delete_selected.short_description
admin.site.add_action(delete_selected_audited, "delete_selected")


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["date"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """审计日志, read only: written by ``core.audit`` and never changed. Searched by the
    actor's username or name, the account tried, the record, the IP address and the path."""

    list_display = ["at", "action", "actor", "identifier", "subject", "field", "reason", "ip", "path"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["actor__username", "actor__full_name", "identifier", "subject", "ip", "path"]
    date_hierarchy = "at"
    show_full_result_count = False
