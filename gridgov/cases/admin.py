"""Cases in the admin: for looking up and auditing only. Every change of a case goes through
the workflow services (and so leaves its event), never through an admin form."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin import ReadOnlyMixin

from .models import Case, CaseEvent, Photo, Task


class TaskInline(ReadOnlyMixin, admin.TabularInline):
    model = Task
    fields = ("unit", "status", "created_at", "signed_at", "finished_at", "due_at", "return_reason")
    extra = 0


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "note", "internal")
    extra = 0


class PhotoInline(ReadOnlyMixin, admin.TabularInline):
    model = Photo
    fields = ("kind", "width", "height", "created_at", "uploaded_by")
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "status",
        "category",
        "urgency",
        "street",
        "grid",
        "centre",
        "created_at",
        "due_at",
    )
    list_filter = ("status", "channel", "urgency", "category__parent")
    search_fields = ("=number", "description", "address")
    date_hierarchy = "created_at"
    list_select_related = ("category", "street", "grid", "centre")
    exclude = ("contact_phone", "client_id", "request_hash")
    readonly_fields = ("masked_phone",)
    inlines = [TaskInline, EventInline, PhotoInline]

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj):
        return obj.masked_phone


@admin.register(Task)
class TaskAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "unit", "status", "created_at", "due_at")
    list_filter = ("status",)
    search_fields = ("=case__number", "unit__name")
    list_select_related = ("case", "unit")
