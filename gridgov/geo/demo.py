"""Demo grid polygons: plausible, non-overlapping grids tiled around real coordinates."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from gridgov.orgs.models import Level, OrgUnit

from .geometry import jittered_lattice, km_to_deg, lattice_quad, ring_polygon, snake_cells, subdivide_quad
from .services import _apply, _Item, _Quiet

GAP_KM = 0.4  # between the block of urban communities and the block of villages


@dataclass(frozen=True)
class TileResult:
    created: int
    updated: int
    removed: int
    grid2: list[str]
    grid3: list[str]


def is_village(unit: OrgUnit) -> bool:
    """Villages (村委会) carry 200–399 in the last three digits of their statistical code,
    urban communities (居委会) 001–199."""
    return int(unit.path[9:12]) >= 200


def _spread(total: int, slots: int) -> list[int]:
    """``total`` split over ``slots`` as evenly as possible, the larger shares spaced evenly
    (independent of the seed, so the seed changes shapes, never which grids exist)."""
    if slots == 0:
        return []
    base, extra = divmod(total, slots)
    return [base + ((i + 1) * extra // slots - i * extra // slots) for i in range(slots)]


def _block(
    units: list[tuple[OrgUnit, int]], *, west: float, centre_lat: float, cell_km: float, rng
) -> tuple[list[tuple[OrgUnit, list]], float]:
    """Lay the grids of ``units`` on one jittered lattice whose west edge is ``west`` and which
    is centred on ``centre_lat``; each unit's grids are neighbouring cells. Returns the quads per
    unit and the block's east edge."""
    count = sum(n for _, n in units)
    if count == 0:
        return [(u, []) for u, _ in units], west
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    cell_lon, cell_lat = km_to_deg(cell_km, centre_lat)
    vertices = jittered_lattice(
        cols=cols,
        rows=rows,
        west=west,
        south=centre_lat - rows * cell_lat / 2,
        cell_lon=cell_lon,
        cell_lat=cell_lat,
        rng=rng,
    )
    cells = iter(snake_cells(cols, rows, count))
    laid = [(unit, [lattice_quad(vertices, *next(cells)) for _ in range(n)]) for unit, n in units]
    return laid, west + cols * cell_lon


@transaction.atomic
def tile_grids(
    *,
    communities: Sequence[OrgUnit],
    centre_lon: float,
    centre_lat: float,
    grid2_per_community: int | Mapping[str, int] | None = None,
    grid2_total: int | None = None,
    grid3_per_grid2: int | None = None,
    grid3_total: int | None = None,
    seed: int = 0,
    actor=None,
    community_grid2_km2: float = 0.6,
    village_grid2_km2: float = 2.5,
) -> TileResult:
    """Give ``communities`` (communities/villages) level-2 grids, and optionally level-3 grids,
    with plausible polygons around (``centre_lon``, ``centre_lat``) (WGS-84), in one call.

    Counts — exactly one of:

    * ``grid2_per_community``: an int for every community, or ``{community path: count}``
      (missing communities get none);
    * ``grid2_total``: spread as evenly as possible over the communities (the ones with one more
      spaced evenly in path order).

    Level-3 grids: ``grid3_per_grid2`` (each level-2 grid) or ``grid3_total`` (spread evenly over
    all the level-2 grids); neither means none.

    Layout: the urban communities' grids form one block centred on the point, the villages'
    (code 200–399) a second block to the east of it, with larger cells. Each block is a
    lattice of irregular convex quadrilaterals sharing their vertices (~``community_grid2_km2``
    or ``village_grid2_km2`` each); a community's grids are neighbouring cells. Each level-2 grid
    is cut into its level-3 grids, which tile it exactly. Everything passes the same validation
    as an import (no overlaps with each other or with other grids, level 3 inside level 2).

    Grids: community ``C``'s level-2 grids are ``C + 001 … C + n``, level-3 grids
    ``grid2 + 001 … grid2 + m``; existing units with those codes are reused with their names,
    missing ones are created named ``虹桥社区第2网格`` / ``虹桥社区2-3网格``. Polygons of other grids
    under these communities (beyond the requested counts) are removed, their units kept. So a
    call is deterministic for its arguments (``seed``) and idempotent: running it again updates
    the same grids and creates nothing.

    Returns the counts of grids created and updated, polygons removed, and the paths tiled.
    """
    if (grid2_per_community is None) == (grid2_total is None):
        raise ValueError("give exactly one of grid2_per_community and grid2_total")
    if grid3_per_grid2 is not None and grid3_total is not None:
        raise ValueError("give at most one of grid3_per_grid2 and grid3_total")
    units = sorted({u.path: u for u in communities}.values(), key=lambda u: u.path)
    for unit in units:
        if unit.level != Level.COMMUNITY:
            raise ValueError(f"{unit.path} is not a community or village")
    rng = np.random.default_rng(seed)

    if grid2_total is not None:
        counts2 = _spread(grid2_total, len(units))
    elif isinstance(grid2_per_community, Mapping):
        counts2 = [int(grid2_per_community.get(u.path, 0)) for u in units]
    else:
        counts2 = [int(grid2_per_community)] * len(units)
    if any(n < 0 or n > 999 for n in counts2):
        raise ValueError("level-2 grid counts must be between 0 and 999")

    urban = [(u, n) for u, n in zip(units, counts2, strict=True) if not is_village(u)]
    rural = [(u, n) for u, n in zip(units, counts2, strict=True) if is_village(u)]
    urban_km = math.sqrt(community_grid2_km2)
    rural_km = math.sqrt(village_grid2_km2)
    urban_count, rural_count = sum(n for _, n in urban), sum(n for _, n in rural)
    if urban_count:
        cols = math.ceil(math.sqrt(urban_count))
        west = centre_lon - km_to_deg(urban_km, centre_lat)[0] * cols / 2
    else:
        cols = math.ceil(math.sqrt(rural_count)) if rural_count else 0
        west = centre_lon - km_to_deg(rural_km, centre_lat)[0] * cols / 2
    laid_urban, east = _block(urban, west=west, centre_lat=centre_lat, cell_km=urban_km, rng=rng)
    if urban_count:
        east += km_to_deg(GAP_KM, centre_lat)[0]
    laid_rural, _ = _block(rural, west=east, centre_lat=centre_lat, cell_km=rural_km, rng=rng)
    laid = sorted(laid_urban + laid_rural, key=lambda pair: pair[0].path)

    grid2 = [(f"{unit.path}{k:03d}", quad) for unit, quads in laid for k, quad in enumerate(quads, start=1)]
    if grid3_total is not None:
        counts3 = _spread(grid3_total, len(grid2))
        if grid3_total and not grid2:
            raise ValueError("level-3 grids need level-2 grids")
    else:
        counts3 = [int(grid3_per_grid2 or 0)] * len(grid2)
    if any(n < 0 or n > 999 for n in counts3):
        raise ValueError("level-3 grid counts must be between 0 and 999")

    items: list[_Item] = []
    grid3_paths: list[str] = []
    for (path, quad), m in zip(grid2, counts3, strict=True):
        items.append(
            _Item(label=path, geometry=ring_polygon(quad), geometry_key=path, name_key=path, path=path)
        )
        for j, ring in enumerate(subdivide_quad(quad, m, rng), start=1):
            child = f"{path}{j:03d}"
            grid3_paths.append(child)
            items.append(
                _Item(
                    label=child, geometry=ring_polygon(ring), geometry_key=child, name_key=child, path=child
                )
            )
    if not items:
        return TileResult(created=0, updated=0, removed=0, grid2=[], grid3=[])
    with _Quiet():
        outcome = _apply(items, actor=actor, prune_within=[u.path for u in units])
    return TileResult(
        created=len(outcome.created),
        updated=len(outcome.updated),
        removed=outcome.removed,
        grid2=[path for path, _ in grid2],
        grid3=grid3_paths,
    )
