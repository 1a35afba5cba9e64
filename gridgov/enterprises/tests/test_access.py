"""Role × scope: who sees which enterprise, who sees its contact in full (ARCHITECTURE §4.2, §6)."""

import pytest

from gridgov.core.errors import NotFound
from gridgov.enterprises.access import access_enterprise, sees_contact
from gridgov.enterprises.selectors import enterprises_visible
from gridgov.orgs.models import Role
from gridgov.orgs.services import membership_grant

ALL = {"mill", "workshop", "shop"}

# who → the enterprises they see
VISIBLE = {
    "centre": {"mill", "workshop"},  # 太平街道
    "sibling_centre": {"shop"},  # 高升街道
    "county_centre": ALL,
    "leader": ALL,
    "grid_worker": {"workshop"},  # only what lies in their grid
    "liaison": {"mill"},  # a county-bureau cadre: only what they look after
    "unit": set(),
    "party": set(),
    "resident": set(),
    "admin": ALL,
}

# who → the enterprises whose contact they see in full
FULL_CONTACT = {
    "centre": {"mill", "workshop"},
    "sibling_centre": {"shop"},
    "county_centre": ALL,
    "liaison": {"mill"},
}


def names(world, qs) -> set[str]:
    by_pk = {world.mill.pk: "mill", world.workshop.pk: "workshop", world.shop.pk: "shop"}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True)}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_the_list_holds_exactly_what_the_user_may_see(world, who):
    user = getattr(world.users, who)
    assert names(world, enterprises_visible(user)) == VISIBLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_detail_is_404_out_of_scope_like_missing(world, who):
    user = getattr(world.users, who)
    for key in ALL:
        enterprise = getattr(world, key)
        if key in VISIBLE[who]:
            assert access_enterprise(user, pk=enterprise.pk) == enterprise
        else:
            with pytest.raises(NotFound):
                access_enterprise(user, pk=enterprise.pk)
    with pytest.raises(NotFound):
        access_enterprise(user, pk=999_999)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_only_the_liaison_and_the_covering_centres_see_the_contact_in_full(world, who):
    user = getattr(world.users, who)
    full = {key for key in VISIBLE[who] if sees_contact(user, getattr(world, key))}
    assert full == FULL_CONTACT.get(who, set())


def test_an_anonymous_visitor_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not enterprises_visible(AnonymousUser()).exists()
    with pytest.raises(NotFound):
        access_enterprise(AnonymousUser(), pk=world.mill.pk)


def test_a_deactivated_account_sees_nothing(world):
    user = world.users.county_centre
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not enterprises_visible(user).exists()


def test_a_new_membership_widens_the_scope(world):
    # Given the grid worker, who sees the workshop only
    user = world.users.grid_worker
    assert names(world, enterprises_visible(user)) == {"workshop"}
    # When they become the street's leader
    membership_grant(user=user, role=Role.LEADER, target=world.t.street)
    # Then they see the street's enterprises
    assert names(world, enterprises_visible(user)) == {"mill", "workshop"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("米业", {"mill"}),
        ("农机", {"workshop", "shop"}),
        ("91211122ma0ub", {"mill"}),  # the beginning of the code, in any case
        ("9121112", {"mill", "shop"}),
        ("MA0UB5", set()),  # a code is searched from its start
        ("  ", ALL),
        ("没有这家", set()),
    ],
)
def test_search_by_name_or_code(world, q, expected):
    assert names(world, enterprises_visible(world.users.county_centre, q=q)) == expected
