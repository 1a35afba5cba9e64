"""Party work in the admin. Personal fields are kept out of the lists (ARCHITECTURE §6)."""

from django.contrib import admin

from .models import (
    CentralHousehold,
    DualRegistration,
    LinkedHousehold,
    PartyMember,
    PostActivity,
    PostHolder,
    ServicePost,
    Visit,
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
