"""A small registry: the test territory with its centres and units, one user for every role
(and some outside the scope), and three enterprises — a rice mill in 张家村 looked after by a
county-bureau cadre, a workshop in 张家村's first grid, and a shop in the sibling street."""

from types import SimpleNamespace

import pytest

from gridgov.core.validators import uscc_check_char
from gridgov.enterprises.models import Industry, Size
from gridgov.enterprises.services import enterprise_create, enterprise_liaison_set
from gridgov.orgs.models import Role
from gridgov.orgs.tests.factories import attach_units, make_territory, make_user


def uscc(body: str) -> str:
    """A valid code from its first 17 characters."""
    return body + uscc_check_char(body)


MILL = uscc("91211122MA0UB5LK2")  # 91211122MA0UB5LK20
WORKSHOP = uscc("92211122MA0XW9DL7")  # 92211122MA0XW9DL7B
SHOP = uscc("91211122MA10C6UP5")  # 91211122MA10C6UP5L
SPARE = uscc("91211100MA0QE2RB4")  # 91211100MA0QE2RB48


def register(actor, org_unit, code, name, **fields):
    values = {
        "name": name,
        "uscc": code,
        "industry": Industry.MANUFACTURING,
        "size": Size.SMALL,
        "org_unit": org_unit,
        "address": "盘山县太平街道",
        "contact_name": "刘建国",
        "contact_phone": "13800138011",
    }
    values.update(fields)
    return enterprise_create(actor=actor, **values)


@pytest.fixture
def world(db):
    t = make_territory()
    units = attach_units(t)
    centres = units["centres"]
    users = SimpleNamespace(
        centre=make_user("taiping", role=Role.CENTRE_OPERATOR, target=centres[t.street.path]),
        sibling_centre=make_user(
            "gaosheng", role=Role.CENTRE_OPERATOR, target=centres[t.sibling_street.path]
        ),
        county_centre=make_user("panshan", role=Role.CENTRE_OPERATOR, target=centres[t.county.path]),
        leader=make_user("lingdao", role=Role.LEADER, target=t.county, full_name="陈峰"),
        grid_worker=make_user("mengqian", role=Role.GRID_WORKER, target=t.grid),
        unit=make_user("chengguan", role=Role.UNIT_HANDLER, target=units["office"]),
        liaison=make_user("zhujian", role=Role.UNIT_HANDLER, target=units["bureau"], full_name="孙丽华"),
        party=make_user("dangyuan", role=Role.PARTY_MEMBER, target=units["group"]),
        resident=make_user("r13800138000", phone="13800138000"),
        admin=make_user("root", is_superuser=True, is_staff=True),
    )
    mill = register(
        users.centre, t.village, MILL, "盘锦太平米业有限公司", size=Size.MEDIUM, contact_name="刘建国"
    )
    mill = enterprise_liaison_set(actor=users.centre, enterprise=mill, liaison=users.liaison)
    workshop = register(
        users.centre,
        t.grid,
        WORKSHOP,
        "张家村农机修理部",
        industry=Industry.HOUSEHOLD,
        size=Size.MICRO,
        contact_name="王志强",
        contact_phone="13800138013",
    )
    shop = register(
        users.sibling_centre,
        t.sibling_street,
        SHOP,
        "盘锦瑞丰农机销售有限公司",
        industry=Industry.TRADE,
        contact_name="孙德福",
        contact_phone="13800138015",
    )
    return SimpleNamespace(t=t, units=units, users=users, mill=mill, workshop=workshop, shop=shop)
