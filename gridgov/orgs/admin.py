from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CommandCentre, HandlingUnit, Membership, OrgUnit, PartyOrganisation


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["org_unit", "command_centre", "handling_unit", "party_organisation"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["path", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["path", "name"]
    ordering = ["path"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org_unit", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "org_unit__name", "path"]
    autocomplete_fields = ["org_unit"]
    list_select_related = ["org_unit"]


@admin.register(CommandCentre)
class CommandCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "org_unit", "path"]
    search_fields = ["name", "org_unit__name", "path"]
    autocomplete_fields = ["org_unit"]
    list_select_related = ["org_unit"]


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "org_unit"]
    list_filter = ["kind"]
    search_fields = ["name", "org_unit__name", "path"]
    autocomplete_fields = ["org_unit", "parent"]
    list_select_related = ["org_unit", "parent"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "target_display", "path", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "path"]
    autocomplete_fields = ["user", "org_unit", "command_centre", "handling_unit", "party_organisation"]
    list_select_related = ["user", "org_unit", "command_centre", "handling_unit", "party_organisation"]

    @admin.display(description=_("held on"))
    def target_display(self, obj):
        return obj.target
