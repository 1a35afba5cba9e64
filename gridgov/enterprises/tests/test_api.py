"""The registry over HTTP: scope (404 out of scope, 401 signed out), masking, field errors,
and lists whose query count does not grow with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.enterprises.models import Enterprise

from .conftest import MILL, SPARE, register, uscc

URL = "/api/enterprises/"


def detail(enterprise) -> str:
    return f"{URL}{enterprise.pk}"


def as_user(client, user):
    client.force_login(user)
    return client


def test_signed_out_is_401(client, world):
    assert client.get(URL).status_code == 401
    assert client.get(detail(world.mill)).status_code == 401
    assert client.post(URL, {}, content_type="application/json").status_code == 401


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("centre", ["张家村农机修理部", "盘锦太平米业有限公司"]),
        ("sibling_centre", ["盘锦瑞丰农机销售有限公司"]),
        ("liaison", ["盘锦太平米业有限公司"]),
        ("grid_worker", ["张家村农机修理部"]),
        ("resident", []),
    ],
)
def test_the_list_is_scoped(client, world, who, expected):
    body = as_user(client, getattr(world.users, who)).get(URL).json()
    assert body["count"] == len(expected)
    assert sorted(row["name"] for row in body["items"]) == sorted(expected)


@pytest.mark.parametrize(
    ("who", "status"),
    [("centre", 200), ("county_centre", 200), ("liaison", 200), ("sibling_centre", 404), ("resident", 404)],
)
def test_detail_is_404_out_of_scope(client, world, who, status):
    response = as_user(client, getattr(world.users, who)).get(detail(world.mill))
    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "not_found"
        assert as_user(client, getattr(world.users, who)).get(f"{URL}999999").status_code == 404


def test_detail_renders_the_enterprise_in_chinese(client, world):
    body = as_user(client, world.users.centre).get(detail(world.mill)).json()
    assert body["uscc"] == MILL
    assert (body["industry"], body["industry_display"]) == ("C", "制造业")
    assert (body["size"], body["size_display"]) == ("medium", "中型")
    assert body["org_unit"] == {"path": world.t.village.path, "name": "张家村"}
    assert body["liaison"] == {"id": world.users.liaison.pk, "name": "孙丽华"}
    assert body["is_active"] is True


@pytest.mark.parametrize(
    ("who", "masked"),
    [("centre", False), ("county_centre", False), ("liaison", False), ("leader", True), ("admin", True)],
)
def test_the_contact_is_masked_unless_the_role_needs_it(client, world, who, masked):
    body = as_user(client, getattr(world.users, who)).get(detail(world.mill)).json()
    assert body["contact_masked"] is masked
    if masked:
        assert (body["contact_name"], body["contact_phone"]) == ("刘**", "138****8011")
    else:
        assert (body["contact_name"], body["contact_phone"]) == ("刘建国", "13800138011")


def test_the_list_masks_row_by_row(client, world):
    # Given the grid worker, who sees the workshop but is not its centre
    rows = as_user(client, world.users.grid_worker).get(URL).json()["items"]
    assert [(r["contact_phone"], r["contact_masked"]) for r in rows] == [("138****8013", True)]


def test_search_goes_through_the_api(client, world):
    api = as_user(client, world.users.county_centre)
    assert [r["uscc"] for r in api.get(URL, {"q": MILL[:12].lower()}).json()["items"]] == [MILL]
    assert api.get(URL, {"q": "农机"}).json()["count"] == 2


@pytest.mark.parametrize("who", ["centre", "liaison", "grid_worker"])
def test_list_query_count_is_constant(client, world, who):
    user = getattr(world.users, who)
    api = as_user(client, user)
    with CaptureQueriesContext(connection) as few:
        assert api.get(URL).status_code == 200
    # Given a dozen more enterprises in 张家村's grid, each with the liaison
    for i in range(12):
        enterprise = register(world.users.centre, world.t.grid, uscc(f"91211122MA0Y{i:05d}"), f"企业{i:02d}")
        Enterprise.objects.filter(pk=enterprise.pk).update(liaison=world.users.liaison)
    with CaptureQueriesContext(connection) as many:
        body = api.get(URL).json()
    assert body["count"] > 12
    assert len(many) == len(few) <= 6


def test_detail_query_count_is_small(client, world):
    api = as_user(client, world.users.centre)
    api.get(detail(world.mill))
    with CaptureQueriesContext(connection) as queries:
        assert api.get(detail(world.mill)).status_code == 200
    assert len(queries) <= 4


def test_the_centre_registers_an_enterprise(client, world):
    response = as_user(client, world.users.centre).post(
        URL,
        {
            "name": "盘锦鑫达建筑工程有限公司",
            "uscc": SPARE.lower(),
            "industry": "E",
            "size": "medium",
            "org_unit": world.t.sibling_village.path,
            "address": "盘山县太平街道常家村",
            "contact_name": "赵丽娟",
            "contact_phone": "138 0013 8014",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["uscc"], body["contact_phone"], body["contact_masked"]) == (SPARE, "13800138014", False)
    assert Enterprise.objects.get(uscc=SPARE).path == world.t.sibling_village.path


def test_a_duplicate_is_400_naming_the_field(client, world):
    response = as_user(client, world.users.county_centre).post(
        URL,
        {"name": "重复", "uscc": MILL, "industry": "C", "size": "small", "org_unit": world.t.street.path},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["uscc"]
    assert "已登记" in body["fields"]["uscc"][0]


def test_missing_and_bad_fields_are_400_in_chinese(client, world):
    response = as_user(client, world.users.centre).post(URL, {"uscc": "abc"}, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"name", "uscc", "industry", "size", "org_unit"}
    assert "18 位" in fields["uscc"][0]


def test_an_unknown_unit_is_a_field_error(client, world):
    response = as_user(client, world.users.centre).post(
        URL,
        {"name": "某企业", "uscc": SPARE, "industry": "C", "size": "small", "org_unit": "211122001999"},
        content_type="application/json",
    )
    assert response.status_code == 400 and list(response.json()["fields"]) == ["org_unit"]


@pytest.mark.parametrize(
    ("who", "path"), [("resident", "street"), ("grid_worker", "grid"), ("centre", "sibling_street")]
)
def test_registering_without_the_right_is_403(client, world, who, path):
    response = as_user(client, getattr(world.users, who)).post(
        URL,
        {
            "name": "某企业",
            "uscc": SPARE,
            "industry": "C",
            "size": "small",
            "org_unit": getattr(world.t, path).path,
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(uscc=SPARE).exists()


def test_the_centre_changes_an_enterprise(client, world):
    response = as_user(client, world.users.centre).patch(
        detail(world.mill),
        {"contact_phone": "13800138019", "org_unit": world.t.street.path, "is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["contact_phone"], body["org_unit"]["path"], body["is_active"]) == (
        "13800138019",
        world.t.street.path,
        False,
    )
    assert body["name"] == "盘锦太平米业有限公司"


@pytest.mark.parametrize(("who", "status"), [("sibling_centre", 404), ("liaison", 403), ("grid_worker", 403)])
def test_changing_without_the_right(client, world, who, status):
    enterprise = world.workshop if who == "grid_worker" else world.mill
    response = as_user(client, getattr(world.users, who)).patch(
        detail(enterprise), {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == status
    assert Enterprise.objects.get(pk=enterprise.pk).name != "改名"


def test_a_bad_change_is_400_and_changes_nothing(client, world):
    response = as_user(client, world.users.centre).patch(
        detail(world.mill), {"name": "新名", "uscc": world.workshop.uscc}, content_type="application/json"
    )
    assert response.status_code == 400 and list(response.json()["fields"]) == ["uscc"]
    assert Enterprise.objects.get(pk=world.mill.pk).name == "盘锦太平米业有限公司"


def test_the_liaison_is_set_and_removed(client, world):
    api = as_user(client, world.users.centre)
    url = f"{detail(world.mill)}/liaison"
    body = api.put(url, {"user_id": world.users.leader.pk}, content_type="application/json").json()
    assert body["liaison"] == {"id": world.users.leader.pk, "name": "陈峰"}
    assert api.put(url, {"user_id": None}, content_type="application/json").json()["liaison"] is None
    response = api.put(url, {"user_id": world.users.resident.pk}, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["liaison"]
    response = api.put(url, {"user_id": 999_999}, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["liaison"]


def test_the_new_liaison_then_sees_it(client, world):
    # Given the street office's handler, who sees no enterprise
    handler = world.users.unit
    assert as_user(client, handler).get(detail(world.mill)).status_code == 404
    # When the centre makes them the mill's liaison
    as_user(client, world.users.centre).put(
        f"{detail(world.mill)}/liaison", {"user_id": handler.pk}, content_type="application/json"
    )
    # Then they see it, with the contact in full
    body = as_user(client, handler).get(detail(world.mill)).json()
    assert body["contact_phone"] == "13800138011"
