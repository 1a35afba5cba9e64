"""The demo tiler: exact counts, no overlaps, deterministic and idempotent."""

import numpy as np
import pytest
import shapely

from gridgov.geo.demo import tile_grids
from gridgov.geo.geometry import area_m2, to_shape
from gridgov.geo.index import GridIndex
from gridgov.geo.models import GridPolygon
from gridgov.orgs.models import Level, OrgUnit


def polygons(level: str) -> dict[str, shapely.Geometry]:
    return {
        path: to_shape(geometry)
        for path, geometry in GridPolygon.objects.filter(unit__level=level).values_list(
            "unit__path", "geometry"
        )
    }


def max_pairwise_overlap_m2(geoms: list) -> float:
    array = np.array(geoms, dtype=object)
    left, right = shapely.STRtree(array).query(array, predicate="intersects")
    keep = left < right
    if not keep.any():
        return 0.0
    return float(area_m2(shapely.intersection(array[left[keep]], array[right[keep]]), 41.0).max())


@pytest.mark.django_db
def test_fanrong_street_gets_exactly_23_level2_and_224_level3_grids(fanrong):
    # given 繁荣街道's 14 communities
    # when the demo tiles 23 level-2 and 224 level-3 grids around 41.12 N 122.97 E
    result = tile_grids(
        communities=fanrong.communities,
        centre_lon=122.97,
        centre_lat=41.12,
        grid2_total=23,
        grid3_total=224,
        seed=3,
    )
    # then exactly those grids exist, every community has at least one, each with a polygon
    assert (result.created, result.updated, result.removed) == (247, 0, 0)
    assert OrgUnit.objects.filter(level=Level.GRID2).count() == len(result.grid2) == 23
    assert OrgUnit.objects.filter(level=Level.GRID3).count() == len(result.grid3) == 224
    assert GridPolygon.objects.count() == 247
    assert {p[:12] for p in result.grid2} == {c.path for c in fanrong.communities}
    assert OrgUnit.objects.get(path="210303002001001").name == "虹桥社区第1网格"
    assert OrgUnit.objects.get(path="210303002001001002").name == "虹桥社区1-2网格"
    # and the polygons are plausible: valid, no overlaps within a level, level 3 tiling level 2
    grid2, grid3 = polygons(Level.GRID2), polygons(Level.GRID3)
    assert all(g.is_valid for g in [*grid2.values(), *grid3.values()])
    assert max_pairwise_overlap_m2(list(grid2.values())) < 1
    assert max_pairwise_overlap_m2(list(grid3.values())) < 1
    sizes = [area_m2(g) for g in grid2.values()]
    assert min(sizes) > 0.3e6 and max(sizes) < 1.0e6
    for path, geom in grid2.items():
        children = [g for p, g in grid3.items() if p.startswith(path)]
        assert 9 <= len(children) <= 10
        assert sum(area_m2(c) for c in children) == pytest.approx(area_m2(geom), rel=1e-6)
        assert area_m2(shapely.difference(shapely.union_all(children), geom)) < 1
    # and the grids lie around the given centre
    centre = shapely.union_all(list(grid2.values())).centroid
    assert abs(centre.x - 122.97) < 0.02 and abs(centre.y - 41.12) < 0.02
    # and every point of the street resolves to a level-3 grid
    assert GridIndex().locate(centre.x, centre.y).level == Level.GRID3


@pytest.mark.django_db
def test_tiling_is_deterministic_and_idempotent(fanrong):
    # given a first tiling
    kwargs = {
        "communities": fanrong.communities,
        "centre_lon": 122.97,
        "centre_lat": 41.12,
        "grid2_total": 23,
        "grid3_total": 224,
        "seed": 3,
    }
    tile_grids(**kwargs)
    first = {p: g for p, g in GridPolygon.objects.values_list("unit__path", "geometry")}
    units = OrgUnit.objects.count()
    # and a grid renamed by an administrator since
    OrgUnit.objects.filter(path="210303002001001").update(name="虹桥一网格")
    # when the same call runs again (communities in another order)
    kwargs["communities"] = fanrong.communities[::-1]
    result = tile_grids(**kwargs)
    # then it updates the same grids with the same polygons, creates nothing, keeps names
    assert (result.created, result.updated, result.removed) == (0, 247, 0)
    assert OrgUnit.objects.count() == units
    assert dict(GridPolygon.objects.values_list("unit__path", "geometry")) == first
    assert OrgUnit.objects.get(path="210303002001001").name == "虹桥一网格"
    # and another seed moves the polygons but keeps the grids
    tile_grids(**{**kwargs, "seed": 4})
    assert OrgUnit.objects.count() == units
    assert dict(GridPolygon.objects.values_list("unit__path", "geometry")) != first


@pytest.mark.django_db
def test_fewer_grids_on_a_rerun_drop_the_extra_polygons(fanrong):
    # given two level-2 grids per community with three level-3 grids each
    communities = fanrong.communities[:3]
    tile_grids(
        communities=communities, centre_lon=122.97, centre_lat=41.12, grid2_per_community=2, grid3_per_grid2=3
    )
    # when the tiling is rerun with one level-2 grid each and no level-3 grids
    result = tile_grids(communities=communities, centre_lon=122.97, centre_lat=41.12, grid2_per_community=1)
    # then the extra polygons are removed (the units stay) and the rest is valid
    assert (result.created, result.updated) == (0, 3)
    assert result.removed == 3 + 18
    assert GridPolygon.objects.count() == 3
    assert OrgUnit.objects.filter(level__in=[Level.GRID2, Level.GRID3]).count() == 6 + 18


@pytest.mark.django_db
def test_villages_get_larger_grids_beside_the_urban_communities(territory):
    # given 太平街道 with a community and a village
    # when each gets three level-2 grids
    result = tile_grids(
        communities=[territory.community, territory.village],
        centre_lon=121.99,
        centre_lat=41.24,
        grid2_per_community={territory.community.path: 3, territory.village.path: 3},
        seed=1,
    )
    # then the village's grids are larger, the names follow the place names, nothing overlaps
    assert result.grid2 == [
        "211122001001001",
        "211122001001002",
        "211122001001003",
        "211122001211001",
        "211122001211002",
        "211122001211003",
    ]
    grid2 = polygons(Level.GRID2)
    town = [area_m2(g) for p, g in grid2.items() if p.startswith(territory.community.path)]
    village = [area_m2(g) for p, g in grid2.items() if p.startswith(territory.village.path)]
    assert max(town) < min(village)
    assert OrgUnit.objects.get(path="211122001211002").name == "张家村第2网格"
    assert max_pairwise_overlap_m2(list(grid2.values())) < 1


def test_bad_arguments_are_refused(territory):
    # given a street instead of communities, or both count styles
    # then the tiler refuses to guess
    with pytest.raises(ValueError):
        tile_grids(communities=[territory.street], centre_lon=121.99, centre_lat=41.24, grid2_total=1)
    with pytest.raises(ValueError):
        tile_grids(
            communities=[territory.community],
            centre_lon=121.99,
            centre_lat=41.24,
            grid2_total=1,
            grid2_per_community=1,
        )
