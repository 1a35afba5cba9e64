"""Role × scope on every party endpoint that reads or acts on a record of 张家村: the village's
secretary and the county's manage it; the sibling village's secretary, a command centre and a
resident neither see it (404) nor, without any party role, read party work at all (403); the
county's leader and the grid's worker read it masked; the member reads their own; another
member does not see it. The lists' query counts are pinned in the other tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.party import services
from gridgov.party.models import PostKind

from .test_members import call

ROLES = (
    "secretary",
    "county_secretary",
    "sibling_secretary",
    "leader",
    "grid_worker",
    "centre",
    "wang_user",
    "li_user",
    "resident",
)


@pytest.fixture
def records(world, party):
    central = services.central_designate(actor=party.secretary, member=party.wang)
    household = services.household_add(
        actor=party.secretary, central=central, head="姜玉君", address="张家村1组1号", phone="13904290000"
    )
    visit = services.visit_record(
        actor=party.secretary,
        central=central,
        household=household,
        visited_on=timezone.localdate(),
        asked="下水管堵了",
        follow_up="排水沟堵塞，需疏通",
    )
    post = services.post_create(
        actor=party.secretary,
        organisation=world.units["branch"],
        kind=PostKind.CARE,
        name="关爱帮扶岗",
        duties="看望独居老人",
    )
    now = timezone.now()
    activity = services.activity_publish(
        actor=party.secretary,
        organisation=world.units["branch"],
        place=world.t.village,
        title="村道清雪",
        location="村委会",
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        slots=5,
    )
    return {
        "central": central,
        "household": household,
        "visit": visit,
        "post": post,
        "activity": activity,
        "village": world.t.village.path,
    }


def _expect(table: str) -> list:
    """``table``: one status per role of ``ROLES``, in order."""
    return list(zip(ROLES, (int(s) for s in table.split()), strict=True))


# (name, method, path template, body, statuses for ROLES)
ENDPOINTS = [
    ("central household", "get", "central-households/{central}", None, "200 200 404 200 200 404 200 404 404"),
    (
        "reveal a household",
        "post",
        "households/{household}/reveal",
        {"field": "phone", "reason": "电话回访"},
        "200 200 404 403 200 404 200 404 404",
    ),
    (
        "registrations",
        "get",
        "registrations?community={village}",
        None,
        "200 200 403 403 403 403 403 403 403",
    ),
    ("check-in code", "get", "activities/{activity}/code", None, "200 200 404 403 404 404 403 403 404"),
    ("sign-ups", "get", "activities/{activity}/signups", None, "200 200 404 403 404 404 403 403 404"),
    ("points ledger", "get", "members/{wang}/points", None, "200 200 404 200 200 404 200 404 404"),
    ("figures", "get", "figures?scope={village}", None, "200 200 404 200 404 403 403 403 403"),
    (
        "figures by organisation",
        "get",
        "figures/organisations?scope={village}",
        None,
        "200 200 404 200 404 403 403 403 403",
    ),
    ("rankings", "get", "rankings?scope={village}", None, "200 200 404 200 404 403 403 403 403"),
    ("pairings", "get", "pairings?scope={village}", None, "200 200 404 200 404 403 403 403 403"),
    ("post list", "get", "posts", None, "200 200 200 200 200 403 200 200 403"),
    ("take the post", "post", "posts/{post}/take", {}, "400 400 404 400 404 404 201 201 404"),
    (
        "visit to a case",
        "post",
        "visits/{visit}/case",
        {"category": "C0301"},
        "201 201 404 403 201 404 201 404 404",
    ),
    # writes
    ("register a member", "post", "members", "new_member", "201 201 403 403 403 403 403 403 403"),
    (
        "change a member",
        "patch",
        "members/{wang}",
        {"education": "college"},
        "200 200 404 403 403 404 403 404 404",
    ),
    (
        "register with the village",
        "post",
        "registrations",
        "li_registration",
        "201 201 400 403 400 403 400 201 403",
    ),
    (
        "designate a central household",
        "post",
        "central-households",
        "li_central",
        "201 201 400 403 403 403 403 403 403",
    ),
    (
        "link a household",
        "post",
        "central-households/{central}/households",
        "household",
        "201 201 404 403 201 404 201 404 404",
    ),
    ("log a visit", "post", "visits", "visit", "201 201 404 403 201 404 201 404 404"),
    ("define a post", "post", "posts", "post", "201 201 403 403 403 403 403 403 403"),
    ("publish an activity", "post", "activities", "activity", "201 201 403 403 403 403 403 403 403"),
    (
        "cancel the activity",
        "post",
        "activities/{activity}/cancel",
        None,
        "200 200 404 403 404 404 403 403 404",
    ),
    ("sign up", "post", "activities/{activity}/signup", None, "403 403 404 403 404 404 201 201 404"),
    (
        "correct points",
        "post",
        "members/{wang}/points",
        {"points": 2, "reason": "补记"},
        "201 201 404 403 403 404 403 404 404",
    ),
    ("pair a unit", "post", "pairings", "pairing", "201 201 403 403 403 403 403 403 403"),
]


def _body(body, world, party, records):
    """A request body; a name stands for one that names records of the fixture."""
    if not isinstance(body, str):
        return body
    now = timezone.now()
    return {
        "new_member": {
            "name": "孙桂香",
            "gender": "female",
            "organisation_id": world.units["branch"].pk,
            "grid": world.t.grid.path,
        },
        "li_registration": {"member_id": party.li.pk, "community": world.t.village.path},
        "li_central": {"member_id": party.li.pk},
        "household": {"head": "侯巨", "address": "张家村5组8号"},
        "visit": {
            "central_id": records["central"].pk,
            "household_id": records["household"].pk,
            "visited_on": str(timezone.localdate()),
            "asked": "问候",
        },
        "post": {
            "organisation_id": world.units["branch"].pk,
            "kind": PostKind.POLICY,
            "name": "政策宣传岗",
            "duties": "宣讲",
        },
        "activity": {
            "organisation_id": world.units["branch"].pk,
            "place": world.t.village.path,
            "title": "清雪",
            "location": "村委会",
            "starts_at": (now + timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "slots": 5,
        },
        "pairing": {"organisation_id": party.bureau_branch.pk, "community": world.t.village.path},
    }[body]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "template", "body", "who", "status"),
    [(n, m, t, b, who, status) for n, m, t, b, table in ENDPOINTS for who, status in _expect(table)],
    ids=[f"{n}-{who}" for n, _m, _t, _b, table in ENDPOINTS for who, _s in _expect(table)],
)
def test_who_may_do_what_on_a_villages_party_records(
    client, world, party, records, name, method, template, body, who, status
):
    user = getattr(party, who, None) or getattr(world.users, who)
    path = template.format(
        wang=party.wang.pk,
        central=records["central"].pk,
        household=records["household"].pk,
        visit=records["visit"].pk,
        post=records["post"].pk,
        activity=records["activity"].pk,
        village=records["village"],
    )
    found, answer = call(client, user, method, path, _body(body, world, party, records))
    assert found == status, (name, who, answer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "template"),
    [
        ("secretary", "posts"),
        ("wang_user", "posts"),
        ("secretary", "pairings?scope={village}"),
        ("secretary", "activities/{activity}/signups"),
        ("wang_user", "members/{wang}/points"),
        ("secretary", "rankings?scope={village}"),
        ("secretary", "central-households/{central}"),
    ],
)
def test_each_list_takes_the_same_queries_for_few_and_many(client, world, party, records, who, template):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.orgs.models import PartyKind, Role
    from gridgov.orgs.services import party_organisation_ensure
    from gridgov.orgs.tests.factories import make_user

    user = getattr(party, who)
    path = "/api/party/" + template.format(
        village=records["village"],
        activity=records["activity"].pk,
        wang=party.wang.pk,
        central=records["central"].pk,
    )

    def count() -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def grow(i: int) -> None:
        services.post_create(
            actor=party.secretary,
            organisation=world.units["branch"],
            kind=PostKind.POLICY,
            name=f"岗位{i}",
            duties="宣讲",
        )
        unit = party_organisation_ensure(
            org_unit=world.t.county,
            name=f"结对单位{i}",
            kind=PartyKind.OTHER,
            parent=world.units["committee"],
        )
        services.pairing_create(actor=party.secretary, organisation=unit, community=world.t.village)
        member_user = make_user(f"zhiyuan{i}", role=Role.PARTY_MEMBER, target=world.units["group"])
        member = services.member_create(
            actor=party.county_secretary,
            organisation=unit,
            grid=world.t.grid,
            user=member_user,
            name=f"志愿者{i}",
            gender="male",
        )
        services.signup_create(actor=member_user, activity=records["activity"])
        services.points_adjust(actor=party.secretary, member=member, points=2, reason="补记")
        services.points_adjust(actor=party.secretary, member=party.wang, points=1, reason="补记")
        services.household_add(
            actor=party.secretary, central=records["central"], head=f"户主{i}", address="张家村"
        )
        services.visit_record(
            actor=party.secretary,
            central=records["central"],
            household=records["household"],
            visited_on=timezone.localdate(),
            asked="问候",
        )

    grow(0)
    few = count()
    for i in range(1, 5):
        grow(i)
    assert count() == few
