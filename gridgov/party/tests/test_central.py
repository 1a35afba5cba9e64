"""Central households (党员中心户): a member living in a grid looks after at most 15 households
there, logs visits, and turns a visit's follow-up into a case in one call; the households'
names, addresses and phones are masked and revealed only to who keeps them, audited."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.core.models import AuditEntry
from gridgov.party import services

from .test_members import call


@pytest.fixture
def central(world, party):
    return services.central_designate(actor=party.secretary, member=party.wang)


def add(client, user, central, i: int):
    return call(
        client,
        user,
        "post",
        f"central-households/{central.pk}/households",
        {"head": f"姜玉君{i}", "address": f"张家村{i}组{i}号", "phone": f"139042700{i:02d}"},
    )


@pytest.mark.django_db
def test_a_central_household_visits_and_its_follow_up_becomes_a_case(client, world, party, central):
    # given 王德安 looks after a household
    status, household = add(client, party.wang_user, central, 1)
    assert status == 201 and household["head"] == "姜***" and household["phone"] == "139****0001"
    # when he logs a visit where the household asked for the drain to be fixed
    today = timezone.localdate()
    status, visit = call(
        client,
        party.wang_user,
        "post",
        "visits",
        {
            "central_id": central.pk,
            "household_id": household["id"],
            "visited_on": str(today),
            "asked": "下水管堵了",
            "follow_up": "院外排水沟堵塞，需疏通",
        },
    )
    assert status == 201, visit
    # and turns the follow-up into a case with one call
    status, case = call(client, party.wang_user, "post", f"visits/{visit['id']}/case", {"category": "C0301"})
    assert status == 201, case
    made = Case.objects.get(number=case["number"])
    assert (made.grid, made.description, made.reporter) == (
        world.t.grid,
        "院外排水沟堵塞，需疏通",
        party.wang_user,
    )
    # then the visit shows its case, and a second call is a 409
    status, detail = call(client, party.wang_user, "get", f"central-households/{central.pk}")
    assert detail["visits"][0]["case"] == case["number"] and detail["households"] == 1
    assert (
        call(client, party.wang_user, "post", f"visits/{visit['id']}/case", {"category": "C0301"})[0] == 409
    )
    # and a visit in the future, or of another's household, is refused
    status, body = call(
        client,
        party.wang_user,
        "post",
        "visits",
        {
            "central_id": central.pk,
            "household_id": household["id"],
            "visited_on": str(today + timedelta(days=1)),
            "asked": "x",
        },
    )
    assert status == 400 and "visited_on" in body["fields"]


@pytest.mark.django_db
def test_a_follow_up_without_text_or_category_is_refused(client, world, party, central):
    _s, household = add(client, party.wang_user, central, 1)
    _s, visit = call(
        client,
        party.wang_user,
        "post",
        "visits",
        {
            "central_id": central.pk,
            "household_id": household["id"],
            "visited_on": str(timezone.localdate()),
            "asked": "问候",
        },
    )
    status, body = call(client, party.wang_user, "post", f"visits/{visit['id']}/case", {"category": "C0301"})
    assert status == 400 and "follow_up" in body["fields"]
    status, body = call(client, party.wang_user, "post", f"visits/{visit['id']}/case", {"category": ""})
    assert status == 400 and "category" in body["fields"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_at_most_fifteen_households(client, world, party, central, settings):
    for i in range(15):
        assert add(client, party.secretary, central, i)[0] == 201
    status, body = add(client, party.secretary, central, 15)
    assert status == 400 and "central" in body["fields"]
    assert central.households.count() == 15


@pytest.mark.django_db
def test_households_are_revealed_only_to_who_keeps_them(client, world, party, central):
    _s, household = add(client, party.wang_user, central, 1)
    # the member and the grid's worker keep them: the address in full, audited
    for user in (party.wang_user, world.users.grid_worker):
        status, body = call(
            client,
            user,
            "post",
            f"households/{household['id']}/reveal",
            {"field": "address", "reason": "上门走访"},
        )
        assert (status, body["value"]) == (200, "张家村1组1号")
    assert (
        AuditEntry.objects.filter(action="reveal", subject=f"party.linkedhousehold:{household['id']}").count()
        == 2
    )
    # a leader sees the household masked but may not reveal it; another member does not see it
    assert (
        call(
            client,
            world.users.leader,
            "post",
            f"households/{household['id']}/reveal",
            {"field": "phone", "reason": "电话回访"},
        )[0]
        == 403
    )
    assert (
        call(
            client,
            party.li_user,
            "post",
            f"households/{household['id']}/reveal",
            {"field": "phone", "reason": "电话回访"},
        )[0]
        == 404
    )
    assert (
        call(
            client,
            party.li_user,
            "post",
            f"central-households/{central.pk}/households",
            {"head": "x", "address": "y"},
        )[0]
        == 404
    )


@pytest.mark.django_db
def test_designating_a_central_household(client, world, party):
    # only a member living in a grid, once, by the secretary covering it
    assert call(client, party.sibling_secretary, "post", "central-households", {"member_id": party.wang.pk})[
        0
    ] in (400, 403)
    status, body = call(client, party.secretary, "post", "central-households", {"member_id": party.wang.pk})
    assert status == 201 and body["grid"]["path"] == world.t.grid.path
    assert call(client, party.secretary, "post", "central-households", {"member_id": party.wang.pk})[0] == 409


@pytest.mark.django_db
def test_the_central_household_list_takes_the_same_queries_for_few_and_many(client, world, party, central):
    def count() -> int:
        client.force_login(party.secretary)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/party/central-households").status_code == 200
        return len(queries)

    few = count()
    for i in range(5):
        member = services.member_create(
            actor=party.secretary,
            organisation=world.units["group"],
            grid=world.t.grid,
            name=f"中心户{i}",
            gender="male",
        )
        services.household_add(
            actor=party.secretary,
            central=services.central_designate(actor=party.secretary, member=member),
            head="户主",
            address="张家村",
        )
    assert count() == few


@pytest.mark.django_db
def test_the_figures_of_party_work(client, world, party, central):
    services.household_add(actor=party.secretary, central=central, head="户主", address="张家村")
    services.registration_create(actor=party.li_user, member=party.li, community=world.t.village)
    status, body = call(client, world.users.leader, "get", f"figures?scope={world.t.village.path}")
    assert status == 200
    assert {
        k: body[k]
        for k in ("members", "in_service", "registrations", "central_households", "linked_households")
    } == {
        "members": 2,
        "in_service": 1,
        "registrations": 1,
        "central_households": 1,
        "linked_households": 1,
    }
    assert call(client, party.sibling_secretary, "get", f"figures?scope={world.t.village.path}")[0] == 404
    assert call(client, world.users.resident, "get", "figures")[0] == 403
