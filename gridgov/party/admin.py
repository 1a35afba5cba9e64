"""Party work in the admin. Personal fields are kept out of the lists (ARCHITECTURE §6)."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyMixin

from .models import (
    CentralHousehold,
    Deputy,
    DualRegistration,
    LinkedHousehold,
    Pairing,
    PartyMember,
    PointEntry,
    PointRule,
    PostActivity,
    PostHolder,
    ServicePost,
    SignUp,
    Visit,
    VolunteerActivity,
)


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "grid", "in_service", "status"]
    list_filter = ["status", "in_service", "gender"]
    search_fields = ["name"]
    raw_id_fields = ["user", "organisation", "grid"]
    readonly_fields = ["path"]


@admin.register(DualRegistration)
class DualRegistrationAdmin(admin.ModelAdmin):
    list_display = ["member", "community", "grid", "registered_at"]
    raw_id_fields = ["member", "community", "grid"]
    readonly_fields = ["path"]


class LinkedHouseholdInline(admin.TabularInline):
    model = LinkedHousehold
    extra = 0
    readonly_fields = ["path"]


@admin.register(CentralHousehold)
class CentralHouseholdAdmin(admin.ModelAdmin):
    list_display = ["member", "grid", "since"]
    raw_id_fields = ["member", "grid"]
    readonly_fields = ["path"]
    inlines = [LinkedHouseholdInline]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "central", "case"]
    raw_id_fields = ["central", "household", "case", "created_by"]
    readonly_fields = ["path"]


@admin.register(ServicePost)
class ServicePostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "is_active"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["path"]


@admin.register(PostHolder)
class PostHolderAdmin(admin.ModelAdmin):
    list_display = ["post", "member", "since", "until"]
    raw_id_fields = ["post", "member"]


@admin.register(PostActivity)
class PostActivityAdmin(admin.ModelAdmin):
    list_display = ["on", "holder", "hours", "summary"]
    raw_id_fields = ["holder"]
    readonly_fields = ["path"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["organisation", "community", "since"]
    raw_id_fields = ["organisation", "community"]
    readonly_fields = ["path"]


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "area"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "area"]
    readonly_fields = ["path"]


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    """The points of each rule are configurable here; the ledger keeps what was earned."""

    list_display = ["code", "name", "points", "is_active"]
    list_editable = ["points", "is_active"]


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read only: the ledger is written by the services and corrected by new lines."""

    list_display = ["at", "member", "rule", "points", "reason", "created_by"]
    list_filter = ["rule"]
    search_fields = ["member__name", "reason", "source"]
    date_hierarchy = "at"


class SignUpInline(admin.TabularInline):
    model = SignUp
    extra = 0
    raw_id_fields = ["member"]


@admin.register(VolunteerActivity)
class VolunteerActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "starts_at", "slots", "status"]
    list_filter = ["status"]
    raw_id_fields = ["organisation", "place", "created_by"]
    readonly_fields = ["path"]
    exclude = ["secret"]
    inlines = [SignUpInline]
