"""Wish tests run in the party tests' world (张家村 and its grids, the village's branch
secretary, a sibling village's, party members 王德安 and 李在职) with, besides: a power
company's party organisation in another county paired with 张家村 and its secretary, a
deputy serving 太平街道 and one serving 高升街道."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gridgov.cases.tests.conftest import world  # noqa: F401
from gridgov.orgs.models import PartyKind, Role
from gridgov.orgs.services import party_organisation_ensure
from gridgov.orgs.tests.factories import make_user
from gridgov.party.models import Deputy, DeputyKind, Pairing
from gridgov.party.tests.conftest import party  # noqa: F401
from gridgov.wishes import services

#: The beneficiary of the wishes made by ``post_wish``.
BENEFICIARY = {
    "beneficiary_name": "姜玉君",
    "beneficiary_phone": "13904300001",
    "beneficiary_address": "张家村3组12号",
}


@pytest.fixture
def cast(world, party):  # noqa: F811
    t = world.t
    power = party_organisation_ensure(
        org_unit=t.sibling_county, name="兴隆台供电公司党委", kind=PartyKind.OTHER, parent=None
    )
    Pairing(organisation=power, community=t.village, since=timezone.localdate()).save()
    deputy_user = make_user("renda", full_name="刘代表")
    Deputy(user=deputy_user, kind=DeputyKind.PEOPLES_CONGRESS, area=t.street).save()
    other_deputy_user = make_user("zhengxie", full_name="高委员")
    Deputy(user=other_deputy_user, kind=DeputyKind.CPPCC, area=t.sibling_street).save()
    return SimpleNamespace(
        poster=world.users.resident,
        other_resident=world.users.other_resident,
        grid_worker=world.users.grid_worker,
        sibling_grid_worker=world.users.sibling_grid_worker,
        secretary=party.secretary,
        sibling_secretary=party.sibling_secretary,
        member=party.wang_user,
        other_member=party.li_user,
        unit_secretary=make_user("gongdian", role=Role.PARTY_SECRETARY, target=power),
        power=power,
        deputy=deputy_user,
        other_deputy=other_deputy_user,
        leader=world.users.leader,
        anonymous=None,
    )


def post_wish(world, cast, *, by=None, units: int = 1, title: str = "冬季棉被一床", **fields):  # noqa: F811
    """Given: a wish for 姜玉君 in 张家村第一网格 posted by the resident (or ``by``)."""
    return services.wish_create(
        actor=by or cast.poster,
        grid=world.t.grid,
        title=title,
        description=fields.pop("description", "老人独居，被褥陈旧。"),
        category=fields.pop("category", "necessities"),
        group=fields.pop("group", "elderly_alone"),
        units_needed=units,
        **{**BENEFICIARY, **fields},
    )


def published_wish(world, cast, **kwargs):  # noqa: F811
    wish = post_wish(world, cast, **kwargs)
    return services.wish_review(actor=cast.secretary, wish=wish, approve=True)


def jpeg(name: str = "done.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def call(client, user, method: str, path: str, body=None, **extra):
    """One JSON call to /api/wishes/ as ``user`` (None: anonymous): (status, body)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    url = f"/api/wishes/{path}"
    if method == "get":
        response = client.get(url, body or {})
    elif extra.get("multipart"):
        response = client.post(url, body or {})
    else:
        response = getattr(client, method)(url, body or {}, content_type="application/json")
    return response.status_code, (response.json() if response.content else None)
