"""The geo API: locate a point, list the grid polygons in scope (with query counts)."""

import pytest

from gridgov.accounts.models import User
from gridgov.geo.index import default_index
from gridgov.geo.services import grid_create
from gridgov.orgs.models import Membership, Role

from .conftest import SOUTH, STEP, WEST, cell, rect


@pytest.fixture
def grids(territory):
    taiping = grid_create(actor=None, parent=territory.community, name="太平社区第1网格", geometry=cell(0, 0))
    small = grid_create(
        actor=None,
        parent=taiping,
        name="太平社区1-1网格",
        geometry=rect(WEST, SOUTH, WEST + STEP / 2, SOUTH + STEP),
    )
    village = grid_create(actor=None, parent=territory.village, name="张家村第1网格", geometry=cell(1, 0))
    gaosheng = grid_create(
        actor=None, parent=territory.other_community, name="高升社区第1网格", geometry=cell(5, 0)
    )
    return taiping, small, village, gaosheng


@pytest.fixture
def worker(territory):
    user = User.objects.create_user(username="mengqian", password="a-long-password-1")
    Membership.objects.create(user=user, role=Role.GRID_WORKER, org_unit=territory.village)
    return user


@pytest.fixture
def leader(territory):
    user = User.objects.create_user(username="leader", password="a-long-password-1")
    Membership.objects.create(user=user, role=Role.LEADER, org_unit=territory.street)
    return user


@pytest.mark.django_db
def test_locate_answers_the_grid_with_its_community_and_street(
    client, grids, worker, django_assert_num_queries
):
    # given a signed-in grid worker and a warm index
    client.force_login(worker)
    default_index.locate(0, 0)
    # when a point inside a level-3 grid is located
    # then the answer takes the session (2 queries), the generation check (1) and the ancestors (1)
    with django_assert_num_queries(4):
        response = client.get("/api/geo/locate", {"lon": WEST + STEP / 4, "lat": SOUTH + STEP / 2})
    assert response.status_code == 200
    assert response.json() == {
        "grid": {
            "path": "211122001001001001",
            "name": "太平社区1-1网格",
            "level": "grid3",
            "community": {"path": "211122001001", "name": "太平社区"},
            "street": {"path": "211122001", "name": "太平街道"},
        }
    }


@pytest.mark.django_db
def test_locate_outside_every_grid_is_null(client, grids, worker):
    # given a signed-in user
    client.force_login(worker)
    # when a point far from every grid is located
    response = client.get("/api/geo/locate", {"lon": 116.397, "lat": 39.909})
    # then the grid is null, not an error
    assert response.status_code == 200
    assert response.json() == {"grid": None}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 41.2}, "lon"),
        ({"lon": "east", "lat": 41.2}, "lon"),
        ({"lon": 122, "lat": "41,2"}, "lat"),
        ({"lon": 181, "lat": 41.2}, "lon"),
        ({"lon": 122, "lat": -90.5}, "lat"),
        ({"lon": "nan", "lat": 41.2}, "lon"),
        ({"lon": 122, "lat": "inf"}, "lat"),
    ],
)
def test_locate_refuses_bad_coordinates_with_400(client, worker, params, field):
    # given a signed-in user
    client.force_login(worker)
    # when a missing, malformed or out-of-range coordinate is given
    response = client.get("/api/geo/locate", params)
    # then the API's validation error names the field
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]


@pytest.mark.django_db
def test_locate_needs_a_signed_in_user(client, grids):
    # given no session
    # when a point is located, then the API asks to sign in
    assert client.get("/api/geo/locate", {"lon": WEST, "lat": SOUTH}).status_code == 401


@pytest.mark.django_db
def test_grids_lists_only_the_polygons_in_the_callers_scope(client, grids, worker, django_assert_num_queries):
    # given a grid worker of 张家村 only
    client.force_login(worker)
    # when the grids are listed
    # then it takes the session (2), the scope (1) and the polygons (1)
    with django_assert_num_queries(4):
        response = client.get("/api/geo/grids")
    # then only 张家村's grid is in the FeatureCollection
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == ["211122001211001"]
    first = body["features"][0]
    assert first["geometry"] == cell(1, 0)
    assert first["properties"]["name"] == "张家村第1网格"
    assert first["properties"]["parent"] == "211122001211"
    assert first["bbox"] == pytest.approx([WEST + STEP, SOUTH, WEST + 2 * STEP, SOUTH + STEP])


@pytest.mark.django_db
def test_grids_within_narrows_the_scope(client, grids, leader, django_assert_num_queries):
    # given a leader of 太平街道
    client.force_login(leader)
    # when the grids are listed, all of them and only within 太平社区, only level 2
    everything = client.get("/api/geo/grids").json()
    with django_assert_num_queries(4):
        narrowed = client.get("/api/geo/grids", {"within": "211122001001"}).json()
    level2 = client.get("/api/geo/grids", {"level": "grid2"}).json()
    outside = client.get("/api/geo/grids", {"within": "211122002"}).json()
    # then the street's grids, narrowed by path and level; another street's stay hidden
    assert [f["id"] for f in everything["features"]] == [
        "211122001001001",
        "211122001001001001",
        "211122001211001",
    ]
    assert [f["id"] for f in narrowed["features"]] == ["211122001001001", "211122001001001001"]
    assert [f["id"] for f in level2["features"]] == ["211122001001001", "211122001211001"]
    assert outside["features"] == []


@pytest.mark.django_db
def test_grids_for_a_superuser_cover_everything(client, grids, django_assert_num_queries):
    # given a superuser (scope: everything, no membership query)
    admin = User.objects.create_superuser(username="root", password="a-long-password-1")
    client.force_login(admin)
    # when the grids are listed
    with django_assert_num_queries(3):
        response = client.get("/api/geo/grids")
    # then all four grids are there
    assert len(response.json()["features"]) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"within": "21-11"}, {"within": "2" * 19}, {"level": "street"}])
def test_grids_refuses_bad_filters(client, worker, params):
    # given a signed-in user
    client.force_login(worker)
    # when a malformed filter is given, then 400 names it
    response = client.get("/api/geo/grids", params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


@pytest.mark.django_db
def test_a_user_without_memberships_sees_no_grids(client, grids):
    # given a resident without any membership
    resident = User.objects.create_user(username="resident", password="a-long-password-1")
    client.force_login(resident)
    # when the grids are listed, then there are none
    assert client.get("/api/geo/grids").json() == {"type": "FeatureCollection", "features": []}
