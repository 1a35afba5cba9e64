"""Point → grid index benchmark: build time, bulk lookups per second, single-lookup latency.

Run ``python bench/geo_bench.py`` from the repository root (prints one JSON object), or import
``run()`` (``bench/run.py`` merges it). No database queries: the grids are tiled in memory the way the
demo tiler does (jittered lattice of level-2 grids, each cut into level-3 grids) and the index
is built from plain (path, GeoJSON) pairs.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from gridgov.geo.geometry import (  # noqa: E402
    jittered_lattice,
    km_to_deg,
    lattice_quad,
    ring_polygon,
    subdivide_quad,
)
from gridgov.geo.index import GridIndex  # noqa: E402

CENTRE_LON, CENTRE_LAT = 122.97, 41.12
COLS, ROWS = 28, 20  # level-2 grids
GRID3_PER_GRID2 = 9
CELL_KM = 0.8
BULK_POINTS = 200_000
SINGLE_CALLS = 20_000
SEED = 2024


def tiled_pairs() -> tuple[list[tuple[str, dict]], tuple[float, float, float, float]]:
    """(path, GeoJSON) pairs of COLS × ROWS level-2 grids and their level-3 grids, and the bbox."""
    rng = np.random.default_rng(SEED)
    cell_lon, cell_lat = km_to_deg(CELL_KM, CENTRE_LAT)
    west, south = CENTRE_LON - COLS * cell_lon / 2, CENTRE_LAT - ROWS * cell_lat / 2
    vertices = jittered_lattice(
        cols=COLS, rows=ROWS, west=west, south=south, cell_lon=cell_lon, cell_lat=cell_lat, rng=rng
    )
    pairs = []
    for row in range(ROWS):
        for col in range(COLS):
            community = f"210303{row:03d}{col:03d}"
            grid2 = f"{community}001"
            quad = lattice_quad(vertices, row, col)
            pairs.append((grid2, ring_polygon(quad)))
            for k, ring in enumerate(subdivide_quad(quad, GRID3_PER_GRID2, rng), start=1):
                pairs.append((f"{grid2}{k:03d}", ring_polygon(ring)))
    return pairs, (west, south, west + COLS * cell_lon, south + ROWS * cell_lat)


def run() -> dict:
    pairs, (west, south, east, north) = tiled_pairs()

    started = time.perf_counter()
    index = GridIndex.from_pairs(pairs)
    build_ms = (time.perf_counter() - started) * 1000

    rng = np.random.default_rng(SEED + 1)
    margin_lon, margin_lat = (east - west) * 0.05, (north - south) * 0.05
    lons = rng.uniform(west - margin_lon, east + margin_lon, BULK_POINTS)
    lats = rng.uniform(south - margin_lat, north + margin_lat, BULK_POINTS)

    index.locate_many(lons[:1000], lats[:1000])  # warm-up
    bulk_seconds = []
    for _ in range(3):
        started = time.perf_counter()
        paths = index.locate_many(lons, lats)
        bulk_seconds.append(time.perf_counter() - started)
    bulk_rate = BULK_POINTS / statistics.median(bulk_seconds)

    xs, ys = lons[:SINGLE_CALLS].tolist(), lats[:SINGLE_CALLS].tolist()
    for x, y in zip(xs[:1000], ys[:1000], strict=True):  # warm-up
        index.locate(x, y)
    timings = np.empty(SINGLE_CALLS, dtype=np.int64)
    answers = []
    clock = time.perf_counter_ns
    locate = index.locate
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        t0 = clock()
        hit = locate(x, y)
        timings[i] = clock() - t0
        answers.append(hit)
    # The two paths must agree (a wrong fast answer is worthless).
    mismatches = sum(
        1
        for hit, path in zip(answers, paths[:SINGLE_CALLS], strict=True)
        if (hit.path if hit else None) != path
    )
    if mismatches:
        raise AssertionError(f"locate and locate_many disagree on {mismatches} points")

    return {
        "geo": {
            "grids": len(pairs),
            "grid2": COLS * ROWS,
            "grid3": COLS * ROWS * GRID3_PER_GRID2,
            "index_build_ms": round(build_ms, 1),
            "bulk_points": BULK_POINTS,
            "bulk_lookups_per_s": round(bulk_rate),
            "bulk_hit_share": round(float(np.mean(paths != None)), 3),  # noqa: E711
            "single_lookup_calls": SINGLE_CALLS,
            "single_lookup_us_median": round(float(np.median(timings)) / 1000, 2),
            "single_lookup_us_p99": round(float(np.percentile(timings, 99)) / 1000, 2),
        }
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
