"""Reads of grids and their polygons, always within the reader's scope."""

from django.db.models import QuerySet

from gridgov.core.scoping import within
from gridgov.orgs.models import OrgUnit
from gridgov.orgs.selectors import org_units_above, scope_q

from .index import GridHit
from .models import GridPolygon


def grid_polygons_visible(
    user, *, within_path: str | None = None, level: str | None = None
) -> QuerySet[GridPolygon]:
    """Polygons of active grids inside the user's scope (and inside ``within_path``), by path."""
    queryset = GridPolygon.objects.filter(scope_q(user, "unit__path"), unit__is_active=True)
    if within_path:
        queryset = queryset.filter(within(within_path, "unit__path"))
    if level:
        queryset = queryset.filter(unit__level=level)
    return queryset.select_related("unit").order_by("unit__path")


def grid_polygons_feature_collection(polygons: QuerySet[GridPolygon]) -> dict:
    """A GeoJSON FeatureCollection (RFC 7946) of the polygons; properties carry the grid's
    code, name, level, parent code and centroid."""
    features = []
    for polygon in polygons:
        unit = polygon.unit
        features.append(
            {
                "type": "Feature",
                "id": unit.path,
                "bbox": [polygon.min_lon, polygon.min_lat, polygon.max_lon, polygon.max_lat],
                "geometry": polygon.geometry,
                "properties": {
                    "path": unit.path,
                    "name": unit.name,
                    "level": unit.level,
                    "parent": unit.parent_path,
                    "centroid": [polygon.centroid_lon, polygon.centroid_lat],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def grid_ancestors(hit: GridHit) -> dict[str, OrgUnit]:
    """The units above a located grid (street, community…), by level (one query)."""
    return {unit.level: unit for unit in org_units_above(hit.path)}
