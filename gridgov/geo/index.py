"""The in-process point → grid index (ARCHITECTURE §2 "Geometry").

One ``shapely.STRtree`` over every active grid polygon. ``locate`` answers one point (no
database access except the periodic generation check); ``locate_many`` answers numpy arrays of
points in one vectorised query, the bulk path.

Rules:

* The finest grid wins: a level-3 grid over the level-2 grid it lies in.
* A point on a border between grids of the same level belongs to the one with the smallest
  path, so the answer never depends on insertion order or on the process.
* A point outside every grid is ``None``, not an error.

Freshness: every grid write changes ``GridIndexState.generation`` in its transaction. An index
remembers the generation it was built at and, at most once every
``GRIDGOV_GEO_RECHECK_SECONDS``, reads the current one (one cheap query) and rebuilds when it
differs, so every process follows grid changes without a restart. The built tree is an
immutable snapshot swapped in with one assignment; readers never see a half-built index.

``GridIndex.from_pairs`` builds a static index from plain ``(path, geometry)`` pairs without
the database (benchmarks, tools); importing this module does not need Django set up.
"""

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings

from gridgov.orgs.models import PATH_LENGTH_LEVEL

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GridHit:
    """The grid a point lies in."""

    unit_id: int | None
    path: str
    name: str
    level: str


class _Snapshot:
    """An immutable built index: geometries sorted by priority (finest level first, then path),
    so the smallest tree index among a point's candidates is the answer."""

    __slots__ = ("generation", "geoms", "hits", "paths", "tree")

    def __init__(self, records: list[tuple[int | None, str, str, str, object]], generation: int):
        records = sorted(records, key=lambda r: (-len(r[1]), r[1]))
        geoms = np.empty(len(records), dtype=object)
        for i, record in enumerate(records):
            geom = record[4]
            geoms[i] = geom if isinstance(geom, shapely.Geometry) else _shape(geom)
        shapely.prepare(geoms)
        self.generation = generation
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms)
        self.hits = [GridHit(unit_id=r[0], path=r[1], name=r[2], level=r[3]) for r in records]
        # One extra slot at the end: the answer for "no grid".
        self.paths = np.array([r[1] for r in records] + [None], dtype=object)


def _shape(geojson):
    from .geometry import to_shape

    return to_shape(geojson)


def _load_records() -> list[tuple[int, str, str, str, dict]]:
    from .models import GridPolygon

    return list(
        GridPolygon.objects.filter(unit__is_active=True).values_list(
            "unit_id", "unit__path", "unit__name", "unit__level", "geometry"
        )
    )


class GridIndex:
    """A point → grid index. ``GridIndex()`` follows the database; ``GridIndex.from_pairs``
    is static. Safe to share between threads."""

    def __init__(self) -> None:
        self._snapshot: _Snapshot | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()
        self._static = False

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, object]], *, names: dict[str, str] | None = None
    ) -> "GridIndex":
        """A static index over ``(path, geometry)`` pairs (GeoJSON mapping or shapely geometry);
        no database, no rebuilds. Names default to the path, levels come from the path length."""
        names = names or {}
        records = [
            (None, path, names.get(path, path), PATH_LENGTH_LEVEL.get(len(path), "grid"), geometry)
            for path, geometry in pairs
        ]
        index = cls()
        index._static = True
        index._snapshot = _Snapshot(records, generation=0)
        return index

    # --- freshness ------------------------------------------------------------------------

    @property
    def generation(self) -> int | None:
        snapshot = self._snapshot
        return None if snapshot is None else snapshot.generation

    def __len__(self) -> int:
        return len(self._current().hits)

    def invalidate(self) -> None:
        """Check the generation on the next lookup, whatever the interval."""
        self._checked_at = float("-inf")

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if self._static:
            return snapshot
        if (
            snapshot is not None
            and time.monotonic() - self._checked_at < settings.GRIDGOV_GEO_RECHECK_SECONDS
        ):
            return snapshot
        return self._refresh()

    def _refresh(self) -> _Snapshot:
        if self._snapshot is not None:
            if not self._lock.acquire(blocking=False):
                return self._snapshot  # another thread is checking; serve the current snapshot
        else:
            self._lock.acquire()
        try:
            snapshot = self._snapshot
            if (
                snapshot is not None
                and time.monotonic() - self._checked_at < settings.GRIDGOV_GEO_RECHECK_SECONDS
            ):
                return snapshot
            from .models import GridIndexState

            # Read the generation before the polygons: a change committed in between makes the
            # next check rebuild again, never leaves a stale index marked as fresh.
            generation = GridIndexState.current()
            if snapshot is None or snapshot.generation != generation:
                started = time.perf_counter()
                snapshot = _Snapshot(_load_records(), generation)
                self._snapshot = snapshot
                logger.debug(
                    "grid index rebuilt: %d polygons, generation %d, %.1f ms",
                    len(snapshot.hits),
                    generation,
                    (time.perf_counter() - started) * 1000,
                )
            self._checked_at = time.monotonic()
            return snapshot
        finally:
            self._lock.release()

    # --- lookups --------------------------------------------------------------------------

    def locate(self, lon: float, lat: float) -> GridHit | None:
        """The finest grid containing the point (borders included), or ``None``."""
        snapshot = self._current()
        x, y = float(lon), float(lat)
        candidates = snapshot.tree.query(shapely.Point(x, y))
        if not len(candidates):
            return None
        inside = candidates[shapely.intersects_xy(snapshot.geoms[candidates], x, y)]
        if not len(inside):
            return None
        return snapshot.hits[int(inside.min())]

    def nearest(self, lon: float, lat: float) -> GridHit | None:
        """The grid closest to the point (the containing one when there is one), or ``None``
        when no grid exists: used to find the city of a point that lies outside every grid."""
        snapshot = self._current()
        if not snapshot.hits:
            return None
        index = snapshot.tree.nearest(shapely.Point(float(lon), float(lat)))
        return None if index is None else snapshot.hits[int(index)]

    def locate_many(self, lons, lats) -> np.ndarray:
        """Vectorised ``locate``: 1-D arrays of longitudes and latitudes in, an object array of
        grid paths (``None`` outside every grid) out, in input order."""
        snapshot = self._current()
        lons = np.asarray(lons, dtype=float).ravel()
        lats = np.asarray(lats, dtype=float).ravel()
        if lons.shape != lats.shape:
            raise ValueError("lons and lats must have the same length")
        best = np.full(lons.shape[0], len(snapshot.hits), dtype=np.intp)
        if lons.size and snapshot.hits:
            points, candidates = snapshot.tree.query(shapely.points(lons, lats))
            inside = shapely.intersects_xy(snapshot.geoms[candidates], lons[points], lats[points])
            np.minimum.at(best, points[inside], candidates[inside])
        return snapshot.paths[best]


default_index = GridIndex()


def locate(lon: float, lat: float) -> GridHit | None:
    """The finest grid containing the point, from this process's shared index."""
    return default_index.locate(lon, lat)


def nearest(lon: float, lat: float) -> GridHit | None:
    """The grid closest to the point, from this process's shared index."""
    return default_index.nearest(lon, lat)


def locate_many(lons, lats) -> np.ndarray:
    """Grid paths (or ``None``) for arrays of points, from this process's shared index."""
    return default_index.locate_many(lons, lats)
