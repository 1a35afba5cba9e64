"""The point → grid index: finest grid, borders, misses, bulk lookups and rebuilds."""

import numpy as np
import pytest

from gridgov.geo.index import GridHit, GridIndex
from gridgov.geo.models import GridIndexState, GridPolygon
from gridgov.geo.services import grid_create, grid_polygon_set

from .conftest import SOUTH, STEP, WEST, cell, rect


@pytest.fixture
def grids(territory):
    """Two level-2 grids side by side (001 west, 002 east) and a level-3 grid in the south-west
    quarter of the first."""
    west = grid_create(actor=None, parent=territory.community, name="西网格", geometry=cell(0, 0))
    east = grid_create(actor=None, parent=territory.community, name="东网格", geometry=cell(1, 0))
    small = grid_create(
        actor=None,
        parent=west,
        name="西网格1号",
        geometry=rect(WEST, SOUTH, WEST + STEP / 2, SOUTH + STEP / 2),
    )
    return west, east, small


@pytest.mark.django_db
def test_locate_returns_the_level2_grid_containing_the_point(grids):
    # given two level-2 grids and a level-3 grid in the first
    west, east, _small = grids
    # when a point in the east grid and one in the uncovered part of the west grid are located
    index = GridIndex()
    in_east = index.locate(WEST + 1.5 * STEP, SOUTH + 0.5 * STEP)
    in_west = index.locate(WEST + 0.75 * STEP, SOUTH + 0.75 * STEP)
    # then each is its level-2 grid
    assert in_east == GridHit(unit_id=east.pk, path=east.path, name="东网格", level="grid2")
    assert in_west.path == west.path


@pytest.mark.django_db
def test_locate_prefers_the_level3_grid_over_its_level2_grid(grids):
    # given a level-3 grid inside a level-2 grid
    west, _east, small = grids
    # when a point inside the level-3 grid is located
    hit = GridIndex().locate(WEST + 0.25 * STEP, SOUTH + 0.25 * STEP)
    # then the finer grid wins
    assert hit.path == small.path == west.path + "001"
    assert hit.level == "grid3"


@pytest.mark.django_db
def test_locate_outside_every_grid_is_none(grids):
    # given grids near 41.24 N 121.99 E
    index = GridIndex()
    # when points outside them (and far away) are located
    # then there is no grid, and no error
    assert index.locate(WEST - 0.5 * STEP, SOUTH + 0.5 * STEP) is None
    assert index.locate(116.4, 39.9) is None
    assert index.locate(float("nan"), 41.0) is None


@pytest.mark.django_db
def test_a_point_on_a_shared_border_resolves_to_one_grid_deterministically(grids):
    # given two level-2 grids sharing the border lon = WEST + STEP
    west, east, _small = grids
    border = (WEST + STEP, SOUTH + 0.75 * STEP)
    # when the border point is located by indexes built in either order
    from_db = GridIndex().locate(*border)
    pairs = [(p.unit.path, p.geometry) for p in GridPolygon.objects.select_related("unit")]
    forward = GridIndex.from_pairs(pairs).locate(*border)
    backward = GridIndex.from_pairs(pairs[::-1]).locate(*border)
    # then it always belongs to the grid with the smaller path
    assert from_db.path == forward.path == backward.path == west.path
    # and a corner shared with the level-3 grid goes to the level-3 grid
    assert GridIndex().locate(WEST + STEP / 2, SOUTH + STEP / 2).level == "grid3"


@pytest.mark.django_db
def test_locate_many_agrees_with_locate(grids):
    # given the grids and random points around them, some outside, some on borders
    rng = np.random.default_rng(7)
    lons = np.concatenate([rng.uniform(WEST - STEP, WEST + 3 * STEP, 500), [WEST + STEP, WEST + STEP / 2]])
    lats = np.concatenate(
        [rng.uniform(SOUTH - STEP, SOUTH + 2 * STEP, 500), [SOUTH + STEP / 2, SOUTH + STEP / 2]]
    )
    index = GridIndex()
    # when they are located in bulk and one by one
    bulk = index.locate_many(lons, lats)
    single = [getattr(index.locate(x, y), "path", None) for x, y in zip(lons, lats, strict=True)]
    # then the answers are the same, in input order, with None outside
    assert list(bulk) == single
    assert None in single
    assert len({p for p in single if p}) == 3


def test_from_pairs_builds_without_the_database():
    # given plain (path, geometry) pairs and no database access
    pairs = [("211122001001001", cell(0, 0)), ("211122001001002", cell(1, 0))]
    # when a static index is built and queried
    index = GridIndex.from_pairs(pairs, names={"211122001001001": "一"})
    # then it answers from the pairs
    assert index.locate(WEST + 0.5 * STEP, SOUTH + 0.5 * STEP) == GridHit(
        None, "211122001001001", "一", "grid2"
    )
    assert list(index.locate_many([WEST + 1.5 * STEP, 0.0], [SOUTH + 0.5 * STEP, 0.0])) == [
        "211122001001002",
        None,
    ]
    assert len(index) == 2


@pytest.mark.django_db
def test_a_second_index_sees_a_grid_change_through_the_generation(grids, settings):
    # given two indexes (as in two processes), both built and answering
    west, east, _small = grids
    first, second = GridIndex(), GridIndex()
    point = (WEST + 2.5 * STEP, SOUTH + 0.5 * STEP)
    assert first.locate(*point) is None
    assert second.locate(*point) is None
    built_at = second.generation
    # when one grid's polygon is moved over the point
    grid_polygon_set(actor=None, unit=east, geometry=cell(2, 0))
    # then the other index rebuilds at the new generation and sees it
    assert second.locate(*point).path == east.path
    assert second.generation == GridIndexState.current() != built_at
    assert first.locate(*point).path == east.path


@pytest.mark.django_db
def test_the_generation_is_checked_at_most_once_per_interval(grids, settings, django_assert_num_queries):
    # given an index checked a moment ago, with a long recheck interval
    _west, east, _small = grids
    settings.GRIDGOV_GEO_RECHECK_SECONDS = 3600
    index = GridIndex()
    point = (WEST + 2.5 * STEP, SOUTH + 0.5 * STEP)
    assert index.locate(*point) is None
    # when a grid changes
    grid_polygon_set(actor=None, unit=east, geometry=cell(2, 0))
    # then lookups inside the interval touch no database and keep the old answer
    with django_assert_num_queries(0):
        assert index.locate(*point) is None
        index.locate_many([point[0]], [point[1]])
    # and once the interval is over (or the index invalidated) it rebuilds
    index.invalidate()
    assert index.locate(*point).path == east.path


@pytest.mark.django_db
def test_an_unchanged_generation_costs_one_query_per_check(grids, django_assert_num_queries):
    # given a built index that checks on every lookup (interval 0)
    index = GridIndex()
    index.locate(WEST, SOUTH)
    # when it looks up again with nothing changed
    # then only the generation is read
    with django_assert_num_queries(1):
        index.locate(WEST + 0.5 * STEP, SOUTH + 0.5 * STEP)


@pytest.mark.django_db
def test_a_lookup_during_another_threads_rebuild_serves_the_current_snapshot(
    grids, django_assert_num_queries
):
    # given a built index and another thread busy checking or rebuilding it (holding its lock)
    index = GridIndex()
    point = (WEST + 1.5 * STEP, SOUTH + 0.5 * STEP)
    expected = index.locate(*point)
    # when a lookup is due for a check (interval 0)
    # then it does not wait or query: it answers from the snapshot already built
    with index._lock, django_assert_num_queries(0):
        assert index.locate(*point) == expected
        assert list(index.locate_many([point[0]], [point[1]])) == [expected.path]


@pytest.mark.django_db
def test_admin_style_saves_deletes_and_renames_change_the_generation(grids):
    # given the grids and the current generation
    west, east, small = grids
    before = GridIndexState.current()
    # when a polygon is saved directly (as the Django admin does)
    polygon = GridPolygon.objects.get(unit=east)
    polygon.geometry = cell(3, 0)
    polygon.save()
    after_save = GridIndexState.current()
    # and a grid is renamed
    small.name = "改名网格"
    small.save()
    after_rename = GridIndexState.current()
    # and a polygon is deleted
    GridPolygon.objects.filter(unit=west).delete()
    after_delete = GridIndexState.current()
    # then each change bumped the generation, and an index follows all of them
    assert before < after_save < after_rename < after_delete
    index = GridIndex()
    assert index.locate(WEST + 3.5 * STEP, SOUTH + 0.5 * STEP).path == east.path
    assert index.locate(WEST + 0.25 * STEP, SOUTH + 0.25 * STEP).name == "改名网格"
    assert index.locate(WEST + 0.75 * STEP, SOUTH + 0.75 * STEP) is None
    # and the derived columns of the directly saved polygon were recomputed
    polygon.refresh_from_db()
    assert polygon.min_lon == pytest.approx(WEST + 3 * STEP)


@pytest.mark.django_db
def test_nearest_finds_the_closest_grid_for_a_point_outside_every_grid(grids):
    # given two level-2 grids side by side
    west, east, _small = grids
    index = GridIndex()
    # when points far east and far west of them are asked for their nearest grid
    far_east = index.nearest(WEST + 5 * STEP, SOUTH + 0.5 * STEP)
    far_west = index.nearest(WEST - 3 * STEP, SOUTH + 0.9 * STEP)
    # then each is the grid on its side, and no grids at all gives None
    assert far_east.path == east.path
    assert far_west.path == west.path
    assert GridIndex.from_pairs([]).nearest(0, 0) is None
