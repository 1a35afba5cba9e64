"""Party tests run in the case loop's small world (张家村 and its grids), with the village's
party branch secretary, a sibling village's, members living in 张家村第一网格 and an
in-service member organised at the county bureau."""

from datetime import date
from types import SimpleNamespace

import pytest

from gridgov.cases.tests.conftest import world  # noqa: F401
from gridgov.orgs.models import PartyKind, Role
from gridgov.orgs.services import party_organisation_ensure
from gridgov.orgs.tests.factories import make_user
from gridgov.party import services

#: Valid identity numbers (GB 11643 check characters).
ID_WANG = "211122196503120014"
ID_LI = "211122198807150027"


@pytest.fixture
def party(world):  # noqa: F811
    t, u = world.t, world.units
    sibling_branch = party_organisation_ensure(
        org_unit=t.sibling_village,
        name="中共常家村支部委员会",
        kind=PartyKind.VILLAGE_BRANCH,
        parent=u["street_committee"],
    )
    bureau_branch = party_organisation_ensure(
        org_unit=t.county, name="盘山县住建局机关党支部", kind=PartyKind.OTHER, parent=u["committee"]
    )
    secretary = make_user("zhishu", role=Role.PARTY_SECRETARY, target=u["branch"], full_name="许大刚")
    county_secretary = make_user("xianwei", role=Role.PARTY_SECRETARY, target=u["committee"])
    sibling_secretary = make_user("changjia", role=Role.PARTY_SECRETARY, target=sibling_branch)
    wang_user = make_user("wangdean", role=Role.PARTY_MEMBER, target=u["group"], full_name="王德安")
    li_user = make_user("lizaizhi", role=Role.PARTY_MEMBER, target=bureau_branch, full_name="李在职")
    wang = services.member_create(
        actor=secretary,
        organisation=u["group"],
        grid=t.grid,
        user=wang_user,
        name="王德安",
        gender="male",
        birth_date=date(1965, 3, 12),
        joined_on=date(1990, 7, 1),
        phone="13904271234",
        id_number=ID_WANG,
    )
    li = services.member_create(
        actor=county_secretary,
        organisation=bureau_branch,
        grid=t.sibling_grid,
        user=li_user,
        name="李在职",
        gender="female",
        birth_date=date(1988, 7, 15),
        phone="13804275678",
        id_number=ID_LI,
        in_service=True,
    )
    return SimpleNamespace(
        secretary=secretary,
        county_secretary=county_secretary,
        sibling_secretary=sibling_secretary,
        sibling_branch=sibling_branch,
        bureau_branch=bureau_branch,
        wang=wang,
        li=li,
        wang_user=wang_user,
        li_user=li_user,
    )
