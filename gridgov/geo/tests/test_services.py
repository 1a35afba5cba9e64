"""Grid writes: creation, polygons, GeoJSON imports and their validation (all or nothing)."""

import pytest
from django.utils import translation

from gridgov.accounts.models import User
from gridgov.core.errors import NotFound, ValidationFailed
from gridgov.geo.models import GridIndexState, GridPolygon
from gridgov.geo.services import (
    ImportResult,
    grid_create,
    grid_default_name,
    grid_polygon_delete,
    grid_polygon_set,
    grids_import_geojson,
)
from gridgov.orgs.divisions import short_name
from gridgov.orgs.models import Level, Membership, OrgUnit, Role

from .conftest import BOW_TIE, SOUTH, STEP, WEST, cell, collection, feature, rect


def counts():
    return OrgUnit.objects.count(), GridPolygon.objects.count()


@pytest.mark.django_db
def test_grid_create_numbers_grids_under_a_community_and_a_level2_grid(territory):
    # given a community with no grids
    # when two level-2 grids and a level-3 grid are created
    first = grid_create(actor=None, parent=territory.community, name="第一网格", geometry=cell(0, 0))
    second = grid_create(actor=None, parent=territory.community, name="第二网格", geometry=cell(1, 0))
    child = grid_create(
        actor=None, parent=first, name="1-1", geometry=rect(WEST, SOUTH, WEST + STEP / 2, SOUTH + STEP)
    )
    # then they get the next free 3-digit numbers and the right levels and parents
    assert (first.path, first.level, first.parent) == ("211122001001001", Level.GRID2, territory.community)
    assert second.path == "211122001001002"
    assert (child.path, child.level, child.parent) == ("211122001001001001", Level.GRID3, first)
    # and polygons with their bounding box and centroid
    polygon = first.polygon
    assert (polygon.min_lon, polygon.min_lat) == (WEST, SOUTH)
    assert polygon.max_lon == pytest.approx(WEST + STEP)
    assert polygon.centroid_lat == pytest.approx(SOUTH + STEP / 2)


@pytest.mark.django_db
def test_grid_create_refuses_a_duplicate_name_and_a_wrong_parent(territory):
    # given a grid named 第一网格
    grid_create(actor=None, parent=territory.community, name="第一网格", geometry=cell(0, 0))
    # when another grid with the same name, or a grid under a street, is created
    with pytest.raises(ValidationFailed) as same_name:
        grid_create(actor=None, parent=territory.community, name="第一网格", geometry=cell(1, 0))
    with pytest.raises(ValidationFailed) as under_street:
        grid_create(actor=None, parent=territory.street, name="网格", geometry=cell(1, 0))
    # then both are refused on the name field
    assert "name" in same_name.value.fields
    assert "name" in under_street.value.fields


@pytest.mark.django_db
def test_an_invalid_polygon_is_refused_with_the_reason(territory):
    # given a self-intersecting "bow-tie" polygon
    # when a grid is created with it
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grid_create(actor=None, parent=territory.community, name="坏网格", geometry=BOW_TIE)
    # then GEOS's reason is given and nothing is written
    assert "not valid" in str(error.value.message)
    assert "Self-intersection" in str(error.value.message)
    assert "geometry" in error.value.fields
    assert not OrgUnit.objects.filter(level=Level.GRID2).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ({"type": "Point", "coordinates": [WEST, SOUTH]}, "Polygon or MultiPolygon"),
        ("not a geometry", "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        (rect(181, SOUTH, 182, SOUTH + 1), "longitude -180 to 180"),
        (rect(SOUTH, WEST, SOUTH + 0.01, WEST + 0.01), "latitude -90 to 90"),
        (
            {"type": "Polygon", "coordinates": [[[WEST, SOUTH], [WEST + 1, SOUTH], [WEST, SOUTH]]]},
            "Too few points",
        ),
    ],
)
def test_bad_geometries_are_refused_with_a_reason(territory, geometry, reason):
    # given a grid
    grid = grid_create(actor=None, parent=territory.community, name="网格", geometry=cell(0, 0))
    # when its polygon is set to a bad geometry
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grid_polygon_set(actor=None, unit=grid, geometry=geometry)
    # then the reason names the grid and the problem, and the polygon is unchanged
    assert reason in str(error.value.message)
    assert grid.path in str(error.value.message)
    assert GridPolygon.objects.get(unit=grid).geometry == cell(0, 0)


@pytest.mark.django_db
def test_messages_are_translated_to_chinese(territory):
    # given the default language (zh-hans)
    # when a bad polygon is refused
    with pytest.raises(ValidationFailed) as error:
        grid_create(actor=None, parent=territory.community, name="坏网格", geometry=BOW_TIE)
    # then the message is Chinese
    assert "多边形无效" in str(error.value.message)


@pytest.mark.django_db
def test_a_grid_overlapping_another_of_the_same_level_is_refused(territory):
    # given a level-2 grid in another street
    grid_create(actor=None, parent=territory.other_community, name="高升第一网格", geometry=cell(0, 0))
    # when a grid overlapping it by a quarter is created, then refused, naming the other grid
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grid_create(
            actor=None,
            parent=territory.community,
            name="重叠网格",
            geometry=rect(WEST + STEP / 2, SOUTH + STEP / 2, WEST + 1.5 * STEP, SOUTH + 1.5 * STEP),
        )
    assert "overlaps grid 211122002001001 高升第一网格" in str(error.value.message)
    # and a grid that only touches it (shared border and corner) is fine
    grid_create(actor=None, parent=territory.community, name="相邻网格", geometry=cell(1, 0))
    grid_create(actor=None, parent=territory.community, name="对角网格", geometry=cell(1, 1))
    assert GridPolygon.objects.count() == 3


@pytest.mark.django_db
def test_a_level3_grid_may_overlap_its_level2_grid_but_not_lie_outside_it(territory):
    # given a level-2 grid
    grid2 = grid_create(actor=None, parent=territory.community, name="网格", geometry=cell(0, 0))
    # when a level-3 grid pokes out of it
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grid_create(
            actor=None,
            parent=grid2,
            name="出界",
            geometry=rect(WEST + STEP / 2, SOUTH, WEST + 1.5 * STEP, SOUTH + STEP),
        )
    # then it is refused, and one inside it is accepted
    assert "is not inside its level-2 grid" in str(error.value.message)
    inside = grid_create(
        actor=None, parent=grid2, name="界内", geometry=rect(WEST, SOUTH, WEST + STEP / 2, SOUTH + STEP)
    )
    assert inside.level == Level.GRID3
    # and the level-2 grid can no longer shrink away from it
    with translation.override("en"), pytest.raises(ValidationFailed) as shrink:
        grid_polygon_set(
            actor=None, unit=grid2, geometry=rect(WEST + STEP / 2, SOUTH, WEST + STEP, SOUTH + STEP)
        )
    assert "would no longer lie inside it" in str(shrink.value.message)


@pytest.mark.django_db
def test_an_actor_outside_the_scope_cannot_touch_the_grids(territory):
    # given a grid worker of 高升社区 only, and a grid in 太平社区
    grid = grid_create(actor=None, parent=territory.community, name="网格", geometry=cell(0, 0))
    worker = User.objects.create_user(username="worker", password="x-very-long-1")
    Membership.objects.create(user=worker, role=Role.GRID_WORKER, org_unit=territory.other_community)
    # when the worker sets its polygon or creates a grid in 太平社区
    # then it looks missing
    with pytest.raises(ValidationFailed):
        grid_polygon_set(actor=worker, unit=grid, geometry=cell(1, 0))
    with pytest.raises(ValidationFailed):
        grid_create(actor=worker, parent=territory.community, name="越界", geometry=cell(1, 0))
    # but inside their scope it works
    assert grid_create(actor=worker, parent=territory.other_community, name="本社区", geometry=cell(5, 5))
    with pytest.raises(NotFound):
        grid_polygon_delete(actor=worker, unit=grid)
    assert GridPolygon.objects.filter(unit=grid).exists()


@pytest.mark.django_db
def test_import_creates_and_then_updates_grids(territory):
    # given a file with a level-2 grid by code, one by parent + name, and a level-3 grid by code
    data = collection(
        feature(cell(0, 0), code="211122001211001", name="张家村第一网格"),
        feature(cell(1, 0), parent="211122001211", name="张家村第二网格"),
        feature(rect(WEST, SOUTH, WEST + STEP / 2, SOUTH + STEP), code="211122001211001001"),
    )
    # when it is imported
    result = grids_import_geojson(actor=None, feature_collection=data)
    # then three grids are created, numbered, named (a default name where none was given)
    assert result == ImportResult(created=3, updated=0)
    grids = dict(OrgUnit.objects.filter(level__in=["grid2", "grid3"]).values_list("path", "name"))
    assert grids == {
        "211122001211001": "张家村第一网格",
        "211122001211002": "张家村第二网格",
        "211122001211001001": "张家村1-1网格",
    }
    # and when the same file is imported again with a moved polygon
    generation = GridIndexState.current()
    data["features"][1]["geometry"] = cell(1, 1)
    again = grids_import_geojson(actor=None, feature_collection=data)
    # then nothing is created, all are updated, and the generation changed
    assert again == ImportResult(created=0, updated=3)
    assert OrgUnit.objects.filter(level__in=["grid2", "grid3"]).count() == 3
    assert GridPolygon.objects.get(unit__path="211122001211002").min_lat == pytest.approx(SOUTH + STEP)
    assert GridIndexState.current() > generation


@pytest.mark.django_db
def test_import_is_all_or_nothing_when_one_polygon_is_invalid(territory):
    # given a file whose third feature is a bow-tie
    data = collection(
        feature(cell(0, 0), parent="211122001001", name="一"),
        feature(cell(1, 0), parent="211122001001", name="二"),
        feature(BOW_TIE, code="211122001001003", name="三"),
    )
    before = counts()
    # when it is imported
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grids_import_geojson(actor=None, feature_collection=data)
    # then the reason names the feature, and nothing is written
    assert str(error.value.message).startswith(
        "Feature 3 (211122001001003): the polygon is not valid (Self-intersection"
    )
    assert list(error.value.fields) == ["features.2"]
    assert counts() == before


@pytest.mark.django_db
def test_import_refuses_overlaps_within_the_same_file(territory):
    # given a file with two grids of the same level overlapping each other
    data = collection(
        feature(cell(0, 0), parent="211122001001", name="一"),
        feature(
            rect(WEST + STEP / 2, SOUTH, WEST + 1.5 * STEP, SOUTH + STEP), parent="211122001211", name="二"
        ),
    )
    before = counts()
    # when it is imported
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grids_import_geojson(actor=None, feature_collection=data)
    # then the second is refused for overlapping the first, and nothing is written
    message = str(error.value.message)
    assert message.startswith("Feature 2 (211122001211 二) overlaps Feature 1 (211122001001 一)")
    assert "m²" in message
    assert counts() == before


@pytest.mark.django_db
def test_import_refuses_overlaps_with_existing_grids(territory):
    # given an existing level-2 grid
    grid_create(actor=None, parent=territory.community, name="已有网格", geometry=cell(0, 0))
    before = counts()
    # when a file with a good grid and one overlapping the existing grid is imported
    data = collection(
        feature(cell(3, 0), parent="211122001211", name="好网格"),
        feature(
            rect(WEST - STEP / 2, SOUTH, WEST + STEP / 2, SOUTH + STEP), parent="211122001211", name="坏网格"
        ),
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grids_import_geojson(actor=None, feature_collection=data)
    # then the reason names both, and nothing is written
    assert "Feature 2 (211122001211 坏网格) overlaps grid 211122001001001 已有网格" in str(
        error.value.message
    )
    assert counts() == before


@pytest.mark.django_db
def test_import_refuses_a_level3_grid_outside_its_level2_grid(territory):
    # given a file with a level-2 grid and a level-3 grid half outside it
    data = collection(
        feature(cell(0, 0), code="211122001001001"),
        feature(rect(WEST + STEP / 2, SOUTH, WEST + 1.5 * STEP, SOUTH + STEP), code="211122001001001001"),
    )
    # when it is imported
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grids_import_geojson(actor=None, feature_collection=data)
    # then the level-3 grid is refused and nothing is written
    assert "Feature 2 (211122001001001001) is not inside its level-2 grid Feature 1 (211122001001001)" in str(
        error.value.message
    )
    assert not OrgUnit.objects.filter(level__in=["grid2", "grid3"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"type": "Feature"}, "must be a GeoJSON FeatureCollection"),
        (collection(), "has no features"),
        (collection(feature(cell(0, 0))), 'must give a grid "code", or a "parent" and a "name"'),
        (collection(feature(cell(0, 0), code="2111220010010")), "must have 15 or 18 digits"),
        (
            collection(feature(cell(0, 0), code="211122001999001")),
            "the parent unit 211122001999 does not exist",
        ),
        (collection(feature(cell(0, 0), code="211122001001000")), "between 001 and 999"),
        (collection(feature(cell(0, 0), parent="211122001", name="x")), "must be a community/village code"),
        (
            collection(
                feature(cell(0, 0), code="211122001001001"), feature(cell(1, 0), code="211122001001001")
            ),
            "appears more than once",
        ),
        (
            collection(
                feature(cell(0, 0), parent="211122001001", name="甲"),
                feature(cell(1, 0), parent="211122001001", name="甲"),
            ),
            "appears more than once",
        ),
    ],
)
def test_import_refuses_bad_files_with_a_reason(territory, data, reason):
    # given a malformed file
    # when it is imported
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        grids_import_geojson(actor=None, feature_collection=data)
    # then the reason says what is wrong and nothing is written
    assert reason in str(error.value.message)
    assert not OrgUnit.objects.filter(level__in=["grid2", "grid3"]).exists()


def test_default_names_are_short_and_readable():
    # given statistical names of a community and a village
    # then grids are named after the short place name
    assert short_name("虹桥社区居民委员会") == "虹桥社区"
    assert short_name("张家村委会") == "张家村"
    assert short_name("高升社区居委会") == "高升社区"
    assert grid_default_name(community_name="虹桥社区居民委员会", grid2_seq=2) == "虹桥社区第2网格"
    assert grid_default_name(community_name="张家村委会", grid2_seq=1, grid3_seq=3) == "张家村1-3网格"
