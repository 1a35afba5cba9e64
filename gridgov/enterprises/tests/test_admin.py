"""The registry in the admin: lists, search, filters and forms render; an enterprise added
there is checked and stored like one registered through the service."""

import pytest
from django.urls import reverse

from gridgov.enterprises.models import Enterprise

from .conftest import MILL, SPARE


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users.admin)
    return client


def url(view, *args):
    return reverse(f"admin:enterprises_enterprise_{view}", args=args)


def test_the_changelist_searches_and_filters(admin_client, world):
    body = admin_client.get(url("changelist"), {"q": "米业"}).content.decode()
    assert "盘锦太平米业有限公司" in body and "盘锦瑞丰农机销售有限公司" not in body
    body = admin_client.get(url("changelist"), {"street": world.t.sibling_street.path}).content.decode()
    assert "盘锦瑞丰农机销售有限公司" in body and "盘锦太平米业有限公司" not in body
    assert "高升街道" in body and "太平街道" in body  # the street filter offers both
    body = admin_client.get(
        url("changelist"), {"industry__exact": "C", "size__exact": "medium"}
    ).content.decode()
    assert "盘锦太平米业有限公司" in body and "张家村农机修理部" not in body
    assert "统一社会信用代码" in body and "制造业" in body


def test_the_forms_render(admin_client, world):
    assert admin_client.get(url("add")).status_code == 200
    assert admin_client.get(url("change", world.mill.pk)).status_code == 200


def form(world, **fields):
    data = {
        "name": "盘锦鑫达建筑工程有限公司",
        "uscc": SPARE.lower(),
        "industry": "E",
        "size": "medium",
        "org_unit": world.t.village.pk,
        "address": "",
        "contact_name": "赵丽娟",
        "contact_phone": "138-0013-8014",
        "liaison": "",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_an_enterprise_added_in_the_admin_is_normalised(admin_client, world):
    response = admin_client.post(url("add"), form(world))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=SPARE)
    assert (enterprise.contact_phone, enterprise.path) == ("13800138014", world.t.village.path)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"uscc": MILL}, "已登记"),
        ({"uscc": "91211122MA0UB5LK21"}, "校验码"),
        ({"org_unit": "county"}, "街道"),
    ],
)
def test_the_admin_refuses_what_the_service_refuses(admin_client, world, fields, message):
    if fields.get("org_unit") == "county":
        fields = {"org_unit": world.t.county.pk}
    response = admin_client.post(url("add"), form(world, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Enterprise.objects.count() == 3
