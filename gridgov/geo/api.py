"""The geo API (mounted at ``/api/geo/``): point → grid, and the grid polygons in scope."""

import math
import re

from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridgov.core.errors import ValidationFailed
from gridgov.orgs.models import GRID_LEVELS, Level

from . import index
from .selectors import grid_ancestors, grid_polygons_feature_collection, grid_polygons_visible

router = Router(tags=["geo"])

_PATH = re.compile(r"^[0-9]{1,18}$")


class PlaceOut(Schema):
    path: str
    name: str


class GridOut(Schema):
    path: str
    name: str
    level: str
    community: PlaceOut | None = None
    street: PlaceOut | None = None


class LocateOut(Schema):
    grid: GridOut | None


def _check_coordinates(lon: float, lat: float) -> None:
    fields: dict[str, list[str]] = {}
    if not math.isfinite(lon) or not -180 <= lon <= 180:
        fields["lon"] = [_("Longitude must be a number from -180 to 180.")]
    if not math.isfinite(lat) or not -90 <= lat <= 90:
        fields["lat"] = [_("Latitude must be a number from -90 to 90.")]
    if fields:
        raise ValidationFailed(fields=fields)


@router.get("/locate", response=LocateOut, summary="The grid a point (WGS-84 lon/lat) lies in")
def locate(request, lon: float, lat: float):
    """The finest grid containing the point, with its community and street; ``grid`` is
    ``null`` outside every grid."""
    _check_coordinates(lon, lat)
    hit = index.locate(lon, lat)
    if hit is None:
        return {"grid": None}
    ancestors = grid_ancestors(hit)

    def place(level):
        unit = ancestors.get(level)
        return {"path": unit.path, "name": unit.name} if unit else None

    return {
        "grid": {
            "path": hit.path,
            "name": hit.name,
            "level": hit.level,
            "community": place(Level.COMMUNITY),
            "street": place(Level.STREET),
        }
    }


@router.get("/grids", summary="Grid polygons in your scope, as a GeoJSON FeatureCollection")
def grids(request, within: str | None = None, level: str | None = None):
    """The polygons of the active grids inside the caller's data scope, optionally only those
    inside ``within`` (any territorial code) and of one ``level`` (grid2 or grid3)."""
    fields: dict[str, list[str]] = {}
    if within is not None and not _PATH.match(within):
        fields["within"] = [_("Give a territorial code of up to 18 digits.")]
    if level is not None and level not in GRID_LEVELS:
        fields["level"] = [_("Give grid2 or grid3.")]
    if fields:
        raise ValidationFailed(fields=fields)
    return grid_polygons_feature_collection(
        grid_polygons_visible(request.user, within_path=within, level=level)
    )
