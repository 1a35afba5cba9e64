"""Plain geometry helpers (shapely + numpy, no database): GeoJSON parsing and checks, areas
in square metres, and the jittered-lattice tiling the demo generator and the benchmark use.

Coordinates are WGS-84 longitude/latitude in degrees throughout.
"""

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0
GRID_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def m_per_deg_lon(lat: float) -> float:
    return M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))


def area_m2(geom, lat: float | None = None):
    """Approximate area in square metres (equirectangular at the geometry's latitude); good
    enough for tolerances and sizes of grids a few kilometres across. Vectorised over arrays
    when ``lat`` is given."""
    if lat is None:
        lat = shapely.centroid(geom).y if not shapely.is_empty(geom) else 0.0
    return shapely.area(geom) * M_PER_DEG_LAT * m_per_deg_lon(lat)


def to_shape(geojson) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry mapping (2-D); raises ValueError."""
    if not isinstance(geojson, dict):
        raise ValueError("not a GeoJSON object")
    try:
        geom = shapely.from_geojson(json.dumps(geojson))
    except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
        raise ValueError(str(exc)) from exc
    if geom is None:
        raise ValueError("not a GeoJSON geometry")
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
    return geom


def to_geojson(geom: BaseGeometry) -> dict:
    """The GeoJSON mapping of a geometry, lists only (as stored in a JSONField)."""
    return json.loads(shapely.to_geojson(geom))


# The GridPolygon columns computed from its geometry.
DERIVED_COLUMNS = ("min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat")


def derived_columns(geom: BaseGeometry) -> dict[str, float]:
    min_lon, min_lat, max_lon, max_lat = shapely.bounds(geom).tolist()
    centroid = shapely.centroid(geom)
    return {
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "centroid_lon": centroid.x,
        "centroid_lat": centroid.y,
    }


@dataclass(frozen=True)
class GeometryProblem:
    """Why a value is not an acceptable grid area: ``kind`` is one of ``type``, ``empty``,
    ``range``, ``invalid``; ``detail`` is GEOS's reason for ``invalid``."""

    kind: str
    detail: str = ""


def parse_grid_geometry(value) -> tuple[BaseGeometry | None, GeometryProblem | None]:
    """Parse and check a grid area: a GeoJSON Polygon/MultiPolygon, finite lon/lat inside
    WGS-84 ranges, non-empty with a positive area, and valid (OGC rules)."""
    if not isinstance(value, dict) or value.get("type") not in GRID_GEOMETRY_TYPES:
        return None, GeometryProblem("type")
    try:
        geom = to_shape(value)
    except ValueError:
        return None, GeometryProblem("type")
    if geom.geom_type not in GRID_GEOMETRY_TYPES:
        return None, GeometryProblem("type")
    if geom.is_empty:
        return None, GeometryProblem("empty")
    coords = shapely.get_coordinates(geom)
    if (
        not np.isfinite(coords).all()
        or (np.abs(coords[:, 0]) > 180).any()
        or (np.abs(coords[:, 1]) > 90).any()
    ):
        return None, GeometryProblem("range")
    if not shapely.is_valid(geom):
        return None, GeometryProblem("invalid", shapely.is_valid_reason(geom))
    if geom.area <= 0:
        return None, GeometryProblem("empty")
    return geom, None


# --- Tiling: irregular, non-overlapping quadrilaterals that share their vertices ---------------


def km_to_deg(km: float, lat: float) -> tuple[float, float]:
    """(degrees of longitude, degrees of latitude) spanning ``km`` at latitude ``lat``."""
    return km * 1000 / m_per_deg_lon(lat), km * 1000 / M_PER_DEG_LAT


def jittered_lattice(
    *,
    cols: int,
    rows: int,
    west: float,
    south: float,
    cell_lon: float,
    cell_lat: float,
    rng: np.random.Generator,
    jitter: float = 0.18,
) -> np.ndarray:
    """Vertices of a ``rows`` × ``cols`` lattice of cells, each vertex moved at random by up to
    ``jitter`` of a cell in each direction: shape (rows + 1, cols + 1, 2), lon/lat.

    With ``jitter`` below 0.25 every cell stays a convex quadrilateral, and neighbouring cells
    share their vertices, so the cells tile the block without gaps or overlaps.
    """
    j = np.arange(cols + 1)
    i = np.arange(rows + 1)
    lon = west + j[None, :] * cell_lon + np.zeros((rows + 1, 1))
    lat = south + i[:, None] * cell_lat + np.zeros((1, cols + 1))
    lon = lon + rng.uniform(-jitter, jitter, lon.shape) * cell_lon
    lat = lat + rng.uniform(-jitter, jitter, lat.shape) * cell_lat
    return np.stack([lon, lat], axis=-1)


def lattice_quad(vertices: np.ndarray, row: int, col: int) -> list[tuple[float, float]]:
    """The cell at (row, col), counter-clockwise from its south-west corner (SW, SE, NE, NW)."""
    v = vertices
    return [tuple(v[row, col]), tuple(v[row, col + 1]), tuple(v[row + 1, col + 1]), tuple(v[row + 1, col])]


def snake_cells(cols: int, rows: int, count: int) -> list[tuple[int, int]]:
    """The first ``count`` cells of a lattice in boustrophedon order (row by row, alternating
    direction), so consecutive cells are always neighbours."""
    cells = []
    for row in range(rows):
        order = range(cols) if row % 2 == 0 else range(cols - 1, -1, -1)
        cells.extend((row, col) for col in order)
    return cells[:count]


def _lerp(a, b, t: float) -> tuple[float, float]:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _cuts(n: int, rng: np.random.Generator, jitter: float) -> list[float]:
    """0, ~1/n, ~2/n, …, 1 with the interior cuts jittered by up to ``jitter`` / n."""
    inner = [(k + rng.uniform(-jitter, jitter)) / n for k in range(1, n)]
    return [0.0, *inner, 1.0]


def subdivide_quad(
    quad: list[tuple[float, float]], count: int, rng: np.random.Generator, jitter: float = 0.2
) -> list[list[tuple[float, float]]]:
    """Split a convex quadrilateral (SW, SE, NE, NW) into exactly ``count`` irregular
    quadrilaterals that tile it: ~√count rows whose borders run from the west edge to the east
    edge, each row cut into columns. Cells whose neighbours across a row border were cut at
    other places carry those points too, so neighbouring cells share every vertex.

    Each result is a ring without the closing point, counter-clockwise.
    """
    if count < 1:
        return []
    sw, se, ne, nw = quad
    rows = max(1, min(count, round(math.sqrt(count))))
    per_row = [count // rows + (1 if r < count % rows else 0) for r in range(rows)]
    left = _cuts(rows, rng, jitter)
    right = _cuts(rows, rng, jitter)
    lines = [(_lerp(sw, nw, left[k]), _lerp(se, ne, right[k])) for k in range(rows + 1)]
    # Positions (0…1 along each row border) where a row above or below cuts it.
    bottom_cuts = [_cuts(n, rng, jitter) for n in per_row]
    top_cuts = [_cuts(n, rng, jitter) for n in per_row]
    line_points: list[list[float]] = []
    for k in range(rows + 1):
        ts = set()
        if k < rows:
            ts.update(bottom_cuts[k])
        if k > 0:
            ts.update(top_cuts[k - 1])
        line_points.append(sorted(ts))

    def along(k: int, t0: float, t1: float) -> list[tuple[float, float]]:
        a, b = lines[k]
        return [_lerp(a, b, t) for t in line_points[k] if t0 <= t <= t1]

    cells = []
    for r in range(rows):
        bc, tc = bottom_cuts[r], top_cuts[r]
        for c in range(per_row[r]):
            bottom = along(r, bc[c], bc[c + 1])  # west → east
            top = along(r + 1, tc[c], tc[c + 1])[::-1]  # east → west
            cells.append(bottom + top)
    return cells


def ring_polygon(ring: list[tuple[float, float]]) -> dict:
    """A GeoJSON Polygon from an open counter-clockwise ring."""
    coords = [[float(x), float(y)] for x, y in ring]
    coords.append(coords[0])
    return {"type": "Polygon", "coordinates": [coords]}
