"""Micro-wishes in the admin. The beneficiary's personal fields are kept out of the lists
(ARCHITECTURE §6)."""

from django.contrib import admin

from .models import Pledge, Wish


class PledgeInline(admin.TabularInline):
    model = Pledge
    extra = 0
    fields = ["kind", "mode", "units", "status", "claimer", "member", "organisation", "deputy", "created_at"]
    raw_id_fields = ["claimer", "member", "organisation", "deputy"]
    readonly_fields = ["created_at"]


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "group", "community", "units_needed", "units_pledged", "status"]
    list_filter = ["status", "category", "group", "source"]
    search_fields = ["title"]
    raw_id_fields = ["community", "grid", "posted_by", "reviewed_by", "confirmed_by"]
    readonly_fields = ["path", "units_pledged"]
    inlines = [PledgeInline]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["wish", "kind", "mode", "units", "status", "created_at"]
    list_filter = ["status", "kind", "mode"]
    raw_id_fields = ["wish", "claimer", "member", "organisation", "deputy"]
    readonly_fields = ["path"]
