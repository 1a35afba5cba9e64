"""Writes of grids and their polygons (ARCHITECTURE §4.1).

Every write goes through one planner, ``_apply``, so a single grid, an imported file and the
demo tiling are validated the same way and all-or-nothing:

* the geometry is a GeoJSON Polygon or MultiPolygon, valid (OGC rules), non-empty, with
  longitude/latitude inside WGS-84 ranges;
* it does not overlap any other active grid of the same level (interiors sharing more than
  ``OVERLAP_TOLERANCE_M2``; touching borders are fine), including the other grids of the same
  write;
* a level-3 grid lies inside its level-2 grid's polygon (within ``CONTAINMENT_TOLERANCE_M2``)
  when that grid has one, and a changed level-2 polygon still holds its level-3 grids.

A write first changes ``GridIndexState.generation`` (which every process's point index
watches); on PostgreSQL that row lock also serialises concurrent grid writers, so their
overlap checks see each other. On SQLite, IMMEDIATE transactions do the same.

``actor`` is the user who asks (``None`` for system callers: management commands, the demo
loader). A non-superuser actor may only touch grids inside their data scope; anything outside
looks missing (ARCHITECTURE §4.2). Deciding *who* may edit grids is the caller's job.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from gridgov.core.errors import NotFound, ValidationFailed
from gridgov.core.scoping import covers, within_any
from gridgov.orgs.divisions import short_name
from gridgov.orgs.models import GRID_LEVELS, PATH_LENGTH_LEVEL, Level, OrgUnit
from gridgov.orgs.selectors import user_scope

from . import models as geo_models
from .geometry import DERIVED_COLUMNS, area_m2, derived_columns, parse_grid_geometry, to_geojson, to_shape
from .models import GridIndexState, GridPolygon

OVERLAP_TOLERANCE_M2 = 1.0
CONTAINMENT_TOLERANCE_M2 = 1.0
MAX_SEQUENCE = 999

_DIGITS = re.compile(r"^[0-9]+$")
_GRID_PARENT_LEVEL = {Level.GRID2: Level.COMMUNITY, Level.GRID3: Level.GRID2}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@dataclass(frozen=True)
class _Outcome:
    created: list[OrgUnit]
    updated: list[OrgUnit]
    removed: int


class _Quiet:
    """Bump the generation once for the whole write and keep the signal handlers from bumping
    it again for every row."""

    def __enter__(self):
        GridIndexState.bump()
        geo_models._quiet.depth = getattr(geo_models._quiet, "depth", 0) + 1

    def __exit__(self, *exc):
        geo_models._quiet.depth -= 1
        return False


# --- names -----------------------------------------------------------------------------------


def grid_default_name(*, community_name: str, grid2_seq: int, grid3_seq: int | None = None) -> str:
    """The platform's naming of grids: ``虹桥社区第2网格`` (level 2), ``虹桥社区2-3网格`` (level 3)."""
    short = short_name(community_name)
    if grid3_seq is None:
        return f"{short}第{grid2_seq}网格"
    return f"{short}{grid2_seq}-{grid3_seq}网格"


# --- the planner -------------------------------------------------------------------------------


@dataclass
class _Item:
    """One grid to write: either ``path`` (an existing or new grid code) or ``parent_path`` +
    ``name`` (update the same-named grid under that parent, else create the next one)."""

    label: str
    geometry: object
    geometry_key: str
    name_key: str
    path: str | None = None
    parent_path: str | None = None
    name: str | None = None
    must_be_new: bool = False
    # Resolved:
    geom: BaseGeometry | None = None
    level: str | None = None
    unit: OrgUnit | None = None
    final_path: str | None = None
    final_name: str | None = None


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.first: str | None = None

    def add(self, key: str, message: str) -> None:
        self.fields.setdefault(key, []).append(message)
        if self.first is None:
            self.first = message

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.first, fields=self.fields)


def _unit_label(path: str, name: str) -> str:
    return _("grid %(path)s %(name)s") % {"path": path, "name": name}


def _geometry_message(item: _Item, problem) -> str:
    if problem.kind == "type":
        return _("%(label)s: the geometry must be a GeoJSON Polygon or MultiPolygon.") % {"label": item.label}
    if problem.kind == "empty":
        return _("%(label)s: the polygon is empty.") % {"label": item.label}
    if problem.kind == "range":
        return _(
            "%(label)s: coordinates must be longitude -180 to 180 and latitude -90 to 90 (WGS-84, in that order)."
        ) % {"label": item.label}
    return _("%(label)s: the polygon is not valid (%(reason)s).") % {
        "label": item.label,
        "reason": problem.detail,
    }


def _level_of(path: str) -> str | None:
    level = PATH_LENGTH_LEVEL.get(len(path))
    return level if level in GRID_LEVELS else None


def _resolve(items: list[_Item], *, actor, errors: _Errors) -> None:
    """Give every item its level, final path and name, and its existing unit if any."""
    scope = user_scope(actor) if actor is not None else [""]
    wanted: set[str] = set()
    for item in items:
        for path in (item.path, item.parent_path):
            if path and _DIGITS.match(path) and len(path) in (12, 15, 18):
                wanted.update({path, path[:-3], path[:12]} if len(path) > 12 else {path})
    known = {u.path: u for u in OrgUnit.objects.filter(path__in=wanted)} if wanted else {}
    parent_paths = [p for p in wanted if len(p) in (12, 15)]
    children_by_name: dict[tuple[str, str], OrgUnit] = {}
    max_seq: dict[str, int] = defaultdict(int)
    if parent_paths:
        for child in OrgUnit.objects.filter(
            parent__path__in=parent_paths, level__in=GRID_LEVELS
        ).select_related("parent"):
            parent_path = child.path[:-3]
            children_by_name.setdefault((parent_path, child.name), child)
            max_seq[parent_path] = max(max_seq[parent_path], int(child.path[-3:]))

    def visible(path: str) -> bool:
        return covers(scope, path)

    planned_paths: dict[str, _Item] = {}
    planned_names: dict[tuple[str, str], _Item] = {}

    def parent_ok(item: _Item, parent_path: str, level: str) -> bool:
        """Whether the parent of a new ``level`` grid exists (or is planned) and is visible."""
        parent = known.get(parent_path)
        expected = _GRID_PARENT_LEVEL[level]
        if parent is not None and visible(parent_path):
            if parent.level != expected:
                errors.add(
                    item.name_key,
                    _("%(label)s: %(path)s is not a community/village or a level-2 grid.")
                    % {"label": item.label, "path": parent_path},
                )
                return False
            return True
        if level == Level.GRID3 and parent_path in planned_paths:
            return True
        errors.add(
            item.name_key,
            _("%(label)s: the parent unit %(path)s does not exist.")
            % {"label": item.label, "path": parent_path},
        )
        return False

    def community_name(path: str) -> str:
        community = known.get(path[:12])
        return community.name if community is not None else path[:12]

    def set_name(item: _Item, default: str) -> bool:
        name = (item.name or "").strip() if item.name is not None else ""
        if item.name is not None and not name:
            errors.add(item.name_key, _("%(label)s: the name is empty.") % {"label": item.label})
            return False
        if len(name) > 100:
            errors.add(
                item.name_key, _("%(label)s: the name is longer than 100 characters.") % {"label": item.label}
            )
            return False
        item.final_name = name or default
        return True

    # Explicit codes first (level-2 before level-3, so a new level-3 grid may name a level-2
    # grid created by the same write), then parent + name.
    explicit = sorted((i for i in items if i.path is not None), key=lambda i: len(i.path))
    by_parent = sorted((i for i in items if i.path is None), key=lambda i: len(i.parent_path or ""))
    for item in explicit:
        path = item.path
        level = _level_of(path) if _DIGITS.match(path) else None
        if level is None:
            errors.add(
                item.name_key,
                _("%(label)s: the grid code %(code)s must have 15 or 18 digits.")
                % {"label": item.label, "code": path},
            )
            continue
        if path in planned_paths:
            errors.add(
                item.name_key,
                _("%(label)s: grid %(code)s appears more than once.") % {"label": item.label, "code": path},
            )
            continue
        item.level = level
        existing = known.get(path)
        if existing is not None and visible(path):
            if existing.level != level:
                errors.add(
                    item.name_key,
                    _("%(label)s: %(code)s is not a grid.") % {"label": item.label, "code": path},
                )
                continue
            if item.must_be_new:
                errors.add(item.name_key, _("%(label)s: the grid already exists.") % {"label": item.label})
                continue
            item.unit = existing
            if not set_name(item, existing.name):
                continue
        else:
            if existing is not None:  # out of the actor's scope: looks missing
                errors.add(
                    item.name_key,
                    _("%(label)s: the parent unit %(path)s does not exist.")
                    % {"label": item.label, "path": path[:-3]},
                )
                continue
            if path.endswith("000"):
                errors.add(
                    item.name_key,
                    _("%(label)s: a grid number must be between 001 and 999.") % {"label": item.label},
                )
                continue
            if not parent_ok(item, path[:-3], level):
                continue
            if level == Level.GRID2:
                default = grid_default_name(community_name=community_name(path), grid2_seq=int(path[-3:]))
            else:
                default = grid_default_name(
                    community_name=community_name(path), grid2_seq=int(path[12:15]), grid3_seq=int(path[-3:])
                )
            if not set_name(item, default):
                continue
        item.final_path = path
        planned_paths[path] = item
    for path in planned_paths:
        max_seq[path[:-3]] = max(max_seq[path[:-3]], int(path[-3:]))

    for item in by_parent:
        parent_path = item.parent_path or ""
        level = (
            {12: Level.GRID2, 15: Level.GRID3}.get(len(parent_path)) if _DIGITS.match(parent_path) else None
        )
        if level is None:
            errors.add(
                item.name_key,
                _(
                    "%(label)s: the parent %(path)s must be a community/village code (12 digits) or a level-2 grid code (15 digits)."
                )
                % {"label": item.label, "path": parent_path},
            )
            continue
        item.level = level
        if not parent_ok(item, parent_path, level):
            continue
        if not (item.name or "").strip():
            errors.add(item.name_key, _("%(label)s: the name is empty.") % {"label": item.label})
            continue
        if not set_name(item, ""):
            continue
        key = (parent_path, item.final_name)
        if key in planned_names:
            errors.add(
                item.name_key,
                _("%(label)s: grid %(name)s appears more than once.")
                % {"label": item.label, "name": item.final_name},
            )
            continue
        planned_names[key] = item
        existing = children_by_name.get(key)
        if existing is not None:
            if item.must_be_new:
                errors.add(
                    item.name_key,
                    _("%(label)s: a grid with this name already exists (%(code)s).")
                    % {"label": item.label, "code": existing.path},
                )
                continue
            if existing.path in planned_paths:
                errors.add(
                    item.name_key,
                    _("%(label)s: grid %(code)s appears more than once.")
                    % {"label": item.label, "code": existing.path},
                )
                continue
            item.unit = existing
            item.final_path = existing.path
        else:
            seq = max_seq[parent_path] + 1
            if seq > MAX_SEQUENCE:
                errors.add(
                    item.name_key,
                    _("%(label)s: %(path)s has no free grid number left.")
                    % {"label": item.label, "path": parent_path},
                )
                continue
            max_seq[parent_path] = seq
            item.final_path = f"{parent_path}{seq:03d}"
        planned_paths[item.final_path] = item


def _interior_overlaps(a: np.ndarray, b: np.ndarray, lat: float) -> np.ndarray:
    """Area (m²) shared by the interiors of a[i] and b[i]."""
    if not len(a):
        return np.zeros(0)
    touching = shapely.touches(a, b)
    result = np.zeros(len(a))
    check = ~touching
    if check.any():
        result[check] = area_m2(shapely.intersection(a[check], b[check]), lat)
    return result


def _load_polygons(queryset) -> list[tuple[int, str, str, BaseGeometry]]:
    return [
        (unit_id, path, name, to_shape(geometry))
        for unit_id, path, name, geometry in queryset.values_list(
            "unit_id", "unit__path", "unit__name", "geometry"
        )
    ]


def _check_overlaps(items: list[_Item], *, level: str, skip_ids: set[int], errors: _Errors) -> None:
    """Planned grids of one level against each other and against the other active grids."""
    if not items:
        return
    geoms = np.array([i.geom for i in items], dtype=object)
    west, south, east, north = shapely.total_bounds(geoms).tolist()
    lat = (south + north) / 2
    reported: set[int] = set()

    def report(index: int, other_label: str, area: float) -> None:
        if index in reported:
            return
        reported.add(index)
        item = items[index]
        errors.add(
            item.geometry_key,
            _("%(label)s overlaps %(other)s (about %(area)s m²).")
            % {"label": item.label, "other": other_label, "area": f"{area:,.0f}"},
        )

    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    shared = _interior_overlaps(geoms[left], geoms[right], lat)
    for i, j, area in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
        if area > OVERLAP_TOLERANCE_M2:
            report(j, items[i].label, area)

    existing = [
        row
        for row in _load_polygons(
            GridPolygon.objects.filter(
                unit__level=level,
                unit__is_active=True,
                min_lon__lte=east,
                max_lon__gte=west,
                min_lat__lte=north,
                max_lat__gte=south,
            )
        )
        if row[0] not in skip_ids
    ]
    if not existing:
        return
    others = np.array([row[3] for row in existing], dtype=object)
    mine, theirs = shapely.STRtree(others).query(geoms, predicate="intersects")
    shared = _interior_overlaps(geoms[mine], others[theirs], lat)
    for i, j, area in zip(mine.tolist(), theirs.tolist(), shared.tolist(), strict=True):
        if area > OVERLAP_TOLERANCE_M2:
            report(i, _unit_label(existing[j][1], existing[j][2]), area)


def _outside_m2(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    if not len(inner):
        return np.zeros(0)
    lat = float(np.mean([g.centroid.y for g in outer]))
    return area_m2(shapely.difference(inner, outer), lat)


def _check_containment(
    items: list[_Item], *, planned: dict[str, _Item], pruned: set[int], errors: _Errors
) -> None:
    """Level-3 grids inside their level-2 grid; changed level-2 grids still holding theirs."""
    grid3 = [i for i in items if i.level == Level.GRID3]
    parent_not_planned = {i.final_path[:15] for i in grid3 if i.final_path[:15] not in planned}
    parent_geoms: dict[str, BaseGeometry] = {
        path: item.geom for path, item in planned.items() if item.level == Level.GRID2
    }
    if parent_not_planned:
        rows = _load_polygons(GridPolygon.objects.filter(unit__path__in=parent_not_planned))
        parent_geoms.update({path: geom for unit_id, path, _name, geom in rows if unit_id not in pruned})
    pairs = [(i, parent_geoms[i.final_path[:15]]) for i in grid3 if i.final_path[:15] in parent_geoms]
    if pairs:
        excess = _outside_m2(np.array([p[0].geom for p in pairs]), np.array([p[1] for p in pairs]))
        for (item, _parent), area in zip(pairs, excess.tolist(), strict=True):
            if area > CONTAINMENT_TOLERANCE_M2:
                parent = planned.get(item.final_path[:15])
                parent_label = parent.label if parent else item.final_path[:15]
                errors.add(
                    item.geometry_key,
                    _("%(label)s is not inside its level-2 grid %(parent)s (about %(area)s m² outside).")
                    % {"label": item.label, "parent": parent_label, "area": f"{area:,.0f}"},
                )

    changed_grid2 = {i.unit.pk: i for i in items if i.level == Level.GRID2 and i.unit is not None}
    if not changed_grid2:
        return
    children = [
        row
        for row in _load_polygons(
            GridPolygon.objects.filter(unit__parent_id__in=list(changed_grid2), unit__is_active=True)
        )
        if row[1] not in planned and row[0] not in pruned
    ]
    if not children:
        return
    holders = [planned[row[1][:15]] for row in children]
    excess = _outside_m2(np.array([row[3] for row in children]), np.array([h.geom for h in holders]))
    reported: set[str] = set()
    for row, holder, area in zip(children, holders, excess.tolist(), strict=True):
        if area > CONTAINMENT_TOLERANCE_M2 and holder.final_path not in reported:
            reported.add(holder.final_path)
            errors.add(
                holder.geometry_key,
                _("%(label)s: its level-3 grid %(child)s would no longer lie inside it.")
                % {"label": holder.label, "child": _unit_label(row[1], row[2])},
            )


def _apply(items: list[_Item], *, actor, prune_within: Iterable[str] = (), dry_run: bool = False) -> _Outcome:
    """Validate ``items`` together and, unless ``dry_run``, write them. ``prune_within``: grid
    polygons under these paths that the write does not set are removed (the demo tiling)."""
    errors = _Errors()
    for item in items:
        item.geom, problem = parse_grid_geometry(item.geometry)
        if problem is not None:
            errors.add(item.geometry_key, _geometry_message(item, problem))
    _resolve(items, actor=actor, errors=errors)
    errors.raise_if_any()

    planned = {item.final_path: item for item in items}
    prune_within = list(prune_within)
    pruned: set[int] = set()
    if prune_within:
        pruned = {
            unit_id
            for unit_id, path in GridPolygon.objects.filter(
                within_any(prune_within, "unit__path")
            ).values_list("unit_id", "unit__path")
            if path not in planned
        }
    skip_ids = pruned | {item.unit.pk for item in items if item.unit is not None}
    for level in GRID_LEVELS:
        _check_overlaps([i for i in items if i.level == level], level=level, skip_ids=skip_ids, errors=errors)
    _check_containment(items, planned=planned, pruned=pruned, errors=errors)
    errors.raise_if_any()
    if dry_run:
        return _Outcome(created=[], updated=[], removed=0)
    return _write(items, pruned=pruned)


def _write(items: list[_Item], *, pruned: set[int]) -> _Outcome:
    now = timezone.now()
    created: list[OrgUnit] = []
    updated: list[OrgUnit] = []
    renamed: list[OrgUnit] = []
    for level in GRID_LEVELS:
        new_items = [i for i in items if i.level == level and i.unit is None]
        if not new_items:
            continue
        parents = {u.path: u for u in OrgUnit.objects.filter(path__in={i.final_path[:-3] for i in new_items})}
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(path=i.final_path, name=i.final_name, level=level, parent=parents[i.final_path[:-3]])
                for i in new_items
            ]
        )
        fresh = {u.path: u for u in OrgUnit.objects.filter(path__in=[i.final_path for i in new_items])}
        for item in new_items:
            item.unit = fresh[item.final_path]
            created.append(item.unit)
    created_ids = {unit.pk for unit in created}
    for item in items:
        if item.unit.pk in created_ids:
            continue
        updated.append(item.unit)
        if item.final_name != item.unit.name:
            item.unit.name = item.final_name
            item.unit.updated_at = now
            renamed.append(item.unit)
    if renamed:
        OrgUnit.objects.bulk_update(renamed, ["name", "updated_at"])

    with_polygon = set(
        GridPolygon.objects.filter(unit_id__in=[i.unit.pk for i in items]).values_list("unit_id", flat=True)
    )
    to_create, to_update = [], []
    for item in items:
        polygon = GridPolygon(unit=item.unit, geometry=to_geojson(item.geom), updated_at=now)
        for name, value in derived_columns(item.geom).items():
            setattr(polygon, name, value)
        (to_update if item.unit.pk in with_polygon else to_create).append(polygon)
    if to_create:
        GridPolygon.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        GridPolygon.objects.bulk_update(
            to_update,
            ["geometry", *DERIVED_COLUMNS, "updated_at"],
            batch_size=200,
        )
    removed = 0
    if pruned:
        removed, _ = GridPolygon.objects.filter(unit_id__in=pruned).delete()
    return _Outcome(created=created, updated=updated, removed=removed)


# --- public services ------------------------------------------------------------------------


@transaction.atomic
def grid_create(*, actor, parent: OrgUnit, name: str, geometry: dict) -> OrgUnit:
    """Create a grid with the next free 3-digit number under ``parent``: a level-2 grid under a
    community/village, a level-3 grid under a level-2 grid."""
    item = _Item(
        label=_("Grid %(name)s") % {"name": name},
        geometry=geometry,
        geometry_key="geometry",
        name_key="name",
        parent_path=parent.path,
        name=name,
        must_be_new=True,
    )
    with _Quiet():
        outcome = _apply([item], actor=actor)
    return outcome.created[0]


def _polygon_item(unit: OrgUnit, geometry: dict) -> _Item:
    return _Item(
        label=_unit_label(unit.path, unit.name),
        geometry=geometry,
        geometry_key="geometry",
        name_key="unit",
        path=unit.path,
    )


@transaction.atomic
def grid_polygon_set(*, actor, unit: OrgUnit, geometry: dict) -> GridPolygon:
    """Set (create or replace) the polygon of an existing grid."""
    item = _polygon_item(unit, geometry)
    with _Quiet():
        _apply([item], actor=actor)
    return GridPolygon.objects.select_related("unit").get(pk=item.unit.pk)


def grid_polygon_validate(*, actor, unit: OrgUnit, geometry: dict) -> None:
    """Raise ``ValidationFailed`` if ``grid_polygon_set`` would refuse this geometry; writes
    nothing (forms call it to show errors beside the field)."""
    _apply([_polygon_item(unit, geometry)], actor=actor, dry_run=True)


@transaction.atomic
def grid_polygon_delete(*, actor, unit: OrgUnit) -> None:
    """Remove a grid's polygon (the grid itself stays); a grid out of the actor's scope is
    ``NotFound``."""
    if actor is not None and not covers(user_scope(actor), unit.path):
        raise NotFound()
    with _Quiet():
        GridPolygon.objects.filter(unit=unit).delete()


def _feature_items(feature_collection) -> list[_Item]:
    if (
        not isinstance(feature_collection, dict)
        or feature_collection.get("type") != "FeatureCollection"
        or not isinstance(feature_collection.get("features"), list)
    ):
        raise ValidationFailed(_("The file must be a GeoJSON FeatureCollection."))
    if not feature_collection["features"]:
        raise ValidationFailed(_("The FeatureCollection has no features."))
    items, errors = [], _Errors()
    for index, feature in enumerate(feature_collection["features"]):
        key = f"features.{index}"
        number = index + 1
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.add(key, _("Feature %(number)d is not a GeoJSON Feature.") % {"number": number})
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        code = props.get("code")
        parent = props.get("parent")
        name = props.get("name")
        code = str(code).strip() if code not in (None, "") else None
        parent = str(parent).strip() if parent not in (None, "") else None
        name = str(name) if name is not None else None
        if code is None and (parent is None or not (name or "").strip()):
            errors.add(
                key,
                _('Feature %(number)d: its properties must give a grid "code", or a "parent" and a "name".')
                % {"number": number},
            )
            continue
        ref = code or f"{parent} {name}"
        items.append(
            _Item(
                label=_("Feature %(number)d (%(ref)s)") % {"number": number, "ref": ref},
                geometry=feature.get("geometry"),
                geometry_key=key,
                name_key=key,
                path=code,
                parent_path=None if code else parent,
                name=name,
            )
        )
    errors.raise_if_any()
    return items


@transaction.atomic
def grids_import_geojson(*, actor, feature_collection: dict) -> ImportResult:
    """Create or update grids from a GeoJSON FeatureCollection, all or nothing.

    Each Feature's ``properties`` give either ``code`` (an existing grid's code, or a new
    15-/18-digit code whose parent exists or is created earlier in the same file; optional
    ``name``) or ``parent`` (a community/village or level-2 grid code) and ``name`` (the grid of
    that name under the parent is updated, else one is created with the next free number).
    Errors name the feature (1-based) in the message and key ``fields`` by ``features.<index>``
    (0-based, like the API's other field paths).
    """
    items = _feature_items(feature_collection)
    with _Quiet():
        outcome = _apply(items, actor=actor)
    return ImportResult(created=len(outcome.created), updated=len(outcome.updated))
