"""Admin pages: grid polygons (validated through the services) and a GeoJSON upload."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.errors import DomainError
from gridgov.orgs.models import GRID_LEVELS, OrgUnit

from .forms import GeoJSONUploadForm
from .geometry import DERIVED_COLUMNS
from .models import GridPolygon
from .services import grid_polygon_set, grid_polygon_validate, grids_import_geojson


class GridPolygonForm(forms.ModelForm):
    """Checks the geometry exactly as the services do, so errors show beside the field."""

    request = None  # set by GridPolygonAdmin.get_form

    class Meta:
        model = GridPolygon
        fields = ["unit", "geometry"]

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit") or (self.instance.unit if self.instance.pk else None)
        geometry = cleaned.get("geometry")
        if unit is not None and geometry is not None:
            try:
                grid_polygon_validate(actor=self.request.user, unit=unit, geometry=geometry)
            except DomainError as exc:
                self.add_error("geometry" if "geometry" in self.fields else None, str(exc.message))
        return cleaned


@admin.register(GridPolygon)
class GridPolygonAdmin(admin.ModelAdmin):
    form = GridPolygonForm
    list_display = ("unit", "path", "level", "updated_at")
    list_select_related = ("unit",)
    search_fields = ("unit__path", "unit__name")
    list_filter = ("unit__level",)
    raw_id_fields = ("unit",)
    readonly_fields = (*DERIVED_COLUMNS, "updated_at")
    change_list_template = "admin/geo/gridpolygon/change_list.html"

    @admin.display(description=gettext_lazy("code"), ordering="unit__path")
    def path(self, obj):
        return obj.unit.path

    @admin.display(description=gettext_lazy("level"), ordering="unit__level")
    def level(self, obj):
        return obj.unit.get_level_display()

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ("unit", *fields) if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = OrgUnit.objects.filter(level__in=GRID_LEVELS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        grid_polygon_set(actor=request.user, unit=obj.unit, geometry=form.cleaned_data["geometry"])

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="geo_gridpolygon_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a GeoJSON FeatureCollection; the same service as ``manage.py import_grids``."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = GeoJSONUploadForm(request.POST or None, request.FILES or None)
        details: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                result = grids_import_geojson(
                    actor=request.user, feature_collection=form.cleaned_data["file"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                details = [str(m) for msgs in exc.fields.values() for m in msgs if str(m) != str(exc.message)]
            else:
                self.message_user(
                    request,
                    _("Grids imported: %(created)d created, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return redirect("admin:geo_gridpolygon_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import grids from GeoJSON"),
            "opts": self.model._meta,
            "form": form,
            "details": details,
        }
        return TemplateResponse(request, "admin/geo/gridpolygon/import.html", context)
