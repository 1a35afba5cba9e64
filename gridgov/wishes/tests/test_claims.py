"""The three claim modes end to end through the JSON API, with every role involved: a wish
posted or collected, approved by the community, claimed one-to-one, one-to-many or
many-to-one until covered, fulfilled with photos, confirmed, thanked, and the party members'
points in the ledger."""

import pytest

from gridgov.party.models import PointEntry, PointRule
from gridgov.wishes.models import Pledge, Wish

from .conftest import BENEFICIARY, call, jpeg, published_wish


def fulfil(client, user, pledge_id: int):
    return call(
        client,
        user,
        "post",
        f"pledges/{pledge_id}/fulfil",
        {"photo": jpeg(), "note": "已送到"},
        multipart=True,
    )


@pytest.mark.django_db
def test_one_to_one_posted_approved_claimed_fulfilled_confirmed_thanked(client, world, party, cast):
    # given the resident posts a wish for an old neighbour living alone
    status, posted = call(
        client,
        cast.poster,
        "post",
        "",
        {
            "title": "冬季棉被一床",
            "description": "老人独居，被褥陈旧，希望冬天有一床厚棉被。",
            "category": "necessities",
            "group": "elderly_alone",
            "grid": world.t.grid.path,
            "units_needed": 1,
            **BENEFICIARY,
        },
    )
    # then it waits for review, and the poster sees the beneficiary masked
    assert status == 201, posted
    assert (posted["status"], posted["source"], posted["community"]["name"]) == (
        "pending",
        "posted",
        "张家村",
    )
    assert posted["beneficiary"] == {"name": "姜**", "phone": "139****0001", "address": "张家村3****"}
    wish_id = posted["id"]
    # and it is not on the public wall yet
    assert call(client, None, "get", "public")[1]["count"] == 0
    # when the village's secretary approves it
    status, reviewed = call(client, cast.secretary, "post", f"{wish_id}/review", {"approve": True})
    assert (status, reviewed["status"]) == (200, "published")
    # then anyone sees it on the wall, without the beneficiary
    status, wall = call(client, None, "get", "public")
    assert status == 200 and wall["count"] == 1
    assert wall["items"][0]["community"] == "张家村" and "beneficiary" not in wall["items"][0]
    # when the party member 王德安 claims it (the whole of it by default)
    status, pledge = call(client, cast.member, "post", f"{wish_id}/claim", {})
    assert status == 201, pledge
    assert (pledge["mode"], pledge["kind"], pledge["units"], pledge["mine"]) == (
        "one_to_one",
        "member",
        1,
        True,
    )
    # and a second claimer finds it fully claimed
    status, body = call(client, cast.deputy, "post", f"{wish_id}/claim", {})
    assert (status, body["code"]) == (409, "fully_pledged")
    # when he hands it over and marks his pledge fulfilled with a photo
    status, done = fulfil(client, cast.member, pledge["id"])
    assert (status, done["status"]) == (200, "fulfilled"), done
    stored = Pledge.objects.get(pk=pledge["id"])
    assert stored.photo.name.endswith(".jpg") and stored.photo.size > 0
    # then the wish is fulfilled, and the poster confirms it
    assert Wish.objects.get(pk=wish_id).status == "fulfilled"
    status, confirmed = call(client, cast.poster, "post", f"{wish_id}/confirm")
    assert (status, confirmed["status"]) == (200, "confirmed")
    # and 王德安 earned the points of the rule, once
    rule = PointRule.objects.get(code="wish_fulfilled")
    entry = PointEntry.objects.get(member=party.wang)
    assert (entry.points, entry.source) == (rule.points, f"wishes.pledge:{pledge['id']}")
    assert call(client, cast.poster, "post", f"{wish_id}/confirm")[0] == 409
    assert PointEntry.objects.filter(member=party.wang).count() == 1
    # when the poster thanks them (naming the neighbour, which the wall leaves out)
    status, thanked = call(
        client, cast.poster, "post", f"{wish_id}/thank", {"text": "姜玉君老人收到棉被，非常感谢！"}
    )
    assert (status, thanked["status"], thanked["thanks"]) == (200, "thanked", "姜**老人收到棉被，非常感谢！")
    # then the thanks is on the public wall
    wall = call(client, None, "get", "public")[1]
    assert wall["items"][0]["thanks"] == "姜**老人收到棉被，非常感谢！"
    assert wall["items"][0]["units_pledged"] == 1


@pytest.mark.django_db
def test_one_to_many_a_paired_unit_takes_several_wishes_whole_or_none(client, world, party, cast):
    # given the grid worker collected three wishes on visits, approved by the secretary
    ids = [
        published_wish(world, cast, by=cast.grid_worker, title=title, units=units).pk
        for title, units in (("书包和文具一套", 1), ("大米（10斤装）", 10), ("电子血压计一台", 1))
    ]
    assert set(Wish.objects.filter(pk__in=ids).values_list("source", flat=True)) == {"collected"}
    taken = published_wish(world, cast, title="课外读物", units=5)
    call(client, cast.member, "post", f"{taken.pk}/claim", {})
    # when the paired power company's secretary claims the three plus the taken one for the company
    status, body = call(
        client,
        cast.unit_secretary,
        "post",
        "claims",
        {"wish_ids": [*ids, taken.pk], "organisation_id": cast.power.pk},
    )
    # then nothing is claimed, and the answer names the wish that cannot be
    assert status == 409 and "课外读物" in body["message"] and "wish_ids" in body["fields"]
    assert not Pledge.objects.filter(wish_id__in=ids).exists()
    # when they claim the three
    status, pledges = call(
        client, cast.unit_secretary, "post", "claims", {"wish_ids": ids, "organisation_id": cast.power.pk}
    )
    # then each is claimed whole, one-to-many, on behalf of the company
    assert status == 201, pledges
    assert [(p["wish"], p["mode"], p["kind"], p["claimer"]) for p in pledges] == [
        (pk, "one_to_many", "unit", "兴隆台供电公司党委") for pk in sorted(ids)
    ]
    assert [p["units"] for p in pledges] == [1, 10, 1]
    assert set(Pledge.objects.filter(wish_id__in=ids).values_list("organisation", flat=True)) == {
        cast.power.pk
    }
    # and without the organisation the secretary (no party member, no deputy) may not claim
    other = published_wish(world, cast, title="助行器一个")
    assert call(client, cast.unit_secretary, "post", "claims", {"wish_ids": [other.pk]})[0] == 403
    # when the company fulfils them and the grid worker confirms each
    for p in pledges:
        assert fulfil(client, cast.unit_secretary, p["id"])[0] == 200
    for pk in ids:
        status, body = call(client, cast.grid_worker, "post", f"{pk}/confirm")
        assert (status, body["status"]) == (200, "confirmed")
    # then no points were written: the company is not a party member
    assert not PointEntry.objects.exists()


@pytest.mark.django_db
def test_many_to_one_claimers_pledge_parts_until_the_wish_is_covered(client, world, party, cast):
    # given a published wish of 10 bags of rice
    wish = published_wish(world, cast, title="大米（10斤装）", units=10)
    # when 王德安 pledges 4 and 李在职 3
    status, wang = call(client, cast.member, "post", f"{wish.pk}/claim", {"units": 4})
    assert (status, wang["mode"]) == (201, "many_to_one")
    status, li = call(client, cast.other_member, "post", f"{wish.pk}/claim", {"units": 3})
    assert status == 201
    # then the wall shows 7 of 10
    assert call(client, None, "get", "public")[1]["items"][0]["units_pledged"] == 7
    # and the deputy cannot pledge 5 of the 3 left: the reason says what remains
    status, body = call(client, cast.deputy, "post", f"{wish.pk}/claim", {"units": 5})
    assert (status, body["code"]) == (409, "over_pledged") and "3" in body["fields"]["units"][0]
    # and 王德安 cannot claim twice
    assert call(client, cast.member, "post", f"{wish.pk}/claim", {"units": 1})[0] == 409
    # when 李在职 withdraws and pledges 2 instead, the deputy covers the rest (3 by default… 4)
    status, withdrawn = call(client, cast.other_member, "post", f"pledges/{li['id']}/withdraw")
    assert (status, withdrawn["status"]) == (200, "withdrawn")
    status, li = call(client, cast.other_member, "post", f"{wish.pk}/claim", {"units": 2})
    assert status == 201
    status, deputy = call(client, cast.deputy, "post", f"{wish.pk}/claim", {})
    assert (status, deputy["units"], deputy["kind"]) == (201, 4, "deputy")
    # then the wish is covered, and a paired unit finds nothing left
    status, body = call(
        client, cast.unit_secretary, "post", f"{wish.pk}/claim", {"organisation_id": cast.power.pk}
    )
    assert (status, body["code"]) == (409, "fully_pledged")
    detail = call(client, cast.secretary, "get", f"{wish.pk}")[1]
    assert (detail["units_pledged"], detail["units_remaining"]) == (10, 0)
    assert [p["units"] for p in detail["pledges"]] == [4, 2, 4]
    # when two of three fulfil, the wish is not fulfilled yet; withdrawing a fulfilled pledge is refused
    fulfil(client, cast.member, wang["id"])
    fulfil(client, cast.other_member, li["id"])
    assert Wish.objects.get(pk=wish.pk).status == "published"
    assert call(client, cast.member, "post", f"pledges/{wang['id']}/withdraw")[0] == 409
    assert call(client, cast.grid_worker, "post", f"{wish.pk}/confirm")[0] == 409
    # when the deputy fulfils too, it is; the grid worker confirms
    fulfil(client, cast.deputy, deputy["id"])
    assert Wish.objects.get(pk=wish.pk).status == "fulfilled"
    assert call(client, cast.grid_worker, "post", f"{wish.pk}/confirm")[0] == 200
    # then the two party members earned points once each; the deputy (no member record) none
    assert sorted(PointEntry.objects.values_list("member__name", flat=True)) == ["李在职", "王德安"]
    # and the withdrawn pledge is not counted anywhere
    assert Pledge.objects.filter(wish=wish, status="withdrawn").count() == 1
    assert Wish.objects.get(pk=wish.pk).units_pledged == 10


@pytest.mark.django_db(transaction=True)
def test_two_claimers_at_once_never_over_cover_a_wish(world, party, cast):
    import threading

    from django.db import connection

    from gridgov.core.errors import Conflict
    from gridgov.wishes import services

    # given a wish of 5 units and two party members who each pledge 3 at the same moment
    wish = published_wish(world, cast, title="食用油（5升装）", units=5)
    start, outcomes = threading.Barrier(2), []

    def claim(user):
        try:
            start.wait()
            services.pledge_create(actor=user, wish=Wish.objects.get(pk=wish.pk), units=3)
            outcomes.append("pledged")
        except Conflict as refused:
            outcomes.append(refused.status)
        except Exception as error:  # noqa: BLE001 (anything else is the test's failure)
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (cast.member, cast.other_member)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one pledge is made, the other is refused with a 409, and 3 of 5 are pledged
    assert sorted(outcomes, key=str) == [409, "pledged"]
    assert Pledge.objects.filter(wish=wish).count() == 1
    assert Wish.objects.get(pk=wish.pk).units_pledged == 3
