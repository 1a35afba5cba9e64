"""The home page: role-aware, in Chinese, for signed-in users only."""

import pytest
from django.contrib.auth import get_user_model

from gridgov.orgs.models import CommandCentre, Membership, OrgUnit, Role

User = get_user_model()


@pytest.fixture
def units(db):
    province = OrgUnit.objects.create(path="21", name="辽宁省", level="province")
    city = OrgUnit.objects.create(path="2111", name="盘锦市", level="city", parent=province)
    county = OrgUnit.objects.create(path="211122", name="盘山县", level="county", parent=city)
    street = OrgUnit.objects.create(path="211122001", name="太平街道", level="street", parent=county)
    village = OrgUnit.objects.create(path="211122001211", name="张家村", level="community", parent=street)
    grid = OrgUnit.objects.create(
        path="211122001211001", name="张家村第一网格", level="grid2", parent=village
    )
    return {"street": street, "grid": grid}


def test_home_shows_the_sign_in_page_to_visitors(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode() and "群众登录" in response.content.decode()


def test_grid_worker_sees_role_and_grid(client, units, django_assert_max_num_queries):
    # given a grid worker of 张家村第一网格
    user = User.objects.create_user(username="zhangwei", password="x", full_name="张伟")
    Membership.objects.create(user=user, role=Role.GRID_WORKER, org_unit=units["grid"])
    client.force_login(user)
    # when they open the home page
    with django_assert_max_num_queries(6):
        response = client.get("/")
    # then they are greeted and see their post where they hold it
    html = response.content.decode()
    assert response.status_code == 200
    assert "你好，张伟" in html
    assert "网格员" in html and "张家村第一网格" in html
    assert "群众" not in html.split('class="page"')[1].split("我的账号")[0]
    assert "/admin/" not in html


def test_centre_operator_sees_the_centre(client, units):
    user = User.objects.create_user(username="liqiang", password="x")
    centre = CommandCentre.objects.create(name="太平街道指挥中心", org_unit=units["street"])
    Membership.objects.create(user=user, role=Role.CENTRE_OPERATOR, command_centre=centre)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "指挥中心" in html and "太平街道指挥中心" in html


def test_resident_sees_account_and_explanation(client, db):
    # given a resident who signed in with their phone
    user = User.objects.create_user(username="r13812345678", phone="13812345678")
    client.force_login(user)
    # when they open the home page
    html = client.get("/").content.decode()
    # then they see their masked phone and what to expect, never the full number
    assert "你好，138****5678" in html
    assert "群众" in html and "手机号" in html
    assert "13812345678" not in html
    assert "/admin/" not in html


def test_superuser_gets_the_admin_tile(client, db):
    client.force_login(User.objects.create_superuser(username="admin", password="x"))
    html = client.get("/").content.decode()
    assert 'href="/admin/"' in html and "后台管理" in html
    assert "系统管理员" in html


def test_page_shell(client, db):
    client.force_login(User.objects.create_user(username="r13900000000", phone="13900000000"))
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "智慧网格" in html and "退出" in html
    assert 'action="/accounts/logout/"' in html
    assert "/static/gridgov/app.css" in html
