"""Bad input gets a clear answer and writes nothing: a wish with missing or wrong fields (400
naming them), a pledge beyond what remains, on a fully claimed, fulfilled or unpublished wish
(409 with the reason), a fulfilment without a photo (400) or with too large a one (413)."""

import pytest

from gridgov.party import services as party_services
from gridgov.wishes import services
from gridgov.wishes.models import Pledge, Wish

from .conftest import call, jpeg, post_wish, published_wish


@pytest.mark.django_db
def test_a_wish_with_bad_fields_is_refused_field_by_field(client, world, cast):
    body = {
        "title": "",
        "category": "jewellery",
        "group": "",
        "grid": world.t.village.path,  # a village, not a grid
        "beneficiary_name": "姜玉君",
        "beneficiary_address": "张家村3组12号",
    }
    status, answer = call(client, cast.poster, "post", "", body)
    assert (status, set(answer["fields"])) == (400, {"grid"})
    status, answer = call(
        client, cast.poster, "post", "", {**body, "grid": world.t.grid.path, "beneficiary_phone": "12345"}
    )
    assert status == 400 and {"title", "category", "group", "beneficiary_phone"} <= set(answer["fields"]), (
        answer
    )
    good = {
        **body,
        "grid": world.t.grid.path,
        "title": "棉被",
        "category": "necessities",
        "group": "subsistence",
    }
    for units in (0, -1, 10_000):
        status, answer = call(client, cast.poster, "post", "", {**good, "units_needed": units})
        assert status == 400 and "units_needed" in answer["fields"], answer
    status, answer = call(client, cast.poster, "post", "", {**good, "units_needed": "ten"})
    assert status == 400 and "units_needed" in answer["fields"]
    assert not Wish.objects.exists()
    assert call(client, cast.poster, "post", "", good)[0] == 201


@pytest.mark.django_db
def test_reviews_need_a_reason_to_reject_and_happen_once(client, world, cast):
    wish = post_wish(world, cast)
    status, body = call(client, cast.secretary, "post", f"{wish.pk}/review", {"approve": False})
    assert status == 400 and "reason" in body["fields"]
    status, body = call(
        client, cast.secretary, "post", f"{wish.pk}/review", {"approve": False, "reason": "含隐私信息"}
    )
    assert (status, body["status"], body["reject_reason"]) == (200, "rejected", "含隐私信息")
    assert call(client, cast.secretary, "post", f"{wish.pk}/review", {"approve": True})[0] == 409


@pytest.mark.django_db
def test_pledges_beyond_what_remains_or_on_closed_wishes_are_refused(client, world, party, cast):
    wish = published_wish(world, cast, units=3)
    # less than one unit: 400; more than remains: 409 naming the units
    status, body = call(client, cast.member, "post", f"{wish.pk}/claim", {"units": 0})
    assert status == 400 and "units" in body["fields"]
    status, body = call(client, cast.member, "post", f"{wish.pk}/claim", {"units": 4})
    assert (status, body["code"]) == (409, "over_pledged")
    assert body["fields"]["units"] == [body["message"]]
    # fully claimed: 409
    assert call(client, cast.member, "post", f"{wish.pk}/claim", {"units": 3})[0] == 201
    status, body = call(client, cast.other_member, "post", f"{wish.pk}/claim", {})
    assert (status, body["code"]) == (409, "fully_pledged")
    # fulfilled: 409, and a pledge cannot be fulfilled twice
    pledge = Pledge.objects.get(wish=wish)
    services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg())
    status, body = call(client, cast.other_member, "post", f"{wish.pk}/claim", {})
    assert (status, body["code"]) == (409, "fulfilled")
    assert (
        call(client, cast.member, "post", f"pledges/{pledge.pk}/fulfil", {"photo": jpeg()}, multipart=True)[0]
        == 409
    )
    # a pending wish is invisible to a party member (404); a grid worker who is also a party
    # member sees it in their grid and is told it is not published (409)
    pending = post_wish(world, cast, title="助行器")
    assert call(client, cast.member, "post", f"{pending.pk}/claim", {})[0] == 404
    party_services.member_create(
        actor=cast.secretary, organisation=world.units["group"], grid=world.t.grid, user=cast.grid_worker,
        name="孟倩", gender="female",
    )  # fmt: skip
    status, body = call(client, cast.grid_worker, "post", f"{pending.pk}/claim", {})
    assert (status, body["code"]) == (409, "not_published")
    status, body = call(client, cast.grid_worker, "post", "claims", {"wish_ids": [pending.pk]})
    assert (status, body["code"]) == (409, "not_published")
    # unknown wishes, an empty or a repeated list: 400
    assert call(client, cast.member, "post", "claims", {"wish_ids": [999999]})[0] == 400
    assert call(client, cast.member, "post", "claims", {"wish_ids": []})[0] == 400
    other = published_wish(world, cast, title="书包")
    assert call(client, cast.member, "post", "claims", {"wish_ids": [other.pk, other.pk]})[0] == 400
    assert call(client, cast.member, "post", "claims", {"wish_ids": "x"})[0] == 400
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
def test_a_fulfilment_needs_a_photo_of_reasonable_size(client, world, cast, settings):
    wish = published_wish(world, cast)
    pledge = services.pledge_create(actor=cast.member, wish=wish)
    status, body = call(
        client, cast.member, "post", f"pledges/{pledge.pk}/fulfil", {"note": "x"}, multipart=True
    )
    assert status == 400 and "photo" in body["fields"]
    status, body = call(
        client, cast.member, "post", f"pledges/{pledge.pk}/fulfil", {"photo": jpeg("a.txt").__class__("a.txt", b"not an image")},
        multipart=True,
    )  # fmt: skip
    assert status == 400 and "photo" in body["fields"]
    settings.GRIDGOV_PHOTO_MAX_BYTES = 100
    status, body = call(
        client, cast.member, "post", f"pledges/{pledge.pk}/fulfil", {"photo": jpeg()}, multipart=True
    )
    assert status == 413 and "photo" in body["fields"]
    pledge.refresh_from_db()
    assert (pledge.status, pledge.photo.name) == ("pledged", "")


@pytest.mark.django_db
def test_a_grid_worker_collects_only_in_their_own_grid(world, cast):
    from gridgov.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.wish_create(
            actor=cast.sibling_grid_worker, grid=world.t.grid, title="棉被", category="necessities",
            group="subsistence", beneficiary_name="姜玉君", beneficiary_address="张家村",
        )  # fmt: skip
    assert not Wish.objects.exists()
