"""Dual registration (双报到) from registering to serving: an in-service member registers with
the community they live in, the community assigns a grid, the member takes a post and logs an
activity, and the community sees who registered and who has not served this quarter."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.party import services
from gridgov.party.models import DualRegistration, PostKind

from .test_members import call


@pytest.mark.django_db
def test_an_in_service_member_registers_serves_and_is_seen_to_have_served(client, world, party):
    village = world.t.village.path
    # given the branch's environment watch post
    status, post = call(
        client,
        party.secretary,
        "post",
        "posts",
        {
            "organisation_id": world.units["branch"].pk,
            "kind": PostKind.ENVIRONMENT,
            "name": "环境监督岗",
            "duties": "每周巡查楼道卫生",
        },
    )
    assert status == 201, post
    # when 李在职 registers herself with 张家村, where she lives
    status, body = call(
        client, party.li_user, "post", "registrations", {"member_id": party.li.pk, "community": village}
    )
    assert status == 201, body
    registration = body["id"]
    # then registering twice is a 409, and a member not in service cannot register
    assert (
        call(
            client, party.li_user, "post", "registrations", {"member_id": party.li.pk, "community": village}
        )[0]
        == 409
    )
    status, body = call(
        client, party.secretary, "post", "registrations", {"member_id": party.wang.pk, "community": village}
    )
    assert status == 400 and "member" in body["fields"]
    # and the community sees her registered, not yet served this quarter
    status, body = call(client, party.secretary, "get", f"registrations?community={village}")
    assert [(r["member"]["name"], r["served"]) for r in body["items"]] == [("李在职", False)]
    # when the community assigns her a grid, she takes the post and logs an afternoon on it
    status, body = call(
        client, party.secretary, "post", f"registrations/{registration}/grid", {"grid": world.t.grid.path}
    )
    assert status == 200 and body["grid"]["path"] == world.t.grid.path
    status, holder = call(client, party.li_user, "post", f"posts/{post['id']}/take", {})
    assert status == 201, holder
    assert call(client, party.li_user, "post", f"posts/{post['id']}/take", {})[0] == 409
    today = timezone.localdate()
    status, body = call(
        client,
        party.li_user,
        "post",
        f"post-holders/{holder['id']}/activities",
        {"on": str(today), "hours": "2.5", "summary": "清理楼道杂物"},
    )
    assert status == 201, body
    # then the community sees that she served this quarter
    status, body = call(client, party.secretary, "get", f"registrations?community={village}")
    assert [(r["member"]["name"], r["served"]) for r in body["items"]] == [("李在职", True)]
    # and an activity in the future, or before she held the post, is refused
    for day in (today + timedelta(days=1), today - timedelta(days=400)):
        status, body = call(
            client,
            party.li_user,
            "post",
            f"post-holders/{holder['id']}/activities",
            {"on": str(day), "hours": "1", "summary": "x"},
        )
        assert status == 400 and "on" in body["fields"]


@pytest.mark.django_db
def test_who_registers_whom(client, world, party):
    village, sibling = world.t.village.path, world.t.sibling_village.path
    # another member may not register her; the sibling village's secretary may, with his village
    assert call(
        client, party.wang_user, "post", "registrations", {"member_id": party.li.pk, "community": village}
    )[0] in (400, 403)
    assert call(
        client,
        party.sibling_secretary,
        "post",
        "registrations",
        {"member_id": party.li.pk, "community": village},
    )[0] in (400, 403)
    # a grid is not a community
    status, body = call(
        client,
        party.li_user,
        "post",
        "registrations",
        {"member_id": party.li.pk, "community": world.t.grid.path},
    )
    assert status == 400 and "community" in body["fields"]
    # the list is the community's secretary's, not another village's
    assert call(client, party.sibling_secretary, "get", f"registrations?community={village}")[0] == 403
    assert call(client, party.sibling_secretary, "get", f"registrations?community={sibling}")[0] == 200
    assert not DualRegistration.objects.exists()


@pytest.mark.django_db
def test_the_registration_list_takes_the_same_queries_for_few_and_many(client, world, party):
    village = world.t.village.path

    def count() -> int:
        client.force_login(party.secretary)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/party/registrations?community={village}").status_code == 200
        return len(queries)

    services.registration_create(actor=party.li_user, member=party.li, community=world.t.village)
    few = count()
    for i in range(6):
        member = services.member_create(
            actor=party.county_secretary,
            organisation=party.bureau_branch,
            grid=world.t.grid,
            name=f"在职{i}",
            gender="male",
            in_service=True,
        )
        services.registration_create(actor=party.secretary, member=member, community=world.t.village)
    assert count() == few


def test_quarters():
    from gridgov.party.selectors import quarter_of

    assert quarter_of(date(2026, 11, 27)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2026, 6, 30)) == (date(2026, 4, 1), date(2026, 6, 30))
