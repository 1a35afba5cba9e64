"""Role × scope: who sees which part of the territory (ARCHITECTURE §4.2, §4.6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.orgs.models import Role
from gridgov.orgs.selectors import org_units_visible, user_scope

from .factories import make_user

ALL = {
    "province",
    "city",
    "county",
    "sibling_county",
    "street",
    "sibling_street",
    "village",
    "sibling_village",
    "grid",
    "sibling_grid",
    "grid3",
}

# role name → (how to make the user, the territory keys they must see)
MATRIX = {
    "grid_worker": (lambda t, a: make_user("gw", role=Role.GRID_WORKER, target=t.grid), {"grid", "grid3"}),
    "street_centre": (
        lambda t, a: make_user("sc", role=Role.CENTRE_OPERATOR, target=a["centres"][t.street.path]),
        {"street", "village", "sibling_village", "grid", "sibling_grid", "grid3"},
    ),
    "county_centre": (
        lambda t, a: make_user("cc", role=Role.CENTRE_OPERATOR, target=a["centres"][t.county.path]),
        {"county", "street", "sibling_street", "village", "sibling_village", "grid", "sibling_grid", "grid3"},
    ),
    "street_office": (
        lambda t, a: make_user("so", role=Role.UNIT_HANDLER, target=a["office"]),
        {"street", "village", "sibling_village", "grid", "sibling_grid", "grid3"},
    ),
    "village_secretary": (
        lambda t, a: make_user("vs", role=Role.PARTY_SECRETARY, target=a["branch"]),
        {"village", "grid", "sibling_grid", "grid3"},
    ),
    "city_leader": (lambda t, a: make_user("cl", role=Role.LEADER, target=t.city), ALL - {"province"}),
    "resident": (lambda t, a: make_user("r", phone="13800000001"), set()),
    "administrator": (lambda t, a: make_user("su", is_superuser=True, is_staff=True), ALL),
}


@pytest.fixture(params=sorted(MATRIX))
def case(request, territory, attached):
    make, visible = MATRIX[request.param]
    return make(territory, attached), visible, territory


def test_selector_returns_exactly_the_units_in_scope(case):
    user, visible, territory = case
    by_path = {u.path: key for key, u in territory.all().items()}
    seen = {by_path[p] for p in org_units_visible(user).values_list("path", flat=True)}
    assert seen == visible


def test_api_detail_is_404_outside_scope(case, client):
    user, visible, territory = case
    client.force_login(user)
    for key, unit in territory.all().items():
        response = client.get(f"/api/orgs/units/{unit.path}")
        assert response.status_code == (200 if key in visible else 404), (key, response.status_code)
        if key not in visible:
            assert response.json()["code"] == "not_found"


def test_page_is_404_outside_scope(case, client):
    user, visible, territory = case
    client.force_login(user)
    for key, unit in territory.all().items():
        response = client.get(f"/orgs/{unit.path}/")
        assert response.status_code == (200 if key in visible else 404), (key, response.status_code)


def test_children_never_include_a_sibling_out_of_scope(territory, attached, client):
    # Given a grid worker of the first grid
    user = make_user("gw", role=Role.GRID_WORKER, target=territory.grid)
    client.force_login(user)
    # When they list the children of their village (outside their scope) → 404
    assert client.get(f"/api/orgs/units/{territory.village.path}/children").status_code == 404
    # And their own grid's children are just the level-3 grid
    children = client.get(f"/api/orgs/units/{territory.grid.path}/children").json()
    assert [c["path"] for c in children] == [territory.grid3.path]


def test_scope_is_the_collapsed_union_of_memberships(territory, attached):
    user = make_user("two", role=Role.GRID_WORKER, target=territory.grid)
    from gridgov.orgs.services import membership_grant

    membership_grant(user=user, role=Role.GRID_WORKER, target=territory.grid3)
    membership_grant(
        user=user, role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.sibling_street.path]
    )
    assert user_scope(user) == [territory.grid.path, territory.sibling_street.path]


def test_scope_filter_is_an_index_range_on_path_not_like(territory, attached):
    user = make_user("sc", role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.street.path])
    user_scope(user)  # load the scope outside the capture
    with CaptureQueriesContext(connection) as ctx:
        list(org_units_visible(user))
    sql = ctx.captured_queries[-1]["sql"]
    assert '"path" >= ' in sql and '"path" < ' in sql
    assert "LIKE" not in sql.upper()
    if connection.vendor == "sqlite":
        # And SQLite's plan searches the path index by range
        plan = org_units_visible(user).explain()
        assert "USING INDEX" in plan and "(path>? AND path<?)" in plan, plan


def test_unit_page_links_only_the_ancestors_in_scope(territory, attached, client, django_assert_num_queries):
    # Given a street centre operator on a village page
    user = make_user("sc", role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.street.path])
    client.force_login(user)
    # (session, user, memberships, unit, ancestors, children, centre, units, party organisations,
    # unread notifications in the menu)
    with django_assert_num_queries(10):
        body = client.get(f"/orgs/{territory.village.path}/").content.decode()
    # Then the street is a link, the county above their scope is only named
    assert f'href="/orgs/{territory.street.path}/"' in body
    assert f'href="/orgs/{territory.county.path}/"' not in body and "盘山县" in body


def test_a_new_membership_widens_the_scope_already_read(territory, attached):
    from gridgov.orgs.services import membership_grant, membership_revoke

    # Given a grid worker whose scope was already read
    user = make_user("gw", role=Role.GRID_WORKER, target=territory.grid)
    assert user_scope(user) == [territory.grid.path]
    # When they are made operator of the street centre
    membership = membership_grant(
        user=user, role=Role.CENTRE_OPERATOR, target=attached["centres"][territory.street.path]
    )
    # Then the same user object sees the street, and no longer after the membership is revoked
    assert user_scope(user) == [territory.street.path]
    membership_revoke(membership=membership)
    assert user_scope(user) == [territory.grid.path]
