"""The micro-wish pages through Django's test client: claiming from the wall (one wish, part of
a many-to-one wish, for a paired unit, several at once), the claimer's page (fulfil with a
photo, withdraw), the resident's own wishes (confirm, thank), the secretary's review (the
beneficiary masked), the grid worker's confirmation and thanks, posting and collecting; each
refusal with its status; who opens which page; the menu's entries and their queries; the same
number of queries for few and many rows."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.orgs.selectors import membership_rows
from gridgov.wishes import services
from gridgov.wishes.models import ClaimMode, Pledge, PledgeStatus, Wish, WishSource, WishStatus

from .conftest import BENEFICIARY, jpeg, post_wish, published_wish


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def cell(html: str, wish_id: int) -> str:
    """The wall's (or a list's) cell of one wish."""
    start = html.index(f'id="wish-{wish_id}"')
    end = html.find("</li>", start)
    return html[start:end]


# --- Claiming from the wall ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_claims_part_of_a_many_to_one_wish_from_the_wall(client, world, cast):
    # given a published wish of 10 bags of rice, 3 already claimed by another member
    wish = published_wish(world, cast, units=10, title="大米十袋")
    services.pledge_create(actor=cast.other_member, wish=wish, units=3)
    # when a party member opens the wall
    html = text(as_user(client, cast.member).get("/wishes/"))
    # then the wish offers a claim form whose units default to what remains (7)
    mine = cell(html, wish.pk)
    assert f'action="/wishes/{wish.pk}/claim/"' in mine
    assert 'name="units" value="7" min="1" max="7"' in mine and "认领份数" in mine
    assert 'name="organisation"' not in mine  # a member claims as themself
    # when she claims 2 of them
    response = client.post(f"/wishes/{wish.pk}/claim/", {"units": "2", "next": "/wishes/"})
    # then she is back on the wall, told so, and the progress moved from 3/10 to 5/10
    assert response.status_code == 302 and response.url == "/wishes/"
    html = text(client.get("/wishes/"))
    assert "认领成功" in html and "已认领 5/10" in cell(html, wish.pk)
    assert "您已认领 2 份" in cell(html, wish.pk)
    pledge = Pledge.objects.get(wish=wish, claimer=cast.member)
    assert (pledge.units, pledge.mode, pledge.kind) == (2, ClaimMode.MANY_TO_ONE, "member")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "units", "status", "reason"),
    [
        ("member", "0", 400, "至少认领一份"),
        ("member", "two", 400, "份数请填写整数"),
        ("member", "8", 409, "仅剩 7 份可认领"),
        ("other_member", "1", 409, "您已认领过该微心愿"),
        ("other_deputy", "1", 403, "您没有执行此操作的权限"),
        ("grid_worker", "1", 403, "您没有执行此操作的权限"),
    ],
)
def test_a_refused_claim_shows_the_wall_again_with_the_reason_and_its_status(
    client, world, cast, who, units, status, reason
):
    # given a wish of 10 units, 3 claimed by the other member
    wish = published_wish(world, cast, units=10)
    services.pledge_create(actor=cast.other_member, wish=wish, units=3)
    # when someone claims what they may not
    response = as_user(client, getattr(cast, who)).post(f"/wishes/{wish.pk}/claim/", {"units": units})
    # then the wall is shown again with the reason, and nothing changed
    assert response.status_code == status
    assert reason in text(response) and 'role="alert"' in text(response)
    assert Wish.objects.get(pk=wish.pk).units_pledged == 3


@pytest.mark.django_db
def test_a_wish_not_published_cannot_be_claimed_and_an_anonymous_visitor_is_sent_to_sign_in(
    client, world, cast
):
    pending = post_wish(world, cast)
    # a pending wish is not even seen by a member: 404
    assert as_user(client, cast.member).post(f"/wishes/{pending.pk}/claim/").status_code == 404
    # an anonymous visitor is sent to sign in first
    wish = published_wish(world, cast, title="书包一个")
    response = as_user(client, None).post(f"/wishes/{wish.pk}/claim/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_a_one_unit_wish_is_claimed_whole_without_a_units_input(client, world, cast):
    wish = published_wish(world, cast, units=1)
    html = text(as_user(client, cast.member).get("/wishes/"))
    assert 'name="units"' not in cell(html, wish.pk)
    assert client.post(f"/wishes/{wish.pk}/claim/").status_code == 302
    pledge = Pledge.objects.get(wish=wish)
    assert (pledge.units, pledge.mode) == (1, ClaimMode.ONE_TO_ONE)
    # and the wall now shows it fully claimed, with no form left
    html = text(client.get("/wishes/"))
    assert f'action="/wishes/{wish.pk}/claim/"' not in html and "已认领 1/1" in html


@pytest.mark.django_db
def test_a_paired_units_secretary_chooses_the_unit_that_claims(client, world, cast):
    # given a wish in 张家村, the village the power company's party committee is paired with
    wish = published_wish(world, cast, units=4)
    html = text(as_user(client, cast.unit_secretary).get("/wishes/"))
    # then the secretary's form offers that unit (and not themself: they are no member)
    mine = cell(html, wish.pk)
    assert "认领身份" in mine and f'<option value="{cast.power.pk}">兴隆台供电公司党委</option>' in mine
    assert "本人" not in mine
    # when they claim 2 for it
    response = client.post(f"/wishes/{wish.pk}/claim/", {"units": "2", "organisation": str(cast.power.pk)})
    assert response.status_code == 302
    pledge = Pledge.objects.get(wish=wish)
    assert (pledge.kind, pledge.organisation, pledge.units) == ("unit", cast.power, 2)
    # and a unit they are not the secretary of is refused
    other = published_wish(world, cast, title="轮椅一辆")
    response = client.post(f"/wishes/{other.pk}/claim/", {"organisation": str(world.units["branch"].pk)})
    assert response.status_code == 403 and not Pledge.objects.filter(wish=other).exists()


@pytest.mark.django_db
def test_a_deputy_claims_the_wishes_of_their_area_only(client, world, cast):
    wish = published_wish(world, cast, units=1)
    # the deputy of 太平街道 may claim a wish of 张家村, the deputy of 高升街道 may not
    assert f'action="/wishes/{wish.pk}/claim/"' in text(as_user(client, cast.deputy).get("/wishes/"))
    assert "/claim/" not in text(as_user(client, cast.other_deputy).get("/wishes/"))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "grid_worker", "secretary", "poster", "leader"])
def test_visitors_who_do_not_claim_see_the_wall_without_forms(client, world, cast, who):
    published_wish(world, cast, units=3)
    html = text(as_user(client, getattr(cast, who)).get("/wishes/"))
    assert "冬季棉被一床" in html
    assert "/claim/" not in html and 'name="wish_ids"' not in html and "认领所选心愿" not in html


@pytest.mark.django_db
def test_one_to_many_claims_the_picked_wishes_all_or_none(client, world, cast):
    # given three open wishes, the third already fully claimed by another member
    first = published_wish(world, cast, title="棉被一床")
    second = published_wish(world, cast, title="米面油一份", units=3)
    taken = published_wish(world, cast, title="台灯一盏")
    services.pledge_create(actor=cast.other_member, wish=taken)
    html = text(as_user(client, cast.member).get("/wishes/"))
    assert 'id="claim-many"' in html and "认领所选心愿" in html
    assert f'name="wish_ids" value="{first.pk}" form="claim-many"' in html
    # when the member picks the open two and the taken one: refused, none claimed (409)
    response = client.post("/wishes/claim/", {"wish_ids": [first.pk, second.pk, taken.pk]})
    assert response.status_code == 409 and "台灯一盏" in text(response)
    assert not Pledge.objects.filter(claimer=cast.member).exists()
    # when nothing is picked: 400
    response = client.post("/wishes/claim/", {})
    assert response.status_code == 400 and "请选择要认领的微心愿" in text(response)
    # an unknown wish: 400
    response = client.post("/wishes/claim/", {"wish_ids": ["999999"]})
    assert response.status_code == 400 and "未找到该微心愿" in text(response)
    # when they pick the open two: both are claimed whole, one-to-many
    response = client.post("/wishes/claim/", {"wish_ids": [first.pk, second.pk]})
    assert response.status_code == 302
    pledges = Pledge.objects.filter(claimer=cast.member).order_by("wish_id")
    assert [(p.wish_id, p.units, p.mode) for p in pledges] == [
        (first.pk, 1, ClaimMode.ONE_TO_MANY),
        (second.pk, 3, ClaimMode.ONE_TO_MANY),
    ]
    assert "认领成功：共 2 个微心愿" in text(client.get("/wishes/"))


@pytest.mark.django_db
def test_the_wall_a_claimer_sees_never_shows_who_the_beneficiary_is(client, world, cast):
    wish = published_wish(world, cast, units=5, description="姜玉君老人（电话13904300001）需要棉被。")
    services.pledge_create(actor=cast.member, wish=wish, units=1)
    for who in ("member", "unit_secretary", "deputy", "other_member"):
        html = text(as_user(client, getattr(cast, who)).get("/wishes/"))
        assert "棉被" in html
        for secret in (*BENEFICIARY.values(), "玉君", "04300001"):
            assert secret not in html, (who, secret)


# --- The claimer's page --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_claimer_fulfils_a_pledge_with_a_photo_or_withdraws_it(client, world, cast):
    # given the member's pledges on two wishes
    rice = published_wish(world, cast, units=2, title="大米两袋")
    lamp = published_wish(world, cast, title="台灯一盏")
    kept = services.pledge_create(actor=cast.member, wish=rice)
    dropped = services.pledge_create(actor=cast.member, wish=lamp)
    html = text(as_user(client, cast.member).get("/wishes/mine/"))
    # then the page lists them with a photo form (the camera) and a withdraw button
    assert "我认领的心愿" in html and "大米两袋" in html and "台灯一盏" in html and "张家村" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photo" accept="image/*" capture="environment"' in html
    assert f'action="/wishes/pledges/{kept.pk}/withdraw/"' in html
    # when she marks one fulfilled without a photo: 400 with the reason
    response = client.post(f"/wishes/pledges/{kept.pk}/fulfil/", {"note": "已送到"})
    assert response.status_code == 400 and "请上传心愿实现的照片" in text(response)
    # with a photo: fulfilled, and so is the wish (fully claimed, every pledge fulfilled)
    response = client.post(f"/wishes/pledges/{kept.pk}/fulfil/", {"photo": jpeg(), "note": "已送到家中"})
    assert response.status_code == 302 and response.url == "/wishes/mine/"
    kept.refresh_from_db()
    assert kept.status == PledgeStatus.FULFILLED and kept.note == "已送到家中" and kept.photo
    assert Wish.objects.get(pk=rice.pk).status == WishStatus.FULFILLED
    # when she withdraws the other one: it is open to claim again
    assert client.post(f"/wishes/pledges/{dropped.pk}/withdraw/").status_code == 302
    assert Wish.objects.get(pk=lamp.pk).units_pledged == 0
    html = text(client.get("/wishes/mine/"))
    assert "已撤回对“台灯一盏”的认领" in html and f'id="pledge-{dropped.pk}"' not in html
    # and a fulfilled pledge can neither be fulfilled again nor withdrawn: 409
    response = client.post(f"/wishes/pledges/{kept.pk}/withdraw/")
    assert response.status_code == 409 and "该微心愿已经实现" in text(response)
    response = client.post(f"/wishes/pledges/{kept.pk}/fulfil/", {"photo": jpeg()})
    assert response.status_code == 409 and "不能标记为已兑现" in text(response)
    # someone else's pledge is not found
    response = as_user(client, cast.other_member).post(f"/wishes/pledges/{kept.pk}/withdraw/")
    assert response.status_code == 404


# --- The resident's own wishes --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_resident_confirms_and_thanks_on_their_own_page(client, world, cast):
    # given the resident's wish, claimed and fulfilled by a member, and one not approved
    wish = published_wish(world, cast, title="轮椅一辆")
    pledge = services.pledge_create(actor=cast.member, wish=wish)
    services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg())
    refused = post_wish(world, cast, title="手机一部")
    services.wish_review(actor=cast.secretary, wish=refused, approve=False, reason="不属于微心愿范围")
    html = text(as_user(client, cast.poster).get("/wishes/mine/"))
    # then their page lists their wishes with the beneficiary masked and the reason of the refusal
    assert "我发布的心愿" in html and "受助人 姜**" in html and "姜玉君" not in html
    assert "未通过审核：不属于微心愿范围" in html
    assert "我认领的心愿" not in html  # a resident without pledges
    # when they confirm it came true, then thank with an empty text (400), then with words
    assert client.post(f"/wishes/{wish.pk}/confirm/", {"next": "/wishes/mine/"}).status_code == 302
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CONFIRMED
    response = client.post(f"/wishes/{wish.pk}/thank/", {"text": " ", "next": "/wishes/mine/"})
    assert (
        response.status_code == 400
        and "请写几句感谢的话" in text(response)
        and "我发布的心愿" in text(response)
    )
    response = client.post(f"/wishes/{wish.pk}/thank/", {"text": "谢谢党员同志！", "next": "/wishes/mine/"})
    assert response.status_code == 302 and response.url == "/wishes/mine/"
    assert Wish.objects.get(pk=wish.pk).thanks == "谢谢党员同志！"
    # and confirming again is refused: 409
    response = client.post(f"/wishes/{wish.pk}/confirm/", {"next": "/wishes/mine/"})
    assert response.status_code == 409


# --- Review, confirmation and thanks --------------------------------------------------------------


@pytest.mark.django_db
def test_the_secretary_reviews_pending_wishes_with_the_beneficiary_masked(client, world, cast):
    # given two pending wishes in 张家村
    good = post_wish(world, cast, title="冬季棉被一床")
    bad = post_wish(world, cast, by=cast.grid_worker, title="新手机一部")
    html = text(as_user(client, cast.secretary).get("/wishes/review/"))
    # then the secretary sees them, the beneficiary masked, the group, and the two buttons
    assert "心愿审核" in html and "待审核（2）" in html
    assert "姜**" in html and "139****0001" in html and "张家村3****" in html
    for secret in BENEFICIARY.values():
        assert secret not in html
    assert "孤寡（独居）老人" in html and "通过并发布" in html and "不予通过的原因" in html
    # when they reject one without a reason: 400, the page again
    response = client.post(f"/wishes/{bad.pk}/review/", {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "请说明不予通过的原因" in text(response)
    # with a reason: rejected; approving the other publishes it on the wall
    response = client.post(f"/wishes/{bad.pk}/review/", {"decision": "reject", "reason": "超出微心愿范围"})
    assert response.status_code == 302 and response.url == "/wishes/review/"
    assert client.post(f"/wishes/{good.pk}/review/", {"decision": "approve"}).status_code == 302
    assert Wish.objects.get(pk=bad.pk).reject_reason == "超出微心愿范围"
    assert Wish.objects.get(pk=good.pk).status == WishStatus.PUBLISHED
    html = text(client.get("/wishes/review/"))
    assert "已通过审核，发布到心愿墙" in html and "暂无待审核的微心愿" in html
    # and reviewing it again is refused: 409
    assert client.post(f"/wishes/{good.pk}/review/", {"decision": "approve"}).status_code == 409


@pytest.mark.django_db
def test_a_secretary_elsewhere_neither_sees_nor_reviews_the_wish(client, world, cast):
    wish = post_wish(world, cast)
    html = text(as_user(client, cast.sibling_secretary).get("/wishes/review/"))
    assert "冬季棉被一床" not in html and "暂无待审核的微心愿" in html
    assert client.post(f"/wishes/{wish.pk}/review/", {"decision": "approve"}).status_code == 404
    # a party member sees it neither
    assert as_user(client, cast.member).post(f"/wishes/{wish.pk}/review/").status_code == 404
    # the resident who posted it sees it, but may not review it: 403
    response = as_user(client, cast.poster).post(f"/wishes/{wish.pk}/review/", {"decision": "approve"})
    assert response.status_code == 403
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PENDING


@pytest.mark.django_db
def test_the_grid_worker_confirms_fulfilled_wishes_and_thanks(client, world, cast):
    # given a wish of the grid fulfilled by a member, with a note
    wish = published_wish(world, cast, title="助听器一副")
    pledge = services.pledge_create(actor=cast.member, wish=wish)
    services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg(), note="已陪同验配")
    html = text(as_user(client, cast.grid_worker).get("/wishes/review/"))
    # then the grid worker's page lists it with who fulfilled it (masked) and their note
    assert "心愿确认" in html and "已实现，待确认（1）" in html
    assert "党员 王**：已陪同验配" in html and "待审核" not in html
    # the worker of another grid does not see it and may not confirm it (403: it is public)
    other = as_user(client, cast.sibling_grid_worker)
    assert "助听器一副" not in text(other.get("/wishes/review/"))
    assert other.post(f"/wishes/{wish.pk}/confirm/").status_code == 403
    # when the grid worker confirms, then thanks
    client = as_user(client, cast.grid_worker)
    assert client.post(f"/wishes/{wish.pk}/confirm/").status_code == 302
    html = text(client.get("/wishes/review/"))
    assert "已确认“助听器一副”心愿实现" in html and "已确认，待致谢（1）" in html
    assert client.post(f"/wishes/{wish.pk}/thank/", {"text": "感谢王书记一家！"}).status_code == 302
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.THANKED
    # and thanking again is refused: 409, the page again with the reason
    response = client.post(f"/wishes/{wish.pk}/thank/", {"text": "再次感谢"})
    assert response.status_code == 409 and 'role="alert"' in text(response)


# --- Posting and collecting -----------------------------------------------------------------------


def wish_form(world, **changes) -> dict:
    return {
        "title": "冬季棉被一床",
        "description": "老人独居，被褥陈旧。",
        "category": "necessities",
        "group": "elderly_alone",
        "units_needed": "1",
        "grid": world.t.grid.path,
        **BENEFICIARY,
        **changes,
    }


@pytest.mark.django_db
def test_a_resident_posts_a_wish_and_errors_show_beside_the_fields(client, world, cast):
    html = text(as_user(client, cast.poster).get("/wishes/new/"))
    # the form says the beneficiary's details are private, and offers the grids by community
    assert "发布微心愿" in html and "受助人信息（不公开）" in html and "绝不会出现在心愿墙上" in html
    assert '<optgroup label="张家村">' in html and f'value="{world.t.grid.path}"' in html
    # when a field is missing or wrong: 400, the message beside the field
    response = client.post("/wishes/new/", wish_form(world, title="", beneficiary_phone="12345"))
    assert response.status_code == 400
    body = text(response)
    assert body.count('class="field has-error"') == 1 and "此字段为必填项" in body
    response = client.post("/wishes/new/", wish_form(world, beneficiary_phone="12345"))
    assert response.status_code == 400 and 'class="field has-error"' in text(response)
    response = client.post("/wishes/new/", wish_form(world, units_needed="0"))
    assert response.status_code == 400
    # when it is right: it waits for review, posted by the resident
    response = client.post("/wishes/new/", wish_form(world, units_needed="2"))
    assert response.status_code == 302 and response.url == "/wishes/mine/"
    wish = Wish.objects.get()
    assert (wish.status, wish.source, wish.posted_by, wish.units_needed, wish.grid) == (
        WishStatus.PENDING,
        WishSource.POSTED,
        cast.poster,
        2,
        world.t.grid,
    )
    assert "等待社区（村）党组织书记审核" in text(client.get("/wishes/mine/"))


@pytest.mark.django_db
def test_a_grid_worker_collects_a_wish_in_their_own_grid_only(client, world, cast):
    html = text(as_user(client, cast.grid_worker).get("/wishes/new/"))
    assert "采集微心愿" in html and world.t.grid.path in html and world.t.sibling_grid.path not in html
    # a grid outside theirs is not offered: 400
    response = client.post("/wishes/new/", wish_form(world, grid=world.t.sibling_grid.path))
    assert response.status_code == 400 and not Wish.objects.exists()
    response = client.post("/wishes/new/", wish_form(world))
    assert response.status_code == 302 and response.url == "/wishes/review/"
    assert Wish.objects.get().source == WishSource.COLLECTED


# --- Who opens which page, the menu ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("anonymous", "/wishes/", 200),
        ("member", "/wishes/", 200),
        ("anonymous", "/wishes/mine/", 302),
        ("member", "/wishes/mine/", 200),
        ("unit_secretary", "/wishes/mine/", 200),  # their unit is paired
        ("deputy", "/wishes/mine/", 200),
        ("poster", "/wishes/mine/", 200),
        ("secretary", "/wishes/mine/", 403),  # claims nothing: no member, unit not paired
        ("grid_worker", "/wishes/mine/", 403),
        ("leader", "/wishes/mine/", 403),
        ("anonymous", "/wishes/review/", 302),
        ("secretary", "/wishes/review/", 200),
        ("sibling_secretary", "/wishes/review/", 200),
        ("grid_worker", "/wishes/review/", 200),
        ("member", "/wishes/review/", 403),
        ("poster", "/wishes/review/", 403),
        ("leader", "/wishes/review/", 403),
        ("anonymous", "/wishes/new/", 302),
        ("poster", "/wishes/new/", 200),
        ("grid_worker", "/wishes/new/", 200),
        ("member", "/wishes/new/", 403),
        ("secretary", "/wishes/new/", 403),
        ("leader", "/wishes/new/", 403),
    ],
)
def test_who_opens_the_wish_pages(client, world, cast, who, page, status):
    response = as_user(client, getattr(cast, who)).get(page)
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "entries", "queries"),
    [
        ("poster", ["微心愿墙", "我的心愿"], 0),
        ("deputy", ["微心愿墙", "我的心愿"], 0),  # no membership: their page is a resident's
        ("member", ["微心愿墙", "我的认领"], 0),
        ("unit_secretary", ["微心愿墙", "我的认领", "心愿审核"], 1),
        ("secretary", ["微心愿墙", "心愿审核"], 1),
        ("grid_worker", ["微心愿墙", "心愿确认"], 0),
        ("leader", ["微心愿墙"], 0),
    ],
)
def test_the_menu_entries_take_a_query_only_for_secretaries(world, cast, who, entries, queries):
    user = getattr(cast, who)
    membership_rows(user)  # read once per request by every menu
    with CaptureQueriesContext(connection) as captured:
        found = apps.get_app_config("wishes").menu_entries(user)
    assert [str(e.label) for e in found] == entries
    assert len(captured) == queries


# --- Queries -----------------------------------------------------------------------------------------


def queries(client, user, url: str) -> int:
    as_user(client, user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def more(world, cast, n: int) -> None:
    """Given: n more of everything each page lists."""
    for i in range(n):
        wish = published_wish(world, cast, title=f"心愿{i}", units=3)
        services.pledge_create(actor=cast.member, wish=wish, units=1)
        services.pledge_create(actor=cast.unit_secretary, wish=wish, units=1, organisation_id=cast.power.pk)
        services.pledge_create(actor=cast.deputy, wish=wish, units=1)
        post_wish(world, cast, title=f"待审{i}")
        done = published_wish(world, cast, title=f"已实现{i}")
        pledge = services.pledge_create(actor=cast.member, wish=done)
        services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg(), note="已送到")
        thanked = published_wish(world, cast, title=f"待致谢{i}")
        pledge = services.pledge_create(actor=cast.other_member, wish=thanked)
        services.pledge_fulfil(actor=cast.other_member, pledge=pledge, photo=jpeg())
        services.wish_confirm(actor=cast.grid_worker, wish=thanked)
        published_wish(world, cast, title=f"可认领{i}", units=2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("member", "/wishes/"),
        ("unit_secretary", "/wishes/"),
        ("deputy", "/wishes/"),
        ("member", "/wishes/mine/"),
        ("poster", "/wishes/mine/"),
        ("secretary", "/wishes/review/"),
        ("grid_worker", "/wishes/review/"),
    ],
)
def test_the_pages_take_the_same_queries_for_few_and_many(client, world, cast, who, url):
    user = getattr(cast, who)
    more(world, cast, 1)
    few = queries(client, user, url)
    more(world, cast, 4)
    assert queries(client, user, url) == few
