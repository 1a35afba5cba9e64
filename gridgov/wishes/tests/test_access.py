"""Who may do what to a wish, endpoint by endpoint: the resident who posted it, another
resident, the grid worker of its grid and of another grid, the village's secretary and another
village's, a party member, the paired unit's secretary, deputies in and out of their area, and
anonymous callers. Invisible is a 404, visible but not allowed a 403."""

import pytest

from gridgov.wishes import services

from .conftest import call, jpeg, post_wish, published_wish

WHO = (
    "poster",
    "other_resident",
    "grid_worker",
    "sibling_grid_worker",
    "secretary",
    "sibling_secretary",
    "member",
    "unit_secretary",
    "deputy",
    "other_deputy",
    "anonymous",
)


def expect(table: dict) -> list:
    assert set(table) == set(WHO)
    return list(table.items())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    expect(
        {
            "poster": 201,
            "other_resident": 201,
            "grid_worker": 201,  # collects in their grid
            "sibling_grid_worker": 403,
            "secretary": 403,
            "sibling_secretary": 403,
            "member": 403,  # a party member's membership: not a resident
            "unit_secretary": 403,
            "deputy": 201,  # no membership: posts as a resident
            "other_deputy": 201,
            "anonymous": 401,
        }
    ),
)
def test_who_posts_a_wish(client, world, cast, who, status):
    body = {
        "title": "冬季棉被一床",
        "category": "necessities",
        "group": "elderly_alone",
        "grid": world.t.grid.path,
        "beneficiary_name": "姜玉君",
        "beneficiary_address": "张家村3组12号",
    }
    assert call(client, getattr(cast, who), "post", "", body)[0] == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        ("poster", 200, 1),
        ("other_resident", 200, 0),
        ("grid_worker", 200, 1),
        ("sibling_grid_worker", 200, 0),
        ("secretary", 200, 1),
        ("sibling_secretary", 200, 0),
        ("member", 403, None),
        ("unit_secretary", 200, 0),
        ("deputy", 200, 0),
        ("other_deputy", 200, 0),
        ("anonymous", 401, None),
    ],
)
def test_who_lists_a_pending_wish(client, world, cast, who, status, count):
    post_wish(world, cast)
    got, body = call(client, getattr(cast, who), "get", "")
    assert got == status
    if count is not None:
        assert body["count"] == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "pending", "published", "sees_beneficiary"),
    [
        ("poster", 200, 200, True),
        ("other_resident", 404, 200, False),
        ("grid_worker", 200, 200, True),
        ("sibling_grid_worker", 404, 200, False),
        ("secretary", 200, 200, True),
        ("sibling_secretary", 404, 200, False),
        ("member", 404, 200, False),
        ("unit_secretary", 404, 200, False),
        ("deputy", 404, 200, False),
        ("other_deputy", 404, 200, False),
        ("anonymous", 401, 401, False),
    ],
)
def test_who_sees_a_wish(client, world, cast, who, pending, published, sees_beneficiary):
    user = getattr(cast, who)
    wish = post_wish(world, cast)
    assert call(client, user, "get", f"{wish.pk}")[0] == pending
    services.wish_review(actor=cast.secretary, wish=wish, approve=True)
    status, body = call(client, user, "get", f"{wish.pk}")
    assert status == published
    if status == 200:
        assert (body["beneficiary"] is not None) == sees_beneficiary


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "reveal", "review"),
    [
        ("poster", 403, 403),
        ("other_resident", 404, 404),
        ("grid_worker", 200, 403),
        ("sibling_grid_worker", 404, 404),
        ("secretary", 200, 200),
        ("sibling_secretary", 404, 404),
        ("member", 404, 404),
        ("unit_secretary", 404, 404),
        ("deputy", 404, 404),
        ("other_deputy", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_who_reveals_and_reviews_a_pending_wish(client, world, cast, who, reveal, review):
    from gridgov.core.models import AuditEntry

    user = getattr(cast, who)
    wish = post_wish(world, cast)
    status, body = call(
        client, user, "post", f"{wish.pk}/reveal", {"field": "beneficiary_phone", "reason": "联系送达"}
    )
    assert status == reveal
    if status == 200:
        assert body["value"] == "13904300001"
        entry = AuditEntry.objects.get(action="reveal")
        assert (entry.subject, entry.reason) == (f"wishes.wish:{wish.pk}", "联系送达")
    else:
        assert not AuditEntry.objects.filter(action="reveal").exists()
    assert (
        call(client, user, "post", f"{wish.pk}/review", {"approve": False, "reason": "信息不全"})[0] == review
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    expect(
        {
            "poster": 403,
            "other_resident": 403,
            "grid_worker": 403,
            "sibling_grid_worker": 403,
            "secretary": 403,
            "sibling_secretary": 403,
            "member": 201,
            "unit_secretary": 201,  # for the paired company
            "deputy": 201,  # serves 太平街道
            "other_deputy": 403,  # serves 高升街道
            "anonymous": 401,
        }
    ),
)
def test_who_claims_a_published_wish(client, world, cast, who, status):
    wish = published_wish(world, cast)
    body = {"organisation_id": cast.power.pk} if who == "unit_secretary" else {}
    assert call(client, getattr(cast, who), "post", f"{wish.pk}/claim", body)[0] == status
    assert call(client, getattr(cast, who), "post", "claims", {"wish_ids": [wish.pk], **body})[0] in (
        status,
        409,  # claimed by the call before
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "sibling_secretary", "poster", "grid_worker"])
def test_a_secretary_claims_only_for_their_own_paired_organisation(client, world, cast, who):
    wish = published_wish(world, cast)
    status = call(client, getattr(cast, who), "post", f"{wish.pk}/claim", {"organisation_id": cast.power.pk})[
        0
    ]
    assert status == 403


@pytest.fixture
def fulfilled(world, cast):
    wish = published_wish(world, cast)
    pledge = services.pledge_create(actor=cast.member, wish=wish)
    services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg())
    wish.refresh_from_db()
    return wish


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    expect(
        {
            "poster": 200,
            "other_resident": 403,
            "grid_worker": 200,
            "sibling_grid_worker": 403,
            "secretary": 403,
            "sibling_secretary": 403,
            "member": 403,
            "unit_secretary": 403,
            "deputy": 403,
            "other_deputy": 403,
            "anonymous": 401,
        }
    ),
)
def test_who_confirms_and_thanks(client, world, cast, fulfilled, who, status):
    user = getattr(cast, who)
    assert call(client, user, "post", f"{fulfilled.pk}/confirm")[0] == status
    if status != 200:
        services.wish_confirm(actor=cast.grid_worker, wish=fulfilled)
    assert call(client, user, "post", f"{fulfilled.pk}/thank", {"text": "谢谢！"})[0] == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),  # their own pledge
        ("poster", 404),
        ("grid_worker", 404),
        ("secretary", 404),
        ("unit_secretary", 404),
        ("deputy", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_claimer_withdraws_or_fulfils_a_pledge(client, world, cast, who, status):
    wish = published_wish(world, cast, units=2)
    pledge = services.pledge_create(actor=cast.member, wish=wish, units=1)
    user = getattr(cast, who)
    assert (
        call(client, user, "post", f"pledges/{pledge.pk}/fulfil", {"photo": jpeg()}, multipart=True)[0]
        == status
    )
    second = services.pledge_create(actor=cast.other_member, wish=wish, units=1)
    if who == "member":  # the first one is fulfilled now
        assert call(client, user, "post", f"pledges/{pledge.pk}/withdraw")[0] == 409
        assert call(client, user, "post", f"pledges/{second.pk}/withdraw")[0] == 404
    else:
        assert call(client, user, "post", f"pledges/{second.pk}/withdraw")[0] == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary", 200), ("leader", 200), ("member", 403), ("poster", 403), ("anonymous", 401)],
)
def test_who_reads_the_figures(client, world, cast, who, status):
    published_wish(world, cast)
    got, body = call(client, getattr(cast, who), "get", "figures")
    assert got == status
    if status == 200:
        assert body["published"] == 1
    assert call(client, cast.sibling_secretary, "get", "figures", {"scope": world.t.village.path})[0] == 404
