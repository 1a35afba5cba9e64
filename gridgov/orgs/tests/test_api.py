import pytest

from gridgov.accounts.auth import api_token_create
from gridgov.orgs.models import Role

from .factories import make_user


def test_anonymous_gets_401_in_the_error_shape(territory, client):
    response = client.get(f"/api/orgs/units/{territory.county.path}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_bearer_token_authenticates(territory, attached, client):
    # Given a county centre operator with an API token
    user = make_user("cc", role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.county.path])
    _token, raw = api_token_create(user=user, name="script")
    # When they call with the token and no session
    response = client.get("/api/orgs/units", headers={"Authorization": f"Bearer {raw}"})
    # Then the roots of their scope come back
    assert response.status_code == 200
    assert [u["path"] for u in response.json()] == [territory.county.path]
    assert client.get("/api/orgs/units", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_me_lists_roles_memberships_and_scope(territory, attached, client):
    user = make_user(
        "mq", role=Role.GRID_WORKER, target=territory.grid, full_name="孟倩", phone="13912345678"
    )
    client.force_login(user)
    body = client.get("/api/orgs/me").json()
    assert body["name"] == "孟倩"
    assert body["masked_phone"] == "139****5678"
    assert body["roles"] == ["grid_worker"]
    assert body["memberships"][0]["target"] == "张家村第一网格"
    assert body["memberships"][0]["role_display"] == "网格员"
    assert body["scope"] == [territory.grid.path]


def test_unit_detail_lists_children_and_attachments_in_fixed_queries(
    territory, attached, client, django_assert_num_queries
):
    # Given a county centre operator
    user = make_user("cc", role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.county.path])
    client.force_login(user)
    # When they open their street (session, user, scope, unit, ancestors, children, centre, units, party)
    with django_assert_num_queries(9):
        response = client.get(f"/api/orgs/units/{territory.street.path}")
    body = response.json()
    # Then they see its villages, its centre, its office and its party committee
    assert [c["name"] for c in body["children"]] == ["张家村", "常家村"]
    assert [a["name"] for a in body["ancestors"]] == ["辽宁省", "盘锦市", "盘山县"]
    assert body["command_centre"]["name"] == "太平街道指挥中心"
    assert [h["name"] for h in body["handling_units"]] == ["太平街道城市管理办公室"]
    assert [p["name"] for p in body["party_organisations"]] == ["中共盘山县太平街道工作委员会"]


def test_children_list_query_count_does_not_grow_with_rows(
    territory, attached, client, django_assert_num_queries
):
    from .factories import unit

    user = make_user("cc", role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.county.path])
    client.force_login(user)
    for n in range(3, 13):
        unit(f"211122001211{n:03d}", f"张家村第{n}网格", "grid2", territory.village)
    with django_assert_num_queries(5):
        response = client.get(f"/api/orgs/units/{territory.village.path}/children")
    assert len(response.json()) == 12


@pytest.mark.parametrize("path", ["nonexistent", "99", "211122001211001999"])
def test_unknown_unit_is_404(territory, client, path):
    client.force_login(make_user("su", is_superuser=True, is_staff=True))
    assert client.get(f"/api/orgs/units/{path}").status_code == 404


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/orgs/units/{path}" in response.json()["paths"]
