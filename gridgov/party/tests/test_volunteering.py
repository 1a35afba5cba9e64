"""Volunteer activities from publication to points: a branch publishes, members sign up while
places are left, check in and out on site with the code the organiser shows, their hours earn
points in the ledger, and the rankings count them; bad codes, times and duplicates are refused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import make_user
from gridgov.party import services
from gridgov.party.models import PointEntry, SignUp, VolunteerActivity

from .test_members import call


def publish(client, world, party, *, starts_in=timedelta(minutes=10), hours=4, slots=2):
    now = timezone.now()
    return call(
        client,
        party.secretary,
        "post",
        "activities",
        {
            "organisation_id": world.units["branch"].pk,
            "place": world.t.village.path,
            "title": "清理村口垃圾",
            "location": "张家村村委会门口",
            "starts_at": (now + starts_in).isoformat(),
            "ends_at": (now + starts_in + timedelta(hours=hours)).isoformat(),
            "slots": slots,
        },
    )


@pytest.mark.django_db
def test_an_activity_from_publication_to_points(client, world, party):
    # given the branch publishes an activity with two places, starting in ten minutes
    status, activity = publish(client, world, party)
    assert status == 201, activity
    aid = activity["id"]
    # when 王德安 and 李在职 sign up, a third member finds it full and 王 cannot sign up twice
    assert call(client, party.wang_user, "post", f"activities/{aid}/signup")[1]["signed_up"] is True
    assert call(client, party.li_user, "post", f"activities/{aid}/signup")[1]["taken"] == 2
    third_user = make_user("disan", role=Role.PARTY_MEMBER, target=world.units["group"])
    services.member_create(
        actor=party.secretary,
        organisation=world.units["group"],
        grid=world.t.grid,
        user=third_user,
        name="第三人",
        gender="male",
    )
    status, body = call(client, third_user, "post", f"activities/{aid}/signup")
    assert status == 409 and body["code"] == "full"
    assert call(client, party.wang_user, "post", f"activities/{aid}/signup")[0] == 409
    # and the organiser shows the code on site; a member cannot see it
    status, shown = call(client, party.secretary, "get", f"activities/{aid}/code")
    assert status == 200 and len(shown["code"]) == 6
    assert call(client, party.wang_user, "get", f"activities/{aid}/code")[0] == 403
    # when 王 checks in with a wrong code, then with the right one
    wrong = f"{(int(shown['code']) + 1) % 1_000_000:06d}"
    status, body = call(client, party.wang_user, "post", f"activities/{aid}/check-in", {"code": wrong})
    assert status == 400 and "code" in body["fields"]
    status, body = call(
        client, party.wang_user, "post", f"activities/{aid}/check-in", {"code": shown["code"]}
    )
    assert status == 200 and body["checked_in"] is True
    assert (
        call(client, party.wang_user, "post", f"activities/{aid}/check-in", {"code": shown["code"]})[0] == 409
    )
    # and two and a half hours of work pass (the activity started three hours ago)
    now = timezone.now()
    VolunteerActivity.objects.filter(pk=aid).update(
        starts_at=now - timedelta(hours=3), ends_at=now + timedelta(hours=1)
    )
    SignUp.objects.filter(activity_id=aid, member=party.wang).update(
        checked_in_at=now - timedelta(hours=2, minutes=30)
    )
    status, shown = call(client, party.secretary, "get", f"activities/{aid}/code")
    status, body = call(
        client, party.wang_user, "post", f"activities/{aid}/check-out", {"code": shown["code"]}
    )
    # then 2.5 hours count and earn 2 points an hour, once, in the ledger
    assert status == 200 and body["hours"] == 2.5
    assert (
        call(client, party.wang_user, "post", f"activities/{aid}/check-out", {"code": shown["code"]})[0]
        == 409
    )
    status, ledger = call(client, party.wang_user, "get", f"members/{party.wang.pk}/points")
    assert (ledger["total"], ledger["entries"][0]["points"], ledger["entries"][0]["rule"]) == (
        5,
        5,
        "志愿服务（每小时）",
    )
    # and the organiser's list shows who came and for how long
    status, body = call(client, party.secretary, "get", f"activities/{aid}/signups")
    assert [(r["name"], r["hours"]) for r in body["items"]] == [("王德安", 2.5), ("李在职", None)]
    # and the village's ranking puts 王 first
    status, ranking = call(client, party.secretary, "get", f"rankings?scope={world.t.village.path}")
    assert [(r["name"], r["points"]) for r in ranking["members"]] == [("王德安", 5)]


@pytest.mark.django_db
def test_check_in_is_only_on_site_in_time_and_wrong_codes_are_limited(client, world, party, settings):
    settings.GRIDGOV_CHECKIN_MAX_FAILURES = 3
    # given an activity tomorrow: check-in is not open yet
    status, activity = publish(client, world, party, starts_in=timedelta(days=1))
    aid = activity["id"]
    call(client, party.wang_user, "post", f"activities/{aid}/signup")
    code = call(client, party.secretary, "get", f"activities/{aid}/code")[1]["code"]
    status, body = call(client, party.wang_user, "post", f"activities/{aid}/check-in", {"code": code})
    assert status == 400 and "activity" in body["fields"]
    # and one not signed up cannot check in; checking out before in is refused
    status, body = call(client, party.li_user, "post", f"activities/{aid}/check-out", {"code": code})
    assert status == 400
    # when the activity is about to start, three wrong codes are 400s, the fourth a 429
    VolunteerActivity.objects.filter(pk=aid).update(starts_at=timezone.now() + timedelta(minutes=5))
    statuses = [
        call(client, party.wang_user, "post", f"activities/{aid}/check-in", {"code": "000000"})[0]
        for _ in range(4)
    ]
    if code == "000000":  # one chance in a million
        return
    assert statuses == [400, 400, 400, 429]


@pytest.mark.django_db
def test_publishing_refuses_bad_times_places_and_strangers(client, world, party):
    status, body = publish(client, world, party, starts_in=timedelta(hours=-1))
    assert status == 400 and "starts_at" in body["fields"]
    status, body = publish(client, world, party, hours=0)
    assert status == 400 and "ends_at" in body["fields"]
    status, body = publish(client, world, party, slots=0)
    assert status == 400 and "slots" in body["fields"]
    # another village's secretary may not publish for this branch; a member publishes nothing
    now = timezone.now()
    payload = {
        "organisation_id": world.units["branch"].pk,
        "place": world.t.village.path,
        "title": "x",
        "location": "y",
        "starts_at": (now + timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
        "slots": 5,
    }
    assert call(client, party.sibling_secretary, "post", "activities", payload)[0] == 403
    assert call(client, party.wang_user, "post", "activities", payload)[0] == 403
    assert not VolunteerActivity.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("secretary", 200),
        ("wang_user", 200),  # lives in the village
        ("li_user", 200),  # lives there too
        ("sibling_secretary", 404),
        ("grid_worker", 404),  # a grid worker sees their grid, not the whole village
        ("leader", 200),
        ("resident", 404),
    ],
)
def test_who_sees_an_activity(client, world, party, who, status):
    _s, activity = publish(client, world, party)
    user = getattr(party, who, None) or getattr(world.users, who)
    assert call(client, user, "get", f"activities/{activity['id']}")[0] == status


@pytest.mark.django_db
def test_a_secretary_corrects_points_with_a_reason_and_the_ledger_keeps_both(client, world, party):
    status, body = call(
        client, party.secretary, "post", f"members/{party.wang.pk}/points", {"points": -3, "reason": ""}
    )
    assert status == 400 and "reason" in body["fields"]
    status, body = call(
        client,
        party.secretary,
        "post",
        f"members/{party.wang.pk}/points",
        {"points": 4, "reason": "补记上月志愿服务"},
    )
    assert status == 201 and body["points"] == 4 and body["by"] == "许大刚"
    assert (
        call(
            client, party.wang_user, "post", f"members/{party.wang.pk}/points", {"points": 100, "reason": "x"}
        )[0]
        == 403
    )
    assert call(client, party.sibling_secretary, "get", f"members/{party.wang.pk}/points")[0] == 404
    assert PointEntry.objects.filter(member=party.wang).count() == 1


@pytest.mark.django_db
def test_the_activity_list_takes_the_same_queries_for_few_and_many(client, world, party):
    def count(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/party/activities").status_code == 200
        return len(queries)

    publish(client, world, party)
    few = count(party.wang_user), count(party.secretary)
    for _ in range(5):
        publish(client, world, party)
    assert (count(party.wang_user), count(party.secretary)) == few


@pytest.mark.django_db
def test_a_paired_unit_is_ranked_by_what_its_members_do_in_its_community(client, world, party):
    # given the county bureau's branch paired with 张家村 by the village's secretary, once
    payload = {"organisation_id": party.bureau_branch.pk, "community": world.t.village.path}
    status, body = call(client, party.secretary, "post", "pairings", payload)
    assert status == 201 and body["community"]["name"] == "张家村"
    assert call(client, party.secretary, "post", "pairings", payload)[0] == 409
    assert call(client, party.sibling_secretary, "post", "pairings", payload)[0] == 403
    status, body = call(
        client, party.secretary, "post", "pairings", {**payload, "community": world.t.grid.path}
    )
    assert status == 400 and "community" in body["fields"]
    # when 李在职 (organised at the bureau, living in 张家村) earns points there
    services.points_adjust(actor=party.county_secretary, member=party.li, points=6, reason="结对社区志愿服务")
    # then the bureau's branch is ranked with her points, and the pairing is listed
    status, ranking = call(client, party.secretary, "get", f"rankings?scope={world.t.village.path}")
    assert [(u["name"], u["points"], u["members"]) for u in ranking["units"]] == [
        ("盘山县住建局机关党支部", 6, 1)
    ]
    status, body = call(client, party.secretary, "get", f"pairings?scope={world.t.village.path}")
    assert [p["organisation"]["name"] for p in body["items"]] == ["盘山县住建局机关党支部"]


@pytest.mark.django_db
def test_figures_by_organisation_take_the_same_queries_for_few_and_many(client, world, party):
    from gridgov.orgs.models import PartyKind
    from gridgov.orgs.services import party_organisation_ensure

    def count() -> int:
        client.force_login(party.county_secretary)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/party/figures/organisations?scope={world.t.county.path}")
        assert response.status_code == 200
        return len(queries)

    few = count()
    for i in range(4):
        org = party_organisation_ensure(
            org_unit=world.t.grid, name=f"党小组{i}", kind=PartyKind.PARTY_GROUP, parent=world.units["branch"]
        )
        services.member_create(
            actor=party.secretary, organisation=org, grid=world.t.grid, name=f"组员{i}", gender="male"
        )
    assert count() == few
    client.force_login(party.county_secretary)
    rows = client.get(f"/api/party/figures/organisations?scope={world.t.county.path}").json()["rows"]
    assert {r["name"]: r["members"] for r in rows}["党小组0"] == 1
